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
        OrderNumber, msgspec.Meta(description="The number of the director's order approving it")
    ]
    order_date: Annotated[date, msgspec.Meta(description="The date of that order")]
    mentor_ids: Annotated[
        list[UUID],
        msgspec.Meta(min_length=1, max_length=500, description="The mentors the register holds"),
    ]


class CourseIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[Name, msgspec.Meta(description="The course's title")]
    hours: Annotated[int, msgspec.Meta(ge=1, le=2000, description="Its length in academic hours")]
    provider: Annotated[Name, msgspec.Meta(description="Who teaches it")]
    starts_on: Annotated[date, msgspec.Meta(description="Its first day")]
    ends_on: Annotated[date, msgspec.Meta(description="Its last day")]


class CompletionIn(msgspec.Struct, forbid_unknown_fields=True):
    person_id: Annotated[UUID, msgspec.Meta(description="The mentor who completed the course")]
    completed_on: Annotated[date, msgspec.Meta(description="The day it was completed")]
    certificate: Annotated[
        str,
        msgspec.Meta(
            min_length=1, max_length=100, description="The certificate's number (удостоверение)"
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
