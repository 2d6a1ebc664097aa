"""The regional base of mentors: schools' registers approved by order, the institute's courses."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.dictionaries import SchoolYear
from shared.kernel.principal import Principal

from .common import Name, registry_of

OrderNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class MentorRegisterIn(msgspec.Struct, forbid_unknown_fields=True):
    school_year: Annotated[SchoolYear, msgspec.Meta(description="The school year of the register")]
    order_number: Annotated[
        OrderNumber,
        msgspec.Meta(
            description="The number of the director's order approving it", examples=["128-о"]
        ),
    ]
    order_date: Annotated[
        date, msgspec.Meta(description="The date of that order", examples=["2025-09-15"])
    ]
    mentor_ids: Annotated[
        list[UUID],
        msgspec.Meta(
            min_length=1,
            max_length=500,
            description="The mentors the register holds",
            examples=[["2df0ec24-f1b8-465f-ae67-3c0579e6c8ab"]],
        ),
    ]


class CourseIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[
        Name,
        msgspec.Meta(
            description="The course's title",
            examples=["Организация наставничества в образовательной организации"],
        ),
    ]
    hours: Annotated[
        int, msgspec.Meta(ge=1, le=2000, description="Its length in academic hours", examples=[36])
    ]
    provider: Annotated[
        Name,
        msgspec.Meta(
            description="Who teaches it",
            examples=["Институт развития образования Кировской области"],
        ),
    ]
    starts_on: Annotated[date, msgspec.Meta(description="Its first day", examples=["2025-10-06"])]
    ends_on: Annotated[date, msgspec.Meta(description="Its last day", examples=["2025-10-24"])]


class CompletionIn(msgspec.Struct, forbid_unknown_fields=True):
    person_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The mentor who completed the course",
            examples=["2df0ec24-f1b8-465f-ae67-3c0579e6c8ab"],
        ),
    ]
    completed_on: Annotated[
        date, msgspec.Meta(description="The day it was completed", examples=["2025-10-24"])
    ]
    certificate: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=100,
            description="The certificate's number (удостоверение)",
            examples=["432415678901"],
        ),
    ]


class MentorsRegisterController(Controller):
    tags = ["regional base of mentors"]

    @post("/schools/{school_id:uuid}/mentor-registers", sync_to_thread=True)
    def approve_mentor_register(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: MentorRegisterIn,
    ) -> Created:
        """Approve the school's register of mentors (реестр наставников) for a school year."""
        register_id, position = registry_of(state).approve_mentor_register(
            request.user,
            school_id,
            data.school_year,
            data.order_number,
            data.order_date,
            data.mentor_ids,
        )
        return Created(id=register_id, position=position)

    @post("/training-courses", sync_to_thread=True)
    def announce_course(
        self, request: Request[Principal, Any, Any], state: State, data: CourseIn
    ) -> Created:
        """Announce a training course for mentors (курс обучения наставников)."""
        course_id, position = registry_of(state).announce_course(
            request.user, data.name, data.hours, data.provider, data.starts_on, data.ends_on
        )
        return Created(id=course_id, position=position)

    @post("/training-courses/{course_id:uuid}/completions", sync_to_thread=True)
    def record_course_completion(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        course_id: UUID,
        data: CompletionIn,
    ) -> Position:
        """Record that a mentor completed a training course."""
        position = registry_of(state).record_course_completion(
            request.user, course_id, data.person_id, data.completed_on, data.certificate
        )
        return Position(position=position)
