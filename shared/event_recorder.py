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
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from functools import cached_property
from typing import Any, Protocol
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import retry
from psycopg.errors import InterfaceError, OperationalError
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed, Identifier


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


class Recorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """One transaction: BEGIN with the table lock and the NOTIFY (one round trip), the side
        writes, the insert of the events with their riding rows, COMMIT."""
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            try:
                cursor.execute(self._begin_lock_and_notify)
                self._insert_events(cursor, stored_events, **kwargs)
                ids: Sequence[int] | None = []
                if stored_events:
                    self._insert_stored_events(cursor, stored_events, **kwargs)
                    ids = self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)
                cursor.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(psycopg.Error):  # a broken connection: the pool drops it
                    connection.rollback()
                raise
            return ids

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
        self, originator_ids: Sequence[UUID], reads: Sequence[Read] = (), first_only: bool = False
    ) -> tuple[list[StoredEvent], list[list[tuple[Any, ...]]]]:
        """Every event of these aggregates (or only the first of each) in one query, in order;
        and the rows of `reads`, sent in the same round trip."""
        statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {0}.{1}"
            " WHERE originator_id = ANY(%b){2} ORDER BY originator_id, originator_version"
        ).format(
            Identifier(self.datastore.schema),
            Identifier(self.events_table_name),
            SQL(" AND originator_version = 1" if first_only else ""),
        )
        with self.datastore.get_connection() as connection:
            cursors = []
            with connection.pipeline() if reads else contextlib.nullcontext():
                events = connection.cursor()
                events.execute(statement, [list(originator_ids)])
                for read in reads:
                    cursor = connection.cursor(row_factory=tuple_row)
                    cursor.execute(read.query, read.params)
                    cursors.append(cursor)
            stored = [
                StoredEvent(
                    originator_id=row["originator_id"],
                    originator_version=row["originator_version"],
                    topic=row["topic"],
                    state=bytes(row["state"]),
                )
                for row in events.fetchall()
            ]
            return stored, [cursor.fetchall() for cursor in cursors]


class Factory(PostgresFactory):
    application_recorder_class = Recorder
