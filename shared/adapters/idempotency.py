"""Safe retries and optimistic concurrency for commands over HTTP.

A command sent with `Idempotency-Key` runs once per caller and key: its answer (status, body and
the headers a client reads) is stored as a receipt **in the transaction of the command's
events** — the events' transaction is left open while the answer is made, and the receipt
commits it. A crash before that COMMIT stores neither; after it, a retry gets the receipt. The
same key with another request is refused (422). Two copies sent at once: the second's events
wait for the events table's lock, its receipt then meets the first's, and it is rolled back and
answered with the first's answer.

`If-Match` names the version of the aggregate the path names (its first id) that the caller
last saw; the command is refused with 412 and stores nothing when the aggregate has moved on.
Command answers carry that aggregate's version in `ETag`.

The command in flight is a context variable: the event store reads it while saving (the worker
thread that runs a handler inherits the request's context)."""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import msgspec
import psycopg
from psycopg_pool import ConnectionPool

from shared.adapters.database import CommitOutcomeUnknown
from shared.kernel.errors import Conflict

SCHEMA = """
CREATE TABLE IF NOT EXISTS command_receipts (
    caller text NOT NULL,
    key text NOT NULL,
    request bytea NOT NULL,
    status int NOT NULL,
    headers jsonb NOT NULL,
    body bytea NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (caller, key)
);
CREATE INDEX IF NOT EXISTS command_receipts_stored_at ON command_receipts (stored_at);
"""

# How long a receipt answers a retry (at least a day: a phone retries the next morning).
RETENTION = timedelta(hours=48)
# The answer's headers a retry gets back.
KEPT_HEADERS = ("content-type", "etag", "location")

_INSERT = (
    "INSERT INTO command_receipts (caller, key, request, status, headers, body)"
    " VALUES (%s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (caller, key) DO UPDATE SET request = excluded.request,"
    " status = excluded.status, headers = excluded.headers, body = excluded.body,"
    " stored_at = now() WHERE command_receipts.stored_at < now() - %s::interval"
    " RETURNING true"
)
_SELECT = (
    "SELECT request, status, headers, body FROM command_receipts"
    " WHERE caller = %s AND key = %s AND stored_at >= now() - %s::interval"
)


class PreconditionFailed(Conflict):
    """`If-Match` names a version the aggregate has left."""

    status = 412


class Answer(msgspec.Struct, frozen=True):
    status: int
    headers: dict[str, str]
    body: bytes


class Receipt(msgspec.Struct, frozen=True):
    request: bytes  # the request's fingerprint
    answer: Answer


@dataclass
class OpenTransaction:
    """The events' transaction of a command with a key, left open until its receipt."""

    pool: ConnectionPool[Any]
    connection: psycopg.Connection[Any]

    def finish(self, receipt: tuple[str, str, Receipt] | None) -> bool:
        """Commit with the receipt (None: roll back); False if another copy's receipt won."""
        try:
            if receipt is None or not _insert(self.connection, *receipt):
                self.connection.execute("ROLLBACK")
                return receipt is None
            try:
                self.connection.execute("COMMIT")
            except psycopg.OperationalError as error:
                raise CommitOutcomeUnknown from error
            return True
        except BaseException:
            self.connection.close()  # its outcome is unknown: the pool drops it
            raise
        finally:
            self.pool.putconn(self.connection)


@dataclass
class CommandInFlight:
    """An HTTP command while it runs: its key, what `If-Match` expects, and the versions of
    the aggregate its path names."""

    caller: str
    key: str | None
    request: bytes
    target: UUID | None
    expected_version: int | None
    loaded: dict[UUID, int] = field(default_factory=dict)
    stored: dict[UUID, int] = field(default_factory=dict)
    transaction: OpenTransaction | None = None
    answering: bool = False  # the handler has returned: later saves are not its own

    @property
    def defers_commit(self) -> bool:
        return self.key is not None and not self.answering

    def saw(self, aggregates: dict[UUID, Any]) -> None:
        """The version the command decides on: the first load of the target."""
        if self.target in aggregates and self.target not in self.loaded:
            self.loaded[self.target] = aggregates[self.target].version

    def check_precondition(self, aggregates: tuple[Any, ...]) -> None:
        """Refuse the save when the target is no longer at the version `If-Match` names."""
        if self.expected_version is None:
            return
        version = self.loaded.get(self.target) if self.target is not None else None
        for aggregate in aggregates:
            if aggregate.id == self.target:
                version = aggregate.version - len(aggregate.pending_events)
        if version is not None and version != self.expected_version:
            raise PreconditionFailed(
                "version_mismatch",
                "Данные изменились после того, как вы их открыли; обновите страницу и повторите",
                expected=self.expected_version,
                current=version,
            )

    def saved(self, aggregates: tuple[Any, ...]) -> None:
        for aggregate in aggregates:
            self.stored[aggregate.id] = aggregate.version

    def version_of(self, created: UUID | None) -> int | None:
        """The version the answer's `ETag` carries: the target's, or what was created."""
        for aggregate_id in (self.target, created):
            if aggregate_id is not None:
                version = self.stored.get(aggregate_id, self.loaded.get(aggregate_id))
                if version is not None:
                    return version
        return next(iter(self.stored.values())) if len(self.stored) == 1 else None


_in_flight: contextvars.ContextVar[CommandInFlight | None] = contextvars.ContextVar(
    "command_in_flight", default=None
)


def in_flight() -> CommandInFlight | None:
    return _in_flight.get()


@contextmanager
def running(command: CommandInFlight) -> Iterator[CommandInFlight]:
    token = _in_flight.set(command)
    try:
        yield command
    finally:
        _in_flight.reset(token)


def detached() -> contextvars.Context:
    """The current context without the command: for work a command starts that outlives it
    (an import's job), whose saves are not the command's."""
    context = contextvars.copy_context()
    context.run(_in_flight.set, None)
    return context


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> bytes:
    digest = hashlib.sha256(f"{method} {path}?".encode())
    digest.update(query)
    digest.update(b"\n")
    digest.update(body)
    return digest.digest()


def _insert(connection: psycopg.Connection[Any], caller: str, key: str, receipt: Receipt) -> bool:
    answer = receipt.answer
    row = connection.execute(
        _INSERT,
        (
            caller,
            key,
            receipt.request,
            answer.status,
            msgspec.json.encode(answer.headers).decode(),
            answer.body,
            RETENTION,
        ),
    ).fetchone()
    return row is not None


class Receipts:
    """The stored answers of commands sent with a key."""

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool  # autocommit: each statement its own transaction

    def find(self, caller: str, key: str) -> Receipt | None:
        with self.pool.connection() as connection:
            row = connection.execute(_SELECT, (caller, key, RETENTION)).fetchone()
        if row is None:
            return None
        request, status, headers, body = row
        return Receipt(bytes(request), Answer(status, dict(headers), bytes(body)))

    def keep(self, caller: str, key: str, receipt: Receipt) -> bool:
        """The receipt of a command that stored no events; False if a copy's came first."""
        with self.pool.connection() as connection:
            return _insert(connection, caller, key, receipt)

    def forget_expired(self) -> int:
        with self.pool.connection() as connection:
            cursor = connection.execute(
                "DELETE FROM command_receipts WHERE stored_at < now() - %s::interval",
                (RETENTION,),
            )
            return int(cursor.rowcount)
