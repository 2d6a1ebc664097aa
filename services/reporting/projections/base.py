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

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._handlers = self.handlers()

    def handlers(self) -> dict[str, Handler]:
        """Handlers by event type (`Aggregate.Event` qualname); other events are skipped."""
        raise NotImplementedError

    async def apply(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        handler = self._handlers.get(envelope.event_type)
        if handler is not None:
            await handler(connection, envelope)
