"""Monitoring: the region's indicator targets, schools' contingents, the self-audit checklist."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.registry.application import Contingent
from services.wiring import Position
from shared.dictionaries import SchoolYear
from shared.kernel.principal import Principal

from .common import Text, registry_of

Headcount = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Url = Annotated[str, msgspec.Meta(pattern=r"^https?://\S+$", max_length=500)]
IndicatorCode = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]


class TargetsIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: Annotated[
        SchoolYear, msgspec.Meta(description="The school year the targets are for")
    ]
    # indicator code → target: a percentage, a mean rating (1–10) or a count
    targets: Annotated[
        dict[IndicatorCode, float],
        msgspec.Meta(
            max_length=50,
            description="The target of each indicator, by code",
            examples=[{"students_involved": 30.0, "mentees_10_18": 15.0}],
        ),
    ]


Age = Annotated[int, msgspec.Meta(ge=0, le=100)]


class BandIn(msgspec.Struct, forbid_unknown_fields=True):
    age_from: Annotated[Age, msgspec.Meta(description="The youngest age of the band")]
    age_to: Annotated[Age, msgspec.Meta(description="The oldest age of the band")]


class BandsIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: Annotated[
        SchoolYear, msgspec.Meta(description="The school year the bands are for («2025/26»)")
    ]
    # indicator code → its age band for the year (the federal one where not set)
    bands: Annotated[
        dict[IndicatorCode, BandIn],
        msgspec.Meta(
            max_length=10,
            description="Each indicator's age band for the year, by indicator code (the"
            " federal band where none is set)",
            examples=[{"mentees_10_18": {"age_from": 11, "age_to": 18}}],
        ),
    ]


class FrameDeadlineIn(msgspec.Struct, forbid_unknown_fields=True):
    deadline: Annotated[
        date,
        msgspec.Meta(
            description="The day by which the region's organisations are to introduce the frame",
            examples=["2024-09-01"],
        ),
    ]


class ContingentIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: Annotated[SchoolYear, msgspec.Meta(description="The school year («2025/26»)")]
    students: Annotated[Headcount, msgspec.Meta(description="The school's pupils", examples=[812])]
    students_10_18: Annotated[
        Headcount, msgspec.Meta(description="Pupils aged 10 to 18", examples=[455])
    ]
    students_15_19: Annotated[
        Headcount, msgspec.Meta(description="Pupils aged 15 to 19", examples=[190])
    ]
    teachers: Annotated[Headcount, msgspec.Meta(description="The school's teachers", examples=[54])]
    young_teachers: Annotated[
        Headcount,
        msgspec.Meta(
            description="Teachers with under 3 years' experience and under 35", examples=[7]
        ),
    ]
    # the school's monitoring window; by default 1 October – 30 May
    monitoring_from: Annotated[
        date | None,
        msgspec.Meta(description="The monitoring window's first day (1 October by default)"),
    ] = None
    monitoring_to: Annotated[
        date | None,
        msgspec.Meta(description="The monitoring window's last day (30 May by default)"),
    ] = None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    item: Annotated[int, msgspec.Meta(ge=-1000, le=1000, description="The item's number (1–12)")]
    achieved: Annotated[bool, msgspec.Meta(description="The item is achieved")]
    evidence: Annotated[Text | None, msgspec.Meta(description="The evidence for the answer")] = None


class SelfAuditIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: Annotated[SchoolYear, msgspec.Meta(description="The school year audited")]
    items: Annotated[
        list[AnswerIn], msgspec.Meta(max_length=12, description="The items answered")
    ] = []
    # the active page of the school's website about mentoring (item 12)
    page_url: Annotated[
        Url | None, msgspec.Meta(description="The mentoring page of the school's website")
    ] = None


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: Annotated[SchoolYear, msgspec.Meta(description="The school year reviewed")]
    item: Annotated[
        int, msgspec.Meta(ge=-1000, le=1000, description="The item's number (1–12)", examples=[12])
    ]
    achieved: Annotated[
        bool, msgspec.Meta(description="The reviewer's verdict: achieved or not", examples=[False])
    ]
    recommendation: Annotated[
        Text | None,
        msgspec.Meta(
            description="The reviewer's recommendation",
            examples=[
                "Разместить Положение о наставничестве на сайте школы в разделе «Наставничество»"
            ],
        ),
    ] = None


class MonitoringController(Controller):
    tags = ["monitoring"]

    @put("/regions/{region_id:uuid}/indicator-targets", sync_to_thread=True)
    def set_indicator_targets(
        self, request: Request[Principal, Any, Any], state: State, region_id: UUID, data: TargetsIn
    ) -> Position:
        """Set the region's target values of the target model's indicators."""
        position = registry_of(state).set_indicator_targets(
            request.user, region_id, data.school_year, dict(data.targets)
        )
        return Position(position=position)

    @put("/regions/{region_id:uuid}/indicator-bands", sync_to_thread=True)
    def set_bands(
        self, request: Request[Principal, Any, Any], state: State, region_id: UUID, data: BandsIn
    ) -> Position:
        bands = {code: (band.age_from, band.age_to) for code, band in data.bands.items()}
        position = registry_of(state).set_indicator_bands(
            request.user, region_id, data.school_year, bands
        )
        return Position(position=position)

    @put("/regions/{region_id:uuid}/frames/{frame:str}/deadline", sync_to_thread=True)
    def set_frame_deadline(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        region_id: UUID,
        frame: str,
        data: FrameDeadlineIn,
    ) -> Position:
        """Set the day by which the region's organisations are to introduce a frame of
        mentoring: `students` (целевая модель наставничества обучающихся) or `teachers`
        (система наставничества педагогических работников)."""
        position = registry_of(state).set_frame_deadline(
            request.user, region_id, frame, data.deadline
        )
        return Position(position=position)

    @put("/schools/{school_id:uuid}/contingent", sync_to_thread=True)
    def record_contingent(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: ContingentIn,
    ) -> Position:
        """Record a school's contingent: how many pupils and teachers it has, the base of its
        coverage."""
        contingent = Contingent(
            students=data.students,
            students_10_18=data.students_10_18,
            students_15_19=data.students_15_19,
            teachers=data.teachers,
            young_teachers=data.young_teachers,
            monitoring_from=data.monitoring_from,
            monitoring_to=data.monitoring_to,
        )
        position = registry_of(state).record_contingent(
            request.user, school_id, data.school_year, contingent
        )
        return Position(position=position)

    @put("/schools/{school_id:uuid}/self-audit", sync_to_thread=True)
    def fill_self_audit(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: SelfAuditIn,
    ) -> Position:
        """Fill in the school's self-audit of the target model's implementation
        (самообследование)."""
        position = registry_of(state).fill_self_audit(
            request.user,
            school_id,
            data.school_year,
            [(a.item, a.achieved, a.evidence) for a in data.items],
            data.page_url,
        )
        return Position(position=position)

    @post("/schools/{school_id:uuid}/self-audit/reviews", sync_to_thread=True)
    def review_self_audit(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: ReviewIn,
    ) -> Position:
        """Review a school's self-audit: the municipality's or the region's verdict on it."""
        position = registry_of(state).review_self_audit(
            request.user,
            school_id,
            data.school_year,
            data.item,
            data.achieved,
            data.recommendation,
        )
        return Position(position=position)
