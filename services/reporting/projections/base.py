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


class Projection:
    name: ClassVar[str]
    tables: ClassVar[tuple[Table, ...]]
    # Raise it when the handlers change what they write: the next start rebuilds the read model
    # from the events into fresh tables and switches over (`services/reporting/rebuild.py`).
    version: ClassVar[int] = 1

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._handlers = self.handlers()

    def handlers(self) -> dict[str, Handler]:
        """Handlers by event type (`Aggregate.Event` qualname); other events are skipped."""
        raise NotImplementedError

    async def apply(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        if envelope.event_type == "Organisation.Moved":
            await self.follow_move(connection, envelope)
        if envelope.event_type == "Person.Erased":
            # The keys are gone from the database already; no cached copy may outlive them.
            for subject in envelope.event.subjects:
                self.keyring.forget(subject)
        handler = self._handlers.get(envelope.event_type)
        if handler is not None:
            await handler(connection, envelope)

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
