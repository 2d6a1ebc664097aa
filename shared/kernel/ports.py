"""What the applications need from the world, as interfaces: an aggregate store and a key vault.
PostgreSQL implements both (`shared.adapters.eventstore`, `shared.adapters.keystore`), and so
does memory (`shared.adapters.memory`), so that the rules run without a database.

A read sent with a load, a side write or riding rows of a save are the implementation's own
objects (SQL for PostgreSQL): the applications get them from the key vault or an index and pass
them through, so they are opaque here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from shared.kernel.sealed import Sealed

A = TypeVar("A", bound=Aggregate)
Rows = list[list[tuple[Any, ...]]]


class AggregateStore(Protocol):
    def find(self, cls: type[A], aggregate_id: UUID) -> A | None:
        """The aggregate of that class, or None."""

    def find_many(
        self, aggregate_ids: Iterable[UUID], reads: Sequence[Any] = (), as_created: bool = False
    ) -> tuple[dict[UUID, Any], Rows]:
        """Aggregates by id in one read (the missing left out), and the rows of `reads`."""

    def load(self, cls: type[A], aggregate_id: UUID, what: str) -> A:
        """The aggregate, or `NotFound` naming what was looked for."""

    def store(
        self, *aggregates: Aggregate, side_writes: Sequence[Any] = (), riding: Sequence[Any] = ()
    ) -> int:
        """Their new events with the side writes and riding rows, all or nothing; the position
        of the last event. A concurrent change is a `Conflict`."""

    def close(self) -> None: ...


class ActRegister(Protocol):
    """The register of acts as another writer keeps it: which organisation issued an act."""

    def issuer_of(self, act_id: UUID) -> UUID | None:
        """The organisation whose act it is, or None when the register has no such act."""

    def close(self) -> None: ...


class Sealer(Protocol):
    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        """The fields encrypted with the subject's data key."""


class PendingKeys(Sealer, Protocol):
    """The keys a command makes for its new subjects, stored only with its events."""

    def seal_carried(self, subject: UUID, carriers: list[UUID], fields: dict[str, Any]) -> Sealed:
        """Seal with a new key for a subject known only through the carriers' records."""


class KeyVault(Protocol):
    """Each data subject's own key; deleting it makes their sealed data unreadable."""

    def pending(self) -> Any:
        """Where a command makes the keys of the subjects it creates (a `PendingKeys`)."""

    def new_keys(self, pending: Any) -> Any:
        """A command's new keys as riding rows of its save."""

    def riding(self, pending: Any) -> Sequence[Any]:
        """A command's new keys and their carriers as riding rows of its save."""

    def carried_by(self, person: UUID) -> list[UUID]:
        """The subjects known only through the person's records (erased with them)."""

    def read(self, subjects: Iterable[UUID]) -> Any:
        """A read of these subjects' keys, to send along with a load."""

    def sealer_of(self, read: Any, rows: list[tuple[Any, ...]]) -> Sealer:
        """A sealer with the keys a read sent with a load returned."""

    def sealer(self, subjects: Iterable[UUID]) -> Sealer: ...

    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed: ...

    def unseal(self, sealed: Sealed) -> dict[str, Any] | None:
        """The sealed fields, or None once the subject's key is deleted."""

    def get(self, subject: UUID) -> bytes | None: ...

    def keys_for(self, subjects: Iterable[UUID]) -> dict[UUID, bytes | None]: ...

    def create(self, subject: UUID) -> bytes:
        """A key for the subject, made now unless it has one."""

    def delete_many(self, subjects: list[UUID]) -> None: ...

    def rewrap_all(self) -> int:
        """Wrap every key with the current master key (after a rotation)."""
