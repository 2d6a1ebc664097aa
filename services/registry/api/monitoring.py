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
    school_year: SchoolYear
    # indicator code → target: a percentage, a mean rating (1–10) or a count
    targets: Annotated[dict[IndicatorCode, float], msgspec.Meta(max_length=50)]


Age = Annotated[int, msgspec.Meta(ge=0, le=100)]


class BandIn(msgspec.Struct, forbid_unknown_fields=True):
    age_from: Age
    age_to: Age


class BandsIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: SchoolYear
    # indicator code → its age band for the year (the federal one where not set)
    bands: Annotated[dict[IndicatorCode, BandIn], msgspec.Meta(max_length=10)]


class FrameDeadlineIn(msgspec.Struct, forbid_unknown_fields=True):
    deadline: date  # the day by which the region's organisations are to introduce the frame


class ContingentIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: SchoolYear
    students: Headcount
    students_10_18: Headcount
    students_15_19: Headcount
    teachers: Headcount
    young_teachers: Headcount
    # the school's monitoring window; by default 1 October – 30 May
    monitoring_from: date | None = None
    monitoring_to: date | None = None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    item: Annotated[int, msgspec.Meta(ge=-1000, le=1000)]
    achieved: bool
    evidence: Text | None = None


class SelfAuditIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: SchoolYear
    items: Annotated[list[AnswerIn], msgspec.Meta(max_length=12)] = []
    # the active page of the school's website about mentoring (item 12)
    page_url: Url | None = None


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: SchoolYear
    item: Annotated[int, msgspec.Meta(ge=-1000, le=1000)]
    achieved: bool
    recommendation: Text | None = None


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
