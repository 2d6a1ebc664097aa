"""A school's programmes: opening, description, stages, the meeting rule, matching decisions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.dictionaries import MentoringForm, SchoolYear
from shared.kernel.principal import Principal

from ..domain import Stage
from .common import Goals, Title, programs_of


class ProgrammeIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The school that runs the programme",
            examples=["3e6a9c12-4b7d-4f0a-8c2e-5d1f3a7b9e04"],
        ),
    ]
    school_year: Annotated[SchoolYear, msgspec.Meta(description="The school year («2025/26»)")]
    title: Annotated[
        Title,
        msgspec.Meta(
            description="The programme's title",
            examples=["Программа наставничества МБОУ «СОШ № 12» на 2025/26 учебный год"],
        ),
    ]
    forms: Annotated[
        list[MentoringForm],
        msgspec.Meta(
            min_length=1,
            description="The forms of mentoring it includes",
            examples=[["student_student", "teacher_student"]],
        ),
    ]
    id: Annotated[UUID | None, msgspec.Meta(description="Its id, when the caller chooses it")] = (
        None
    )
    frame: Annotated[
        Annotated[str, msgspec.Meta(max_length=40, examples=["teachers"])] | None,
        msgspec.Meta(
            description="«students» (целевая модель наставничества обучающихся) or «teachers»"
            " (система наставничества педагогических работников), checked by the domain (a 422);"
            " none: the one the forms say",
        ),
    ] = None


class DescriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_on: Annotated[
        date, msgspec.Meta(description="The programme's first day", examples=["2025-09-01"])
    ]
    ends_on: Annotated[
        date, msgspec.Meta(description="The programme's last day", examples=["2026-05-31"])
    ]
    goals: Annotated[
        Goals,
        msgspec.Meta(
            description="The programme's goals",
            examples=[
                [
                    "Повысить успеваемость наставляемых по математике",
                    "Вовлечь обучающихся 7–9 классов в проектную деятельность",
                ]
            ],
        ),
    ]
    curators: Annotated[
        dict[MentoringForm, UUID],
        msgspec.Meta(
            description="The curator of each form of mentoring (a staff member's id)",
            examples=[{"teacher_student": "be70c937-f7a1-4a06-9b0e-72e6f46c6ff9"}],
        ),
    ] = {}


class StageIn(msgspec.Struct, forbid_unknown_fields=True):
    stage: Annotated[
        int, msgspec.Meta(ge=1, le=7, description="The stage moved to (1–7)", examples=[2])
    ]
    effective_on: Annotated[
        date | None,
        msgspec.Meta(
            description="The day the stage began, as the order or protocol gives",
            examples=["2025-10-01"],
        ),
    ] = None  # the day the documents give; the day of recording if none


class MeetingRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    every_days: Annotated[
        int,
        msgspec.Meta(description="Each pair meets at least every this many days", examples=[14]),
    ]


class RejectionIn(msgspec.Struct, forbid_unknown_fields=True):
    mentee_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The mentee the suggestion was for",
            examples=["5d2e7a90-8b1c-4e6f-a3d4-7c9b0e1f2a02"],
        ),
    ]
    mentor_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The mentor suggested", examples=["0b9f6c1e-3c2a-4f1e-9a57-2d6b8e4f1a01"]
        ),
    ]
    reason: Annotated[
        str,
        msgspec.Meta(
            max_length=300,
            description="Why the suggestion is rejected",
            examples=["Учатся в разные смены"],
        ),
    ] = ""


class ProgrammeController(Controller):
    path = "/programmes"
    tags = ["programmes"]

    @post("/", sync_to_thread=True)
    def open_programme(
        self, request: Request[Principal, Any, Any], state: State, data: ProgrammeIn
    ) -> Created:
        """Open a school's mentoring programme (программа наставничества) for a school year."""
        programme, position = programs_of(state).open_programme(
            request.user,
            data.school_id,
            data.school_year,
            data.title,
            data.forms,
            data.id,
            data.frame,
        )
        return Created(id=programme.id, position=position)

    @put("/{programme_id:uuid}/description", sync_to_thread=True)
    def describe_programme(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: DescriptionIn,
    ) -> Position:
        """Describe a programme: its goals, period and the curators of its forms.

        Duration, goals and the curator of each form."""
        position = programs_of(state).describe_programme(
            request.user, programme_id, data.starts_on, data.ends_on, data.goals, data.curators
        )
        return Position(position=position)

    @post("/{programme_id:uuid}/stage", sync_to_thread=True, status_code=200)
    def move_programme_to_stage(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: StageIn,
    ) -> Position:
        """Move a programme to another of its seven stages, from the day its documents give."""
        position = programs_of(state).move_to_stage(
            request.user, programme_id, Stage(data.stage), data.effective_on
        )
        return Position(position=position)

    @post("/{programme_id:uuid}/meeting-rule", sync_to_thread=True, status_code=200)
    def set_meeting_rule(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: MeetingRuleIn,
    ) -> Position:
        """Set how often a programme's pairs must meet, in days."""
        position = programs_of(state).set_meeting_rule(request.user, programme_id, data.every_days)
        return Position(position=position)

    @post("/{programme_id:uuid}/rejected-suggestions", sync_to_thread=True)
    def reject_match_suggestion(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: RejectionIn,
    ) -> Position:
        """Reject a mentor suggested for a mentee by matching, so it is not suggested again.

        The curator turns a suggested mentor down for a mentee."""
        position = programs_of(state).reject_suggestion(
            request.user, programme_id, data.mentee_id, data.mentor_id, data.reason
        )
        return Position(position=position)
