"""The unified regional base of mentors: training courses kept by the institute, and each
school's register of mentors approved by the director's order."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated


class TrainingCourse(TenantAggregate):
    """A course for mentors (e.g. the 36-hour «школа наставника»), and who completed it."""

    @event("Announced")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        name: str,
        hours: int,
        provider: str,
        starts_on: date,
        ends_on: date,
    ) -> None:
        self.tenant = tenant
        self.name = name
        self.ends_on = ends_on
        self.completed_by: set[UUID] = set()

    @staticmethod
    def check_dates(starts_on: date, ends_on: date) -> None:
        if ends_on < starts_on:
            raise RuleViolated("course_dates", "Курс не может закончиться раньше, чем начался")

    def record_completion(
        self,
        actor: Actor,
        person_id: UUID,
        school_id: UUID,
        school_tenant: str,
        completed_on: date,
        certificate: str,
    ) -> None:
        if person_id in self.completed_by:
            raise RuleViolated(
                "already_completed", "Прохождение курса этим наставником уже записано"
            )
        if completed_on < self.ends_on:
            raise RuleViolated(
                "completed_before_course_end",
                f"Курс заканчивается {self.ends_on:%d.%m.%Y}: дата прохождения раньше",
            )
        self._completed(
            actor=actor,
            person_id=person_id,
            school_id=school_id,
            school_tenant=school_tenant,
            completed_on=completed_on,
            certificate=certificate,
        )

    @event("Completed")
    def _completed(
        self,
        actor: Actor,
        person_id: UUID,
        school_id: UUID,
        school_tenant: str,
        completed_on: date,
        certificate: str,
    ) -> None:
        self.completed_by.add(person_id)


class MentorRegister(TenantAggregate):
    """A school's register of mentors, approved by the director's order (number and date)."""

    @event("Approved")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        school_year: str,
        order_number: str,
        order_date: date,
        mentor_ids: list[UUID],
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.mentor_ids = list(mentor_ids)

    @staticmethod
    def check_list(mentor_ids: list[UUID]) -> None:
        if not mentor_ids:
            raise RuleViolated("empty_register", "В реестре нет ни одного наставника")
        if len(set(mentor_ids)) != len(mentor_ids):
            raise RuleViolated("repeated_mentor", "Наставник указан в реестре дважды")
