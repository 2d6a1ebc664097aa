"""What a projection is: tables with a tenant column, and a handler per event type.

Each projection records, per upstream event stream, the position it has reached in
`projection_tracking`, in the same transaction as its rows (see `runner.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

import asyncpg

from services.registry.events import OrganisationMoved, PersonErased
from shared.adapters.keystore import Keyring
from shared.adapters.personal_data import ERASED
from shared.kernel.contracts import Event
from shared.kernel.sealed import Sealed


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
    indexes: tuple[str, ...] = ()  # for queries: a rebuild makes them after loading the rows
    lookups: tuple[str, ...] = ()  # indexes the handlers read through: made with the table
    # How `tenant` is indexed: GiST serves subtree scans (`<@`) of what is read above the
    # school; a table read by equality only (a school's own rows, whose policy is `tenant =
    # scope`, or rows always found by another key) takes a btree, which costs a fraction of
    # GiST on every insert (GiST over paths of three ids: ~150 µs a row, most of a projection's
    # write). None: by visibility.
    subtree_index: bool | None = None
    # Which of the school's rows a participant (mentor, mentee, legal representative) reads: a
    # condition on the row where `{person}` stands for the participant's person. None: none.
    participant: str | None = None

    @property
    def tenant_index_method(self) -> str:
        subtree = self.subtree_index
        if subtree is None:
            subtree = self.visibility in (Visibility.SUBTREE, Visibility.PUBLISHED)
        return "gist" if subtree else "btree"


@dataclass(frozen=True, eq=False)  # each kind is one constant: hashed by identity, in C
class Rows:
    """Rows a handler adds without reading anything (see `Projection.defer`): a batch's rows of
    one kind go in one `INSERT … SELECT FROM unnest(…)`, a column an array each.

    A counter's rows (`added_by` names the key its `on_conflict` adds to) are added up per key
    before they are sent: one statement may not touch a row twice."""

    table: str
    columns: tuple[str, ...]
    on_conflict: str = ""
    added_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Envelope:
    """An event as a projection receives it: where it sits in which stream."""

    upstream: str
    position: int
    event: Any  # one of the writers' contracts (`services/<writer>/events.py`)
    # its contract: what the projections dispatch on, asked many times of every event
    event_type: type[Event] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "event_type", type(self.event))

    @property
    def occurred_at(self) -> datetime:
        timestamp: datetime = self.event.timestamp
        return timestamp


Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
Handlers = dict[type[Event], Handler]

# How many pairs a projection remembers facts of that never change (programme, members): a
# batch's misses cost one query, and 20,000 pairs (≈ 4 MB) cover far more than a batch.
PAIR_CACHE = 20_000

# Events every projection acts on besides its handlers (see `Projection.apply`).
_EVERY_PROJECTION: frozenset[type[Event]] = frozenset({OrganisationMoved, PersonErased})


class Projection:
    """A projection applies a batch of events (`apply` each, then `flush`) in the worker's
    transaction.

    Writing a statement per event made projecting cost a round trip per statement, and
    `executemany` still cost the server an executor start per row (with the tenant trigger's
    condition, ≈ 60 µs a row). A handler that only adds rows keyed by its event (a plain INSERT
    that reads nothing) or adds to a counter may `defer` them instead: deferred rows are sent
    together, one statement per kind of row, at the end of the batch, or before any other
    handler of this projection runs — so every statement that reads or changes existing rows
    still sees all that came before it. Such handlers are listed in `deferring`; so are
    handlers that change one row by its key after `settle`-ing it (sent first if it is still
    deferred), which no other deferred row depends on.
    """

    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    deferring: ClassVar[frozenset[type[Event]]] = frozenset()  # contracts whose handlers only defer
    # Raise it when the handlers change what they write: the next start rebuilds the read model
    # from the events into fresh tables and switches over (`services/reporting/rebuild.py`).
    version: ClassVar[int] = 1
    # Its share of a rebuild's work (client and server time at `small`, in tenths of the
    # heaviest's): how a rebuild's lanes are balanced (`ProjectionWorker.replay`).
    replay_cost: ClassVar[int] = 1

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._handlers: Handlers = self.handlers()
        self._acts_on = frozenset(self._handlers) | _EVERY_PROJECTION
        self._deferred: dict[Rows, list[tuple[Any, ...]]] = {}
        self._unsent: set[Any] = set()  # the first column (the key) of every deferred row
        self._inserts: dict[Rows, _Insert] = {}

    def handlers(self) -> Handlers:
        """Handlers by event contract; other events are skipped."""
        raise NotImplementedError

    def concerned(self, envelopes: list[Envelope]) -> list[Envelope]:
        """The events of a batch this projection acts on: the others cost it nothing."""
        return [e for e in envelopes if e.event_type in self._acts_on]

    async def prepare(self, connection: asyncpg.Connection, envelopes: list[Envelope]) -> None:
        """Before a batch is applied: read in bulk what its handlers will need."""

    async def apply(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        handler = self._handlers.get(envelope.event_type)
        if envelope.event_type not in self.deferring and (
            handler is not None or envelope.event_type in _EVERY_PROJECTION
        ):
            await self.flush(connection)
        if envelope.event_type == OrganisationMoved:
            await self.follow_move(connection, envelope)
        if envelope.event_type == PersonErased:
            # The keys are gone from the database already; no cached copy may outlive them.
            for subject in envelope.event.subjects:
                self.keyring.forget(subject)
        if handler is not None:
            await handler(connection, envelope)

    def defer(self, rows: Rows, *values: Any) -> None:
        """A row (values in the order of `rows.columns`), sent with the others later."""
        self._deferred.setdefault(rows, []).append(values)
        self._unsent.add(values[0])

    async def settle(self, connection: asyncpg.Connection, key: Any) -> None:
        """Before a handler changes the row whose key (first column) is `key`: the deferred
        rows are sent if any of them has that key (ids are unique: in practice, that row)."""
        if key in self._unsent:
            await self.flush(connection)

    async def flush(self, connection: asyncpg.Connection) -> None:
        deferred, self._deferred, self._unsent = self._deferred, {}, set()
        for rows, values in deferred.items():
            insert = self._inserts.get(rows)
            if insert is None:
                insert = self._inserts[rows] = await _Insert.of(connection, rows)
            await connection.execute(insert.statement, *insert.columns(values))

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


@dataclass(frozen=True)
class _Insert:
    """The statement that inserts a kind of deferred rows, with their columns' types as the
    table has them (the rebuild's shadow tables or the live ones: the same)."""

    rows: Rows
    statement: str
    arrays: frozenset[int]  # columns of array type: sent as text literals, cast back

    @classmethod
    async def of(cls, connection: asyncpg.Connection, rows: Rows) -> _Insert:
        columns = await connection.fetch(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
            rows.table,
        )
        types: dict[str, str] = {c[0]: c[1] for c in columns}
        # unnest() cannot take arrays of arrays of different lengths: those go as text.
        arrays = frozenset(i for i, c in enumerate(rows.columns) if types[c].endswith("[]"))
        sent = ", ".join(
            f"${i + 1}::{'text' if i in arrays else types[c]}[]" for i, c in enumerate(rows.columns)
        )
        kept = ", ".join(
            f"{c}::{types[c]}" if i in arrays else c for i, c in enumerate(rows.columns)
        )
        names = ", ".join(rows.columns)
        statement = (
            f"INSERT INTO {rows.table} ({names}) SELECT {kept}"
            f" FROM unnest({sent}) AS u({names}) {rows.on_conflict}"
        )
        return cls(rows, statement, arrays)

    def columns(self, values: list[tuple[Any, ...]]) -> list[list[Any]]:
        if self.rows.added_by:
            values = _added_up(values, [self.rows.columns.index(c) for c in self.rows.added_by])
        columns = [list(column) for column in zip(*values, strict=True)]
        for i in self.arrays:
            columns[i] = [None if v is None else _array_literal(v) for v in columns[i]]
        return columns


def _added_up(values: list[tuple[Any, ...]], key: list[int]) -> list[tuple[Any, ...]]:
    """Counter rows with the same key as one row: the other columns added."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for row in values:
        at = tuple(row[i] for i in key)
        total = sums.get(at)
        if total is None:
            sums[at] = list(row)
        else:
            for i, value in enumerate(row):
                if i not in key:
                    total[i] += value
    return [tuple(total) for total in sums.values()]


def _array_literal(values: Any) -> str:
    """A one-dimensional array in PostgreSQL's text form, every element quoted."""
    quoted = (
        "NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
        for v in values
    )
    return "{" + ",".join(quoted) + "}"
