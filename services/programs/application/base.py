"""What every group of programs commands shares: the event store, the registry's state (for
eligibility of people, never taken from the client) and the personal-data keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from threading import Lock
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from services.registry.state import ConsentKind, Organisation, Person
from shared.adapters.eventstore import EventStoreApplication
from shared.adapters.personal_data import seal
from shared.kernel.aggregate import AggregateState, TenantAggregate
from shared.kernel.command import Caller
from shared.kernel.errors import AppError, NotFound, PermissionDenied, RuleViolated
from shared.kernel.ports import AggregateStore, KeyVault, PendingKeys, Sealer
from shared.kernel.principal import Role
from shared.kernel.sealed import Sealed
from shared.lru import LRU

from ..domain import (
    Pair,
    PairState,
    Part,
    Programme,
    Responsibilities,
    require_pair_responsibility,
    require_responsibility,
)

# How many programmes' schools a service remembers (a region has a programme per school a year).
PROGRAMME_SCHOOLS = 20_000


class ProgramsBase(EventStoreApplication):
    name = "programs"
    # A pair replays every meeting and feedback (30 a school year and more): snapshotted.
    snapshot_states: ClassVar[dict[type[Aggregate], type[AggregateState]]] = {Pair: PairState}

    def __init__(self, *args: Any, keys: KeyVault, registry: AggregateStore, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.registry = registry
        self._programme_schools: LRU[UUID, UUID] = LRU(PROGRAMME_SCHOOLS)
        self._programme_schools_lock = Lock()

    def _in_school(self, caller: Caller, aggregate: TenantAggregate, school_id: UUID) -> None:
        caller.in_school(aggregate, self.registry.load(Organisation, school_id, "Школа").tenant)

    def _responsible(
        self, caller: Caller, school_id: UUID, needs: Iterable[tuple[Part, ...]], action: str
    ) -> None:
        """The school's management acts on all of its programmes; a curator on what the school
        made them responsible for (issue 20: permissions follow responsibility)."""
        if caller.role == Role.SCHOOL_CURATOR:
            require_responsibility(self._grants(school_id), caller.person, needs, action)

    def _responsible_for_pairs(
        self,
        caller: Caller,
        school_id: UUID,
        needs: Iterable[tuple[Part, ...]],
        known: dict[UUID, Responsibilities | None] | None = None,
    ) -> None:
        """As `_responsible`, for commands on pairs and groups: a curator acts on those the
        school made them responsible for, each by itself or its form (`pair_parts`). A batch
        passes `known` to read each school's grants once."""
        if caller.role == Role.SCHOOL_CURATOR:
            require_pair_responsibility(self._grants(school_id, known), caller.person, needs)

    def _grants(
        self, school_id: UUID, known: dict[UUID, Responsibilities | None] | None = None
    ) -> Responsibilities | None:
        """The school's grants of responsibility (none before its first one); remembered in
        `known`, when given."""
        if known is not None and school_id in known:
            return known[school_id]
        found = self.find(Responsibilities, Responsibilities.id_for(school_id))
        if known is not None:
            known[school_id] = found
        return found

    def _programme(self, caller: Caller, programme_id: UUID) -> Programme:
        programme = self.load(Programme, programme_id, "Программа")
        self._in_school(caller, programme, programme.school_id)
        return programme

    def _school_of_programme(self, programme_id: UUID) -> UUID:
        """The school a programme belongs to: it never changes, so it is remembered (a
        meeting needs no other fact of the programme)."""
        with self._programme_schools_lock:
            school_id = self._programme_schools.get(programme_id)
        if school_id is None:
            school_id = self.load(Programme, programme_id, "Программа").school_id
            with self._programme_schools_lock:
                self._programme_schools.put(programme_id, school_id)
        return school_id

    def _pair_in_school(self, caller: Caller, pair_id: UUID) -> tuple[Pair, Programme]:
        pair = self.load(Pair, pair_id, "Пара")
        programme = self.load(Programme, pair.programme_id, "Программа")
        self._in_school(caller, pair, programme.school_id)
        return pair, programme

    def _participant(self, school_id: UUID, person_id: UUID, what: str, day: date) -> Person:
        """A person of the school whom the platform may process: not erased, with a valid
        consent to the processing of personal data (withdrawal stops new processing)."""
        found, _ = self._registry([person_id])
        return participant(found, school_id, person_id, what, day)

    def _registry(
        self, ids: Iterable[UUID], authors: Iterable[UUID] = ()
    ) -> tuple[dict[UUID, Any], Sealer]:
        """The registry's aggregates a command decides from, read in one query; and a sealer
        with the keys of the authors of its free text, read in the same round trip."""
        keys = self.keys.read(authors)
        found, rows = self.registry.find_many(ids, [keys] if keys.subjects else [])
        return found, self.keys.sealer_of(keys, rows[0] if rows else [])

    def _seal(
        self, author: UUID, fields: dict[str, Any], sealer: Sealer | None = None
    ) -> Sealed | None:
        """Free text is its author's personal data: sealed with their key (from `sealer` when
        the command fetched its authors' keys together); empty stays empty."""
        fields = {name: value for name, value in fields.items() if value}
        if not fields:
            return None
        return (sealer or self.keys.sealer([author])).seal(author, fields)

    def _pair_text(self, pair: Pair, fields: dict[str, Any]) -> tuple[Sealed | None, PendingKeys]:
        """Text about a pair or group as a whole (why it was dissolved, how it ended) is sealed
        with the pair's own key, carried by every member: erasing any one of them erases it.
        The key is made with the first such text and stored with its events."""
        fields = {name: value for name, value in fields.items() if value}
        pending = self.keys.pending()
        if not fields:
            return None, pending
        key = self.keys.get(pair.id)
        if key is not None:
            return seal(key, pair.id, fields), pending
        return pending.seal_carried(pair.id, pair.people, fields), pending


def _check_participant(person: Person, school_id: UUID, what: str, day: date) -> None:
    person.check_not_erased()
    if person.school_id != school_id:
        raise RuleViolated(
            "other_school", f"{what} числится в другой школе", person_id=str(person.id)
        )
    if not person.has_valid_consent(ConsentKind.PERSONAL_DATA, day):
        raise RuleViolated(
            "consent_missing",
            f"{what}: нет действующего согласия на обработку персональных данных",
            person_id=str(person.id),
        )


def participant(
    found: dict[UUID, Any], school_id: UUID, person_id: UUID, what: str, day: date
) -> Person:
    """The person among the registry's aggregates read for a command, if the platform may
    process their data."""
    person = found.get(person_id)
    if not isinstance(person, Person):
        raise NotFound("not_found", f"{what} не найден(а)", id=str(person_id))
    _check_participant(person, school_id, what, day)
    return person


def school_of(found: dict[UUID, Any], school_id: UUID) -> Organisation:
    school = found.get(school_id)
    if not isinstance(school, Organisation):
        raise NotFound("not_found", "Школа не найден(а)", id=str(school_id))
    return school


Item = TypeVar("Item")
Result = TypeVar("Result")


class Batch(Generic[Item]):
    """The items of a batch command, accepted all or none.

    Each item is checked as its single command checks one, and every item is checked even after
    one is refused: like the XLSX import with its rows, the refusal names every item refused
    (its number from 1, code, message, details), so that a school fixes them all at once and
    sends the batch again. A batch of one is refused with that item's own error, as its single
    command would be. A permission problem refuses the batch at once: it is not about an item.
    """

    def __init__(self, items: Sequence[Item]) -> None:
        self.items = items
        self.refused: dict[int, AppError] = {}

    def each(self, check: Callable[[Item], Result]) -> list[Result]:
        """`check` of every item not refused yet; what it returned for those it accepted."""
        accepted = []
        for number, item in enumerate(self.items, start=1):
            if number in self.refused:
                continue
            try:
                accepted.append(check(item))
            except PermissionDenied:
                raise
            except AppError as error:
                self.refused[number] = error
        return accepted

    def accept(self) -> None:
        """Refuse the whole batch if any item was refused."""
        if not self.refused:
            return
        if len(self.items) == 1:
            raise self.refused[1]
        raise RuleViolated(
            "batch_refused",
            f"Ничего не сохранено: ошибки в {len(self.refused)} из {len(self.items)} записей",
            problems=[
                {"item": n, "code": e.code, "message": e.message, "details": e.details}
                for n, e in sorted(self.refused.items())
            ],
        )
