"""What every group of registry commands shares: the stores, the caller's school and person
checks, and the sealing of personal data with each person's own key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from shared.adapters.event_recorder import SideWrite
from shared.adapters.eventstore import EventStoreApplication
from shared.kernel.aggregate import actor_of
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import InvalidInput, RuleViolated
from shared.kernel.ports import ActRegister, KeyVault, PendingKeys
from shared.kernel.principal import SCHOOL_MANAGEMENT, SCHOOL_STAFF, Principal, Role
from shared.kernel.sealed import Sealed

from ..domain import (
    ConsentKind,
    Organisation,
    OrganisationKind,
    Person,
)
from ..erasures import ErasureSchedule
from ..person_index import PersonIndex

# Who may create, rename or close which kind of organisation (always within their own scope).
ORGANISATION_MANAGERS: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.REGION: frozenset({Role.OPERATOR}),
    OrganisationKind.INSTITUTE: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.MUNICIPALITY: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.REGIONAL: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.SCHOOL: frozenset(
        {Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER}
    ),
    # a partner is attracted by a school's founder or by the institute (the region's centre)
    OrganisationKind.PARTNER: frozenset(
        {
            Role.OPERATOR,
            Role.REGION_OFFICER,
            Role.MUNICIPALITY_OFFICER,
            Role.INSTITUTE_METHODOLOGIST,
        }
    ),
}

SCHOOL_FOUNDERS = frozenset({Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER})
# Who may sign a partner's agreement with a school of their scope: the school, its founder,
# the institute that attracted the partner.
PARTNER_ATTRACTORS = SCHOOL_FOUNDERS | SCHOOL_MANAGEMENT | {Role.INSTITUTE_METHODOLOGIST}
SCHOOL_EDITORS = SCHOOL_STAFF | {Role.OPERATOR}
INSTITUTE = frozenset({Role.OPERATOR, Role.INSTITUTE_METHODOLOGIST})
TARGET_SETTERS = frozenset({Role.OPERATOR, Role.REGION_OFFICER})
SELF_AUDIT_REVIEWERS = frozenset(
    {Role.OPERATOR, Role.MUNICIPALITY_OFFICER, Role.INSTITUTE_METHODOLOGIST}
)

ADULT_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class NewConsent:
    kind: ConsentKind
    signed_on: date
    expires_on: date | None = None
    representative_name: str | None = None
    relation: str | None = None


class RegistryBase(EventStoreApplication):
    name = "registry"

    def __init__(
        self,
        *args: Any,
        keys: KeyVault,
        index: PersonIndex,
        erasures: ErasureSchedule,
        acts: ActRegister,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.index = index
        self.erasures = erasures
        self.acts = acts  # the register of acts staff roles are appointed by

    def close(self) -> None:
        self.acts.close()
        super().close()

    def school(self, school_id: UUID) -> Organisation:
        school = self.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа", id=str(school_id))
        return school

    @allowed(SCHOOL_EDITORS, "изменять базы школы")
    def person_for(self, caller: Caller, person_id: UUID) -> Person:
        """A person the caller's school may change; its path follows a moved school."""
        return self._person_in_scope(caller, person_id)

    def _person_in_scope(self, caller: Caller, person_id: UUID) -> Person:
        person = self.load(Person, person_id, "Человек")
        school = self.school(person.school_id)
        caller.require_scope(school.tenant)
        school.check_open()
        person.check_not_erased()
        person.follow_school(caller.actor, school.tenant)
        return person

    @allowed(SCHOOL_EDITORS, "вносить людей в базы школы")
    def open_school_for(self, caller: Caller, school_id: UUID) -> Organisation:
        return self._open_school(caller, school_id)

    def _open_school(self, caller: Caller, school_id: UUID) -> Organisation:
        school = self.school(school_id)
        caller.require_scope(school.tenant)
        school.check_open()
        return school

    def _personal(self, person: Person) -> dict[str, Any]:
        personal = self.keys.unseal(person.personal)
        if personal is None:
            raise RuleViolated("personal_data_erased", "Персональные данные этого человека удалены")
        return personal

    def _seal_text(self, person: Person, name: str, text: str | None) -> Sealed | None:
        return self.keys.seal(person.id, {name: text}) if text else None

    def _sign(
        self,
        principal: Principal,
        person: Person,
        birth_date: date | None,
        consent: NewConsent,
        pending: PendingKeys,
    ) -> UUID:
        representative = None
        if consent.representative_name:
            # A legal representative is a data subject of their own, with their own key.
            representative = pending.seal(uuid4(), {"full_name": consent.representative_name})
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
            today=self.today(),
        )
        return consent_id

    def store_with_keys(
        self, pending: PendingKeys, *aggregates: Any, also: SideWrite | None = None
    ) -> int:
        """Store a command's events with its new data keys, in one transaction."""
        return self.store(
            *aggregates,
            side_writes=[also] if also else [],
            riding=[self.keys.new_keys(pending)],
        )
