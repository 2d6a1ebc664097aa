"""What every group of programs commands shares: the event store, the registry's state (for
eligibility of people, never taken from the client) and the personal-data keys."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services.registry.application import RegistryState
from services.registry.domain import ConsentKind, Organisation, Person
from shared.auth import Principal
from shared.errors import RuleViolated
from shared.eventstore import EventStoreApplication, TenantAggregate, actor_of
from shared.keystore import KeyVault
from shared.personal_data import Sealed

from ..domain import Pair, Programme


class ProgramsBase(EventStoreApplication):
    name = "programs"

    def __init__(self, *args: Any, keys: KeyVault, registry: RegistryState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.registry = registry

    def _in_school(self, principal: Principal, aggregate: TenantAggregate, school_id: UUID) -> None:
        """Check the caller against the school's current place in the tree; after the school
        moved to another municipality, the aggregate's path follows it first."""
        school = self.registry.load(Organisation, school_id, "Школа")
        principal.require_scope(school.tenant)
        aggregate.follow_school(actor_of(principal), school.tenant)

    def _programme(self, principal: Principal, programme_id: UUID) -> Programme:
        programme = self.load(Programme, programme_id, "Программа")
        self._in_school(principal, programme, programme.school_id)
        return programme

    def _pair_in_school(self, principal: Principal, pair_id: UUID) -> tuple[Pair, Programme]:
        pair = self.load(Pair, pair_id, "Пара")
        programme = self.load(Programme, pair.programme_id, "Программа")
        self._in_school(principal, pair, programme.school_id)
        return pair, programme

    def _participant(self, school_id: UUID, person_id: UUID, what: str, day: date) -> Person:
        """A person of the school whom the platform may process: not erased, with a valid
        consent to the processing of personal data (withdrawal stops new processing)."""
        person = self.registry.load(Person, person_id, what)
        person.check_not_erased()
        if person.school_id != school_id:
            raise RuleViolated(
                "other_school", f"{what} числится в другой школе", person_id=str(person_id)
            )
        if not person.has_valid_consent(ConsentKind.PERSONAL_DATA, day):
            raise RuleViolated(
                "consent_missing",
                f"{what}: нет действующего согласия на обработку персональных данных",
                person_id=str(person_id),
            )
        return person

    def _seal(self, author: UUID, fields: dict[str, Any]) -> Sealed | None:
        """Free text is its author's personal data: sealed with their key; empty stays empty."""
        fields = {name: value for name, value in fields.items() if value}
        return self.keys.seal(author, fields) if fields else None
