"""The library's PostgreSQL persistence, with these changes.

Events are inserted without psycopg's pipeline mode. In pipeline mode a large save (a 2,000-row
import is ~4,000 events, a few MB in one statement) hangs forever over a Unix socket — the
embedded server's only transport: the client waits for results while the server waits for the
rest of the statement (psycopg issue #685). A plain transaction does the same work — lock,
notify, insert, fetch ids — in the same order, with BEGIN, the lock statements and the NOTIFY
sent in one round trip: a save is three round trips instead of six.

A save may carry rows that belong with its events, written in the events' own transaction so
that both are stored or neither, with no transaction of their own:
- side writes (`SideWrite`): statements run before the events' insert, which may refuse the
  save by raising (a registration's duplicate-check fingerprints);
- riding rows (`RidingRows`): inserted by the events' own INSERT statement, as a data-modifying
  CTE, so they cost no round trip at all (a command's new data keys).

Several aggregates can be read in one query (`select_events_of`), with other small reads sent
in the same round trip (psycopg's pipeline mode: small statements only, see above).

Each events table has a table of snapshots beside it (`<name>_snapshots`, ours, not the
library's): the latest snapshot of an aggregate, one row each, written as riding rows of the save
that makes it (`SnapshotRows`). A read of aggregates asked for with snapshot topics gets each
one's latest snapshot of such a topic and only the events after it, in the same one query.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import Environment, EnvType, retry
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed, Identifier

from shared.adapters.database import CommitOutcomeUnknown, survive_restarts
from shared.adapters.idempotency import CommandInFlight, OpenTransaction, in_flight


class SideWrite(Protocol):
    def write(self, cursor: psycopg.Cursor[Any]) -> None:
        """Write within the events' transaction; raising refuses the whole save."""


class RidingRows(Protocol):
    def insert(self) -> tuple[SQL | Composed, list[Any]] | None:
        """An INSERT (without RETURNING) to run inside the events' INSERT, with its parameters;
        None when there is nothing to insert."""


class Read(Protocol):
    """A small query sent in the same round trip as a read of aggregates."""

    @property
    def query(self) -> SQL | Composed | str: ...

    @property
    def params(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class StoredSnapshot(StoredEvent):
    """An aggregate's state at `originator_version`, as `select_events_of` reads it."""


class SnapshotRows:
    """Snapshots (id, version, topic, state) riding on a save: each replaces the aggregate's
    previous one, never a later one."""

    def __init__(self, table: Composed, rows: list[tuple[UUID, int, str, bytes]]) -> None:
        self.table = table
        self.rows = rows

    def insert(self) -> tuple[Composed, list[Any]] | None:
        if not self.rows:
            return None
        return (
            SQL(
                "INSERT INTO {0} AS s (originator_id, originator_version, topic, state)"
                " SELECT * FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[])"
                " ON CONFLICT (originator_id) DO UPDATE SET"
                " originator_version = excluded.originator_version, topic = excluded.topic,"
                " state = excluded.state"
                " WHERE s.originator_version < excluded.originator_version"
            ).format(self.table),
            [list(column) for column in zip(*self.rows, strict=True)],
        )


class Recorder(PostgresApplicationRecorder):
    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        name = events_table_name.removesuffix("_events") + "_snapshots"
        self.check_identifier_length(name)
        self.snapshots_table = SQL("{0}.{1}").format(Identifier(datastore.schema), Identifier(name))
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {0} ("
                "originator_id uuid PRIMARY KEY, originator_version bigint NOT NULL,"
                " topic text NOT NULL, state bytea NOT NULL)"
            ).format(self.snapshots_table)
        )
        # Per aggregate: its snapshot (if of one of the topics), then the events after it (an
        # index range on the events' key). Rendered once: psycopg renders a composed statement
        # again at every execution (≈ 20 µs).
        self._select_after_snapshots = (
            SQL(
                "SELECT ids.id, x.* FROM unnest(%s::uuid[]) AS ids(id)"
                " LEFT JOIN {0} s ON s.originator_id = ids.id AND s.topic = ANY(%s::text[])"
                " CROSS JOIN LATERAL ("
                "SELECT s.originator_version, s.topic, s.state, true"
                " WHERE s.originator_id IS NOT NULL"
                " UNION ALL"
                " SELECT e.originator_version, e.topic, e.state, false FROM {1}.{2} e"
                " WHERE e.originator_id = ids.id"
                " AND e.originator_version > coalesce(s.originator_version, 0)) AS x"
                " ORDER BY ids.id, x.originator_version"
            )
            .format(
                self.snapshots_table, Identifier(datastore.schema), Identifier(events_table_name)
            )
            .as_bytes(None)
        )

    def snapshot_rows(self, rows: list[tuple[UUID, int, str, bytes]]) -> SnapshotRows:
        return SnapshotRows(self.snapshots_table, rows)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """One transaction: BEGIN with the table lock and the NOTIFY (one round trip), the side
        writes, the insert of the events with their riding rows, COMMIT.

        A connection lost before the COMMIT is tried again (nothing was stored); one lost
        during it is not: the events may be stored, and a second try would refuse them as a
        concurrent change.

        A command sent with an idempotency key leaves its transaction open for its receipt
        (`shared.adapters.idempotency`): its later saves join it."""
        command = in_flight()
        if command is not None and command.defers_commit:
            return self._insert_deferred(command, stored_events, **kwargs)
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            try:
                cursor.execute(self._begin_lock_and_notify)
                self._insert_events(cursor, stored_events, **kwargs)
                ids: Sequence[int] | None = []
                if stored_events:
                    self._insert_stored_events(cursor, stored_events, **kwargs)
                    ids = self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)
                try:
                    cursor.execute("COMMIT")
                except psycopg.OperationalError as error:
                    raise CommitOutcomeUnknown from error
            except BaseException:
                with contextlib.suppress(psycopg.Error):  # a broken connection: the pool drops it
                    connection.rollback()
                raise
            return ids

    def _insert_deferred(
        self, command: CommandInFlight, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """The events in the command's own transaction, begun (with the lock) by its first
        save and committed with its receipt."""
        if command.transaction is None:
            pool = self.datastore.pool
            connection = pool.getconn()
            try:
                connection.execute(self._begin_lock_and_notify)
            except BaseException:
                pool.putconn(connection)
                raise
            command.transaction = OpenTransaction(pool, connection)
        try:
            with command.transaction.connection.cursor() as cursor:
                self._insert_events(cursor, stored_events, **kwargs)
                if not stored_events:
                    return []
                self._insert_stored_events(cursor, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)
        except psycopg.IntegrityError as error:  # as the library's own connections map it
            raise IntegrityError(str(error)) from error

    def _insert_events(
        self,
        curs: psycopg.Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        *,
        side_writes: Sequence[SideWrite] = (),
        **_: Any,
    ) -> None:
        for side_write in side_writes:
            side_write.write(curs)

    def _insert_stored_events(
        self,
        curs: psycopg.Cursor[DictRow],
        stored_events: Sequence[StoredEvent],
        *,
        riding: Sequence[RidingRows] = (),
        **_: Any,
    ) -> None:
        """The events as four arrays in binary (`_insert_events_statement`), with the riding
        rows' INSERTs as CTEs."""
        ctes: list[Composed] = []
        params: list[Any] = []
        for rows in riding:
            insert = rows.insert()
            if insert is not None:
                ctes.append(SQL("riding_{0} AS ({1})").format(len(ctes), insert[0]))
                params += insert[1]
        statement: Composed = self._insert_events_statement
        if ctes:
            statement = SQL("WITH {0} {1}").format(SQL(", ").join(ctes), statement)
        curs.execute(
            statement,
            [
                *params,
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ],
        )

    @cached_property
    def _insert_events_statement(self) -> Composed:
        """The library's insert of the events in their order, returning their notification ids,
        but from four arrays sent in binary instead of an array of the composite stored-event
        type: psycopg dumps a composite in Python and as text (a bytea state hex-escaped within
        the composite's literal), which cost ≈ 35 µs an event in the client and ≈ 85 µs in the
        server; binary arrays cost ≈ 3 µs and ≈ 20 µs."""
        return SQL(
            "INSERT INTO {0}.{1} (originator_id, originator_version, topic, state)"
            " SELECT * FROM unnest(%b::uuid[], %b::bigint[], %b::text[], %b::bytea[])"
            " RETURNING notification_id"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))

    @property
    def _begin_lock_and_notify(self) -> Composed:
        """BEGIN, the library's lock statements and its NOTIFY in one round trip (a statement
        without parameters may hold several; the transaction goes on after it). The NOTIFY is
        delivered at commit either way; the side writes run under the lock, as they are a
        statement or two, and another round trip for every command costs more."""
        return SQL("; ").join(
            [
                SQL("BEGIN"),
                *self.lock_table_statements,
                SQL("NOTIFY {0}").format(Identifier(self.channel_name)),
            ]
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events_of(
        self,
        originator_ids: Sequence[UUID],
        reads: Sequence[Read] = (),
        snapshot_topics: Sequence[str] = (),
        first_only: bool = False,
    ) -> tuple[list[StoredEvent], list[list[tuple[Any, ...]]]]:
        """Every event of these aggregates in one query, in order — after the latest snapshot
        of each whose topic is one of `snapshot_topics`, which comes first (a
        `StoredSnapshot`); or only the first event of each; and the rows of `reads`, sent in
        the same round trip."""
        statement: Composed | bytes = SQL(
            "SELECT originator_id, originator_version, topic, state, false FROM {0}.{1}"
            " WHERE originator_id = ANY(%b){2} ORDER BY originator_id, originator_version"
        ).format(
            Identifier(self.datastore.schema),
            Identifier(self.events_table_name),
            SQL(" AND originator_version = 1" if first_only else ""),
        )
        params: list[Any] = [list(originator_ids)]
        if snapshot_topics and not first_only:
            statement = self._select_after_snapshots
            params = [list(originator_ids), list(snapshot_topics)]
        with self.datastore.get_connection() as connection:
            cursors = []
            with connection.pipeline() if reads else contextlib.nullcontext():
                events = connection.cursor(row_factory=tuple_row)
                events.execute(statement, params)
                for read in reads:
                    cursor = connection.cursor(row_factory=tuple_row)
                    cursor.execute(read.query, read.params)
                    cursors.append(cursor)
            stored = [
                (StoredSnapshot if snapshot else StoredEvent)(
                    originator_id=originator_id,
                    originator_version=version,
                    topic=topic,
                    state=bytes(state),
                )
                for originator_id, version, topic, state, snapshot in events.fetchall()
            ]
            return stored, [cursor.fetchall() for cursor in cursors]


class Factory(PostgresFactory):
    application_recorder_class = Recorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # The library makes its pool itself; against stale connections it offers only a ping
        # on every use, a round trip each time.
        survive_restarts(self.datastore.pool)
