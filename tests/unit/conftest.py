"""The rules' tests: registry and programs on the in-memory store (`services.bootstrap.in_memory`),
called as the services call them, with no database and no HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from uuid import UUID

import pytest

from services.bootstrap import WriteSide, in_memory
from services.programs.application import Feedback, NewMeeting
from services.programs.domain import MeetingFormat, MeetingKind
from services.registry.application import NewConsent, NewPerson
from services.registry.domain import (
    ConsentKind,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    PersonKind,
)
from shared.adapters.settings import region_today
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope

TODAY = region_today()


class School:
    """A region with a municipality and two schools, and helpers acting as their staff."""

    def __init__(self, side: WriteSide) -> None:
        self.side = side
        self.registry = side.registry
        self.programs = side.programs
        operator = Principal("operator", Role.OPERATOR, Scope(""))
        self.region = region = self.organisation(operator, OrganisationKind.REGION, "Область", None)
        self.municipality = municipality = self.organisation(
            operator, OrganisationKind.MUNICIPALITY, "Округ", region
        )
        self.municipality_2 = self.organisation(
            operator, OrganisationKind.MUNICIPALITY, "Второй округ", region
        )
        self.id = self.organisation(operator, OrganisationKind.SCHOOL, "Школа № 1", municipality)
        self.other = self.organisation(operator, OrganisationKind.SCHOOL, "Школа № 2", municipality)
        self.region_path = self.path_of(region)
        self.path = self.path_of(self.id)
        self.other_path = self.path_of(self.other)

    def path_of(self, organisation_id: UUID) -> str:
        return self.registry.load(Organisation, organisation_id, "Организация").tenant

    def organisation(
        self, operator: Principal, kind: OrganisationKind, name: str, parent: UUID | None
    ) -> UUID:
        return self.registry.register_organisation(operator, kind, name, parent)[0].id

    def staff(
        self, role: Role = Role.SCHOOL_COORDINATOR, other: bool = False, path: str | None = None
    ) -> Principal:
        """A user of the school (of the other school; of any node of the tree) in that role."""
        return Principal(
            f"{role}-1", role, Scope(path or (self.other_path if other else self.path))
        )

    def person(
        self,
        full_name: str,
        role: ParticipantRole = ParticipantRole.MENTEE,
        *,
        capacity: int = 1,
        consent: bool = True,
        birth_date: date = date(1985, 3, 1),
        other: bool = False,
    ) -> UUID:
        new = NewPerson(
            school_id=self.other if other else self.id,
            kind=PersonKind.TEACHER,
            full_name=full_name,
            birth_date=birth_date,
            roles=[role],
            mentor_capacity=capacity,
            consent=NewConsent(ConsentKind.PERSONAL_DATA, TODAY - timedelta(days=60))
            if consent
            else None,
        )
        return self.registry.register_person(self.staff(other=other), new)[0].id

    def mentor(self, full_name: str, capacity: int = 1) -> UUID:
        """A mentor who also signed the consent to the extra duty (a director's order needs it)."""
        mentor = self.person(full_name, ParticipantRole.MENTOR, capacity=capacity)
        self.registry.sign_consent(self.staff(), mentor, duty_consent())
        return mentor


def stored(school: School) -> tuple[int, int]:
    """How many events each store holds."""
    return (
        school.registry.recorder.max_notification_id() or 0,
        school.programs.recorder.max_notification_id() or 0,
    )


def duty_consent() -> NewConsent:
    """A teacher's written consent to mentor as extra work (a director's order needs it)."""
    return NewConsent(ConsentKind.ADDITIONAL_DUTY, TODAY - timedelta(days=60))


def meeting(kind: MeetingKind = MeetingKind.INTRODUCTION, **changes: object) -> NewMeeting:
    fields: dict[str, object] = {
        "kind": kind,
        "held_on": TODAY,
        "duration_minutes": 45,
        "meeting_format": MeetingFormat.IN_PERSON,
        "mentor": Feedback(rating=9, comment="Хорошее начало"),
        "mentee": Feedback(rating=8),
    } | changes
    return NewMeeting(**fields)  # type: ignore[arg-type]


@pytest.fixture
def school() -> Iterator[School]:
    """The school on applications whose «today» is the tests' TODAY (a run may cross midnight)."""
    side = in_memory(today=lambda: TODAY)
    try:
        yield School(side)
    finally:
        side.close()
