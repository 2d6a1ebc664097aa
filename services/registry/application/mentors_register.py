"""The school's register of mentors and the institute's regional base of their training."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from shared.kernel.command import Caller, allowed
from shared.kernel.errors import RuleViolated
from shared.kernel.principal import Role
from shared.kernel.scope import region_of

from ..domain import (
    MentorRegister,
    Person,
    TrainingCourse,
)
from .base import (
    INSTITUTE,
    RegistryBase,
)


class MentorsRegisterCommands(RegistryBase):
    @allowed(
        frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}),
        "утверждать реестр наставников (это приказ директора)",
    )
    def approve_mentor_register(
        self,
        caller: Caller,
        school_id: UUID,
        school_year: str,
        order_number: str,
        order_date: date,
        mentor_ids: list[UUID],
    ) -> tuple[UUID, int]:
        school = self.open_school_for(caller, school_id)
        MentorRegister.check_list(mentor_ids)
        for mentor_id in mentor_ids:
            mentor = self.load(Person, mentor_id, "Наставник")
            if mentor.school_id != school.id:
                raise RuleViolated(
                    "other_school", "Наставник числится в другой школе", person_id=str(mentor_id)
                )
            mentor.check_can_be_approved_mentor(order_date)
        register = MentorRegister(
            id=uuid4(),
            tenant=school.tenant,
            actor=caller.actor,
            school_id=school.id,
            school_year=school_year,
            order_number=order_number,
            order_date=order_date,
            mentor_ids=mentor_ids,
        )
        return register.id, self.store(register)

    @allowed(INSTITUTE, "вести региональную базу обучения наставников")
    def announce_course(
        self,
        caller: Caller,
        name: str,
        hours: int,
        provider: str,
        starts_on: date,
        ends_on: date,
    ) -> tuple[UUID, int]:
        TrainingCourse.check_dates(starts_on, ends_on)
        course = TrainingCourse(
            id=uuid4(),
            tenant=region_of(caller.scope.path),
            actor=caller.actor,
            name=name,
            hours=hours,
            provider=provider,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        return course.id, self.store(course)

    @allowed(INSTITUTE, "вести региональную базу обучения наставников")
    def record_course_completion(
        self,
        caller: Caller,
        course_id: UUID,
        person_id: UUID,
        completed_on: date,
        certificate: str,
    ) -> int:
        course = self.load(TrainingCourse, course_id, "Курс")
        caller.require_scope(course.tenant)
        mentor = self.load(Person, person_id, "Наставник")
        caller.require_scope(mentor.tenant)
        if not mentor.is_mentor():
            raise RuleViolated("not_a_mentor", "Этот человек не в базе наставников")
        course.record_completion(
            caller.actor,
            person_id,
            mentor.school_id,
            mentor.tenant,
            completed_on,
            certificate,
        )
        return self.store(course)
