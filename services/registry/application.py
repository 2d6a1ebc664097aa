"""Registry commands: a thin layer that checks the caller, seals personal data and saves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from shared.auth import SCHOOL_STAFF, Principal, Role
from shared.errors import InvalidInput, RuleViolated
from shared.eventstore import EventStoreApplication, actor_of
from shared.keystore import KeyVault
from shared.tenancy import child_path

from .domain import (
    ConsentKind,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    Person,
    PersonKind,
    check_parent,
)

# Who may create which kind of organisation (always within their own scope).
ORGANISATION_CREATORS: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.REGION: frozenset({Role.OPERATOR}),
    OrganisationKind.INSTITUTE: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.MUNICIPALITY: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.SCHOOL: frozenset(
        {Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER}
    ),
    OrganisationKind.PARTNER: frozenset(
        {Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER}
    ),
}


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


ADULT_AGE = 18


@dataclass(frozen=True)
class NewConsent:
    kind: ConsentKind
    signed_on: date
    expires_on: date | None = None
    representative_name: str | None = None
    relation: str | None = None


@dataclass(frozen=True)
class NewPerson:
    school_id: UUID
    kind: PersonKind
    full_name: str
    birth_date: date | None
    roles: list[ParticipantRole]
    grade: str | None = None
    contacts: str | None = None
    mentor_capacity: int = 1
    consent: NewConsent | None = None
    id: UUID | None = None


class Registry(EventStoreApplication):
    name = "registry"

    def __init__(self, *args: Any, keys: KeyVault, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys

    # Organisations

    def register_organisation(
        self,
        principal: Principal,
        kind: OrganisationKind,
        name: str,
        parent_id: UUID | None,
        organisation_id: UUID | None = None,
    ) -> tuple[Organisation, int]:
        principal.require(ORGANISATION_CREATORS[kind], f"создавать: {kind}")
        parent = (
            self.load(Organisation, parent_id, "Вышестоящая организация") if parent_id else None
        )
        check_parent(kind, parent.kind if parent else None)
        new_id = organisation_id or uuid4()
        tenant = child_path(parent.tenant if parent else "", new_id)
        if parent is not None:
            principal.require_scope(parent.tenant)
        organisation = Organisation(
            id=new_id,
            tenant=tenant,
            actor=actor_of(principal),
            kind=kind,
            name=name,
            parent_id=parent_id,
        )
        return organisation, self.store(organisation)

    def school(self, school_id: UUID) -> Organisation:
        school = self.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа", id=str(school_id))
        return school

    # People

    def register_person(self, principal: Principal, new: NewPerson) -> tuple[Person, int]:
        principal.require(SCHOOL_STAFF | {Role.OPERATOR}, "вносить людей в базы школы")
        school = self.school(new.school_id)
        principal.require_scope(school.tenant)
        today = date.today()
        if new.birth_date is not None and new.birth_date > today:
            raise InvalidInput(
                "birth_date_in_future", "Дата рождения не может быть в будущем", field="birth_date"
            )
        if not new.roles:
            raise InvalidInput(
                "no_role", "Укажите роль: наставник и/или наставляемый", field="roles"
            )
        person_id = new.id or uuid4()
        personal = {
            "full_name": new.full_name,
            "birth_date": new.birth_date,
            "contacts": new.contacts,
        }
        self.keys.create(person_id)
        person = Person(
            id=person_id,
            tenant=school.tenant,
            actor=actor_of(principal),
            school_id=school.id,
            kind=new.kind,
            personal=self.keys.seal(person_id, personal),
            birth_year=new.birth_date.year if new.birth_date else None,
            grade=new.grade,
            roles=list(new.roles),
            mentor_capacity=new.mentor_capacity,
        )
        if new.consent is not None:
            self._sign(principal, person, new.birth_date, new.consent)
        return person, self.store(person)

    def sign_consent(
        self, principal: Principal, person_id: UUID, consent: NewConsent
    ) -> tuple[UUID, int]:
        person = self.person_for(principal, person_id)
        personal = self.keys.unseal(person.personal)
        if personal is None:
            raise RuleViolated("personal_data_erased", "Персональные данные этого человека удалены")
        birth_date = date.fromisoformat(personal["birth_date"]) if personal["birth_date"] else None
        consent_id = self._sign(principal, person, birth_date, consent)
        return consent_id, self.store(person)

    def withdraw_consent(
        self, principal: Principal, person_id: UUID, consent_id: UUID, withdrawn_on: date
    ) -> int:
        person = self.person_for(principal, person_id)
        person.withdraw_consent(actor_of(principal), consent_id, withdrawn_on)
        return self.store(person)

    def person_for(self, principal: Principal, person_id: UUID) -> Person:
        principal.require(SCHOOL_STAFF | {Role.OPERATOR}, "изменять базы школы")
        person = self.load(Person, person_id, "Человек")
        principal.require_scope(person.tenant)
        return person

    def _sign(
        self, principal: Principal, person: Person, birth_date: date | None, consent: NewConsent
    ) -> UUID:
        representative = None
        if consent.representative_name:
            # A legal representative is a data subject of their own, with their own key.
            representative_id = uuid4()
            self.keys.create(representative_id)
            representative = self.keys.seal(
                representative_id, {"full_name": consent.representative_name}
            )
        is_minor = birth_date is not None and age_on(birth_date, consent.signed_on) < ADULT_AGE
        consent_id = uuid4()
        person.sign_consent(
            actor_of(principal),
            consent_id=consent_id,
            kind=consent.kind,
            signed_on=consent.signed_on,
            expires_on=consent.expires_on,
            representative=representative,
            relation=consent.relation,
            subject_is_minor=is_minor,
        )
        return consent_id
