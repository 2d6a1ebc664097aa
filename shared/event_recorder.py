"""The library's PostgreSQL persistence, with one change: events are inserted without psycopg's
pipeline mode.

In pipeline mode a large save (a 2,000-row import is ~4,000 events, a few MB in one statement)
hangs forever over a Unix socket — the embedded server's only transport: the client waits for
results while the server waits for the rest of the statement (psycopg issue #685). A plain
transaction does the same work — lock, notify, insert, fetch ids — in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from eventsourcing.utils import retry
from psycopg.errors import InterfaceError, OperationalError


class Recorder(PostgresApplicationRecorder):
    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self.datastore.get_connection() as connection, connection.transaction():
            with connection.cursor() as cursor:
                self._insert_events(cursor, stored_events, **kwargs)
            if not stored_events:
                return []
            with connection.cursor() as cursor:
                self._insert_stored_events(cursor, stored_events, **kwargs)
                return self._fetch_ids_after_insert_events(cursor, stored_events, **kwargs)


class Factory(PostgresFactory):
    application_recorder_class = Recorder
