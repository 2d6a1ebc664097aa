"""What a projection is: tables with a tenant column, and a handler per event type.

Each projection records, per upstream event stream, the position it has reached in
`projection_tracking`, in the same transaction as its rows (see `runner.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

import asyncpg

from shared.keystore import Keyring
from shared.personal_data import ERASED, Sealed


class Visibility(StrEnum):
    """Who may read a table's rows, enforced by row-level security."""

    SUBTREE = "subtree"  # anyone whose scope covers the row's tenant (aggregates, no names)
    SCHOOL = "school"  # only callers scoped to exactly that school (names, free text)
    # anyone inside or above the row's tenant: what a region publishes to all its schools
    PUBLISHED = "published"
    PRIVATE = "private"  # the projection's own working state: never readable through GraphQL


@dataclass(frozen=True)
class Table:
    name: str
    columns: str  # body of CREATE TABLE; must include `tenant ltree NOT NULL`
    visibility: Visibility
    indexes: tuple[str, ...] = ()
    # How `tenant` is indexed: GiST serves subtree scans (`<@`) of what is read above the
    # school; a table read by equality only (a school's own rows, whose policy is `tenant =
    # scope`, or rows always found by another key) takes a btree, which costs a fraction of
    # GiST on every insert (GiST over paths of three ids: ~150 µs a row, most of a projection's
    # write). None: by visibility.
    subtree_index: bool | None = None

    @property
    def tenant_index_method(self) -> str:
        subtree = self.subtree_index
        if subtree is None:
            subtree = self.visibility in (Visibility.SUBTREE, Visibility.PUBLISHED)
        return "gist" if subtree else "btree"


@dataclass(frozen=True)
class Envelope:
    """An event as a projection receives it: where it sits in which stream."""

    upstream: str
    position: int
    event: Any

    @property
    def event_type(self) -> str:
        return type(self.event).__qualname__

    @property
    def occurred_at(self) -> datetime:
        timestamp: datetime = self.event.timestamp
        return timestamp


Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]

# How many pairs a projection remembers facts of that never change (programme, members): a
# batch's misses cost one query, and 20,000 pairs (≈ 4 MB) cover far more than a batch.
PAIR_CACHE = 20_000

# Events every projection acts on besides its handlers (see `Projection.apply`).
_EVERY_PROJECTION = frozenset({"Organisation.Moved", "Person.Erased"})


class Projection:
    """A projection applies a batch of events (`apply` each, then `flush`) in the worker's
    transaction.

    Writing a statement per event made projecting cost a round trip per statement. A handler
    that only adds rows keyed by its event (a plain INSERT that reads nothing) or adds to a
    counter may `defer` them instead: deferred rows are sent together, one `executemany` per
    statement, at the end of the batch, or before any other handler of this projection runs —
    so every statement that reads or changes existing rows still sees all that came before it.
    Such handlers are listed in `deferring`.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    deferring: ClassVar[frozenset[str]] = frozenset()  # event types whose handlers only defer
    # Raise it when the handlers change what they write: the next start rebuilds the read model
    # from the events into fresh tables and switches over (`services/reporting/rebuild.py`).
    version: ClassVar[int] = 1

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._handlers = self.handlers()
        self._deferred: dict[str, list[tuple[Any, ...]]] = {}

    def handlers(self) -> dict[str, Handler]:
        """Handlers by event type (`Aggregate.Event` qualname); other events are skipped."""
        raise NotImplementedError

    async def prepare(self, connection: asyncpg.Connection, envelopes: list[Envelope]) -> None:
        """Before a batch is applied: read in bulk what its handlers will need."""

    async def apply(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        handler = self._handlers.get(envelope.event_type)
        if envelope.event_type not in self.deferring and (
            handler is not None or envelope.event_type in _EVERY_PROJECTION
        ):
            await self.flush(connection)
        if envelope.event_type == "Organisation.Moved":
            await self.follow_move(connection, envelope)
        if envelope.event_type == "Person.Erased":
            # The keys are gone from the database already; no cached copy may outlive them.
            for subject in envelope.event.subjects:
                self.keyring.forget(subject)
        if handler is not None:
            await handler(connection, envelope)

    def defer(self, statement: str, *args: Any) -> None:
        """A row for a plain INSERT (or a counter's increment), sent with the others later."""
        self._deferred.setdefault(statement, []).append(args)

    async def flush(self, connection: asyncpg.Connection) -> None:
        deferred, self._deferred = self._deferred, {}
        for statement, rows in deferred.items():
            await connection.executemany(statement, rows)

    async def unsealed_text(
        self, connection: asyncpg.Connection, sealed: Sealed | None, name: str
    ) -> str | None:
        """A sealed free-text field in clear, or «данные удалены» once its key is gone."""
        if sealed is None:
            return None
        fields = await self.keyring.unseal(connection, sealed)
        return ERASED if fields is None else str(fields[name])

    async def follow_move(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A school moved: its rows take the new path. Rows of events still in flight with the
        old path are corrected on insert by the `current_tenant` trigger that setup installs."""
        old, new = envelope.event.former_tenant, envelope.event.tenant
        await connection.execute(
            "DELETE FROM tenant_moves WHERE projection = $1 AND old_path = $2::ltree",
            self.name,
            new,
        )
        await connection.execute(
            "INSERT INTO tenant_moves (projection, old_path, new_path, moved_at)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (projection, old_path)"
            " DO UPDATE SET new_path = EXCLUDED.new_path, moved_at = EXCLUDED.moved_at",
            self.name,
            old,
            new,
            envelope.occurred_at,
        )
        for table in self.tables:
            await connection.execute(
                f"UPDATE {table.name} SET tenant = current_tenant($1, tenant)"
                " WHERE tenant <@ $2::ltree",
                self.name,
                old,
            )
