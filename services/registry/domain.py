"""Registry domain: organisations of the region's tree, and people with their consents.

No I/O here. Personal fields arrive already sealed (see `shared.personal_data`); the rules that
need them in clear (a minor's consent) get the facts they need from the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from shared.errors import RuleViolated
from shared.eventstore import Actor, TenantAggregate
from shared.personal_data import Sealed


class OrganisationKind(StrEnum):
    REGION = "region"
    INSTITUTE = "institute"  # ИРО / ЦНППМ / regional mentoring centre
    MUNICIPALITY = "municipality"
    SCHOOL = "school"
    PARTNER = "partner"  # enterprise, college, university, NGO supplying mentors


# Which kind of organisation may stand directly under which.
ALLOWED_PARENTS: dict[OrganisationKind, set[OrganisationKind | None]] = {
    OrganisationKind.REGION: {None},
    OrganisationKind.INSTITUTE: {OrganisationKind.REGION},
    OrganisationKind.MUNICIPALITY: {OrganisationKind.REGION},
    OrganisationKind.SCHOOL: {OrganisationKind.MUNICIPALITY},
    OrganisationKind.PARTNER: {OrganisationKind.REGION, OrganisationKind.MUNICIPALITY},
}

KIND_NAMES = {
    OrganisationKind.REGION: "регион",
    OrganisationKind.INSTITUTE: "институт",
    OrganisationKind.MUNICIPALITY: "муниципалитет",
    OrganisationKind.SCHOOL: "школа",
    OrganisationKind.PARTNER: "организация-партнёр",
}


def check_parent(kind: OrganisationKind, parent_kind: OrganisationKind | None) -> None:
    if parent_kind not in ALLOWED_PARENTS[kind]:
        where = KIND_NAMES[parent_kind] if parent_kind else "верхний уровень"
        raise RuleViolated(
            "wrong_parent",
            f"Организацию вида «{KIND_NAMES[kind]}» нельзя создать внутри: {where}",
            kind=str(kind),
        )


class Organisation(TenantAggregate):
    """A node of the region's tree; its tenant path is its own place in the tree."""

    @event("Registered")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        kind: OrganisationKind,
        name: str,
        parent_id: UUID | None,
    ) -> None:
        self.tenant = tenant
        self.kind = OrganisationKind(kind)
        self.name = name
        self.parent_id = parent_id


class PersonKind(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    PARENT = "parent"
    ALUMNUS = "alumnus"
    PARTNER_EMPLOYEE = "partner_employee"
    VETERAN = "veteran"


class ParticipantRole(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class ConsentKind(StrEnum):
    PERSONAL_DATA = "personal_data"  # 152-ФЗ
    ADDITIONAL_DUTY = "additional_duty"  # a teacher's written consent to mentor, ТК РФ 351.8


@dataclass
class Consent:
    id: UUID
    kind: ConsentKind
    signed_on: date
    expires_on: date | None
    by_representative: bool
    withdrawn_on: date | None = None

    def valid_on(self, day: date) -> bool:
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)


class Person(TenantAggregate):
    """A person kept in a school's bases. Name, birth date and contacts are sealed."""

    @event("Registered")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        kind: PersonKind,
        personal: Sealed,
        birth_year: int | None,
        grade: str | None,
        roles: list[ParticipantRole],
        mentor_capacity: int,
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.kind = PersonKind(kind)
        self.personal = personal
        self.birth_year = birth_year
        self.grade = grade
        self.roles = {ParticipantRole(r) for r in roles}
        self.mentor_capacity = mentor_capacity
        self.consents: dict[UUID, Consent] = {}

    def sign_consent(
        self,
        actor: Actor,
        consent_id: UUID,
        kind: ConsentKind,
        signed_on: date,
        expires_on: date | None,
        representative: Sealed | None,
        relation: str | None,
        subject_is_minor: bool,
    ) -> None:
        if consent_id in self.consents:
            raise RuleViolated("consent_exists", "Это согласие уже зарегистрировано")
        if expires_on is not None and expires_on < signed_on:
            raise RuleViolated(
                "consent_expiry_before_signing",
                "Срок действия согласия заканчивается до подписания",
            )
        if subject_is_minor and kind == ConsentKind.PERSONAL_DATA and representative is None:
            raise RuleViolated(
                "minor_needs_representative",
                "За несовершеннолетнего согласие подписывает законный представитель",
            )
        self._consent_signed(
            actor=actor,
            consent_id=consent_id,
            kind=kind,
            signed_on=signed_on,
            expires_on=expires_on,
            representative=representative,
            relation=relation,
        )

    @event("ConsentSigned")
    def _consent_signed(
        self,
        actor: Actor,
        consent_id: UUID,
        kind: ConsentKind,
        signed_on: date,
        expires_on: date | None,
        representative: Sealed | None,
        relation: str | None,
    ) -> None:
        self.consents[consent_id] = Consent(
            id=consent_id,
            kind=ConsentKind(kind),
            signed_on=signed_on,
            expires_on=expires_on,
            by_representative=representative is not None,
        )

    def withdraw_consent(self, actor: Actor, consent_id: UUID, withdrawn_on: date) -> None:
        consent = self.consents.get(consent_id)
        if consent is None:
            raise RuleViolated("consent_not_found", "Такого согласия нет")
        if consent.withdrawn_on is not None:
            raise RuleViolated("consent_already_withdrawn", "Согласие уже отозвано")
        self._consent_withdrawn(actor=actor, consent_id=consent_id, withdrawn_on=withdrawn_on)

    @event("ConsentWithdrawn")
    def _consent_withdrawn(self, actor: Actor, consent_id: UUID, withdrawn_on: date) -> None:
        self.consents[consent_id].withdrawn_on = withdrawn_on

    def has_valid_consent(self, kind: ConsentKind, day: date) -> bool:
        return any(c.kind == kind and c.valid_on(day) for c in self.consents.values())

    def is_mentor(self) -> bool:
        return ParticipantRole.MENTOR in self.roles

    def is_mentee(self) -> bool:
        return ParticipantRole.MENTEE in self.roles
