"""Where data keys live: table `person_keys`, reachable by the write services and the projection
workers only (the GraphQL role has no grant on it). Keys are stored wrapped by the master key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import asyncpg
from psycopg.sql import SQL
from psycopg_pool import ConnectionPool

from shared.errors import Conflict
from shared.lru import LRU
from shared.personal_data import (
    MasterKeyMismatch,
    MasterKeys,
    Sealed,
    new_data_key,
    seal,
    unseal,
)

KEYS_QUERY = (
    "SELECT subject_id, master_key_id, wrapped_key FROM person_keys WHERE subject_id = ANY(%b)"
)

# A known subject whose key proves at start that the configured master key is the right one.
CHECK_SUBJECT = UUID(int=0)

SCHEMA = """
CREATE TABLE IF NOT EXISTS person_keys (
    subject_id uuid PRIMARY KEY,
    master_key_id text NOT NULL,
    wrapped_key bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- The key graph's other edges: subjects known to the platform only through some people's
-- records (a pair's texts through its members). Erasing any one of those people erases them.
CREATE TABLE IF NOT EXISTS key_carriers (
    person_id uuid NOT NULL,
    subject_id uuid NOT NULL,
    PRIMARY KEY (person_id, subject_id)
);
"""


def check_master_key(master_keys: MasterKeys, key_id: str, wrapped: bytes) -> None:
    try:
        master_keys.unwrap(key_id, wrapped, CHECK_SUBJECT)
    except MasterKeyMismatch:
        raise MasterKeyMismatch(
            f"MASTER_KEY does not match the master key ({key_id}) that wraps the stored data "
            "keys: set the right MASTER_KEY, or list it in PREVIOUS_MASTER_KEYS after a rotation"
        ) from None


class PendingKeys:
    """Data keys made for the new subjects of one command, stored only with its events, so that
    a refused command leaves no key behind."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}
        self.carriers: dict[UUID, list[UUID]] = {}

    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        key = self.keys.setdefault(subject, new_data_key())
        return seal(key, subject, fields)

    def seal_carried(self, subject: UUID, carriers: list[UUID], fields: dict[str, Any]) -> Sealed:
        """Seal with a new key for a subject known only through the carriers' records."""
        self.carriers[subject] = carriers
        return self.seal(subject, fields)


def _unnest_insert(statement: str, rows: list[tuple[Any, ...]]) -> tuple[SQL, list[Any]] | None:
    """One INSERT of all the rows, as one array per column in binary (%b): as text, psycopg
    spends ≈ 7 µs on a bytea element, 4 on a uuid."""
    if not rows:
        return None
    return SQL(statement), [list(column) for column in zip(*rows, strict=True)]


class NewKeys:
    """New data keys, wrapped, inserted by the INSERT of the events that use them (riding rows
    of `shared.event_recorder`): the keys and the events are stored together or not at all, at
    no round trip of their own."""

    def __init__(self, rows: list[tuple[UUID, str, bytes]]) -> None:
        self.rows = rows

    def insert(self) -> tuple[SQL, list[Any]] | None:
        return _unnest_insert(
            "INSERT INTO person_keys (subject_id, master_key_id, wrapped_key)"
            " SELECT * FROM unnest(%b::uuid[], %b::text[], %b::bytea[])",
            list(self.rows),
        )


class CarrierRows:
    """The carriers of a command's new keys, inserted with its events like the keys."""

    def __init__(self, pending: PendingKeys) -> None:
        self.rows = [(p, s) for s, people in pending.carriers.items() for p in people]

    def insert(self) -> tuple[SQL, list[Any]] | None:
        return _unnest_insert(
            "INSERT INTO key_carriers (person_id, subject_id)"
            " SELECT * FROM unnest(%b::uuid[], %b::uuid[])",
            list(self.rows),
        )


@dataclass(frozen=True)
class KeyRead:
    """The read of some subjects' wrapped keys, to send in the round trip of another read."""

    subjects: list[UUID]
    query: str = KEYS_QUERY

    @property
    def params(self) -> list[Any]:
        return [self.subjects]


class Sealer:
    """Seals the personal data of one command's subjects with keys fetched together."""

    def __init__(self, keys: dict[UUID, bytes | None]) -> None:
        self.keys = keys

    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        key = self.keys.get(subject)
        if key is None:
            raise Conflict("personal_data_erased", "Персональные данные этого человека удалены")
        return seal(key, subject, fields)


class KeyVault:
    """Synchronous access for the write services (their commands run in worker threads).

    Keys are not cached between commands: an erasure deletes a key in the database, and any
    service replica must see that at once. One command's keys are fetched in one query.
    """

    def __init__(self, pool: ConnectionPool, master_keys: MasterKeys) -> None:
        self.master_keys = master_keys
        self.pool = pool

    def verify_master_key(self) -> None:
        """Fail at start, with a clear message, when MASTER_KEY is not the one in use."""
        rows = self._fetch(self.read([CHECK_SUBJECT]))
        if not rows:
            raise MasterKeyMismatch("the key check row is missing: run the setup step first")
        check_master_key(self.master_keys, rows[0][1], bytes(rows[0][2]))

    def create(self, subject: UUID) -> bytes:
        """A data key for `subject`, made now unless it already has one."""
        key_id, wrapped = self.master_keys.wrap(new_data_key(), subject)
        with self.pool.connection() as connection:
            connection.execute(
                "INSERT INTO person_keys (subject_id, master_key_id, wrapped_key) "
                "VALUES (%s, %s, %s) ON CONFLICT (subject_id) DO NOTHING",
                (subject, key_id, wrapped),
            )
        key = self.get(subject)
        assert key is not None
        return key

    def pending(self) -> PendingKeys:
        """Where a command makes the keys of the subjects it creates."""
        return PendingKeys()

    def new_keys(self, pending: PendingKeys) -> NewKeys:
        """A command's new keys, wrapped, to be written with its events."""
        return NewKeys(
            [
                (subject, *self.master_keys.wrap(key, subject))
                for subject, key in pending.keys.items()
            ]
        )

    def riding(self, pending: PendingKeys) -> list[NewKeys | CarrierRows]:
        """A command's new keys and their carriers, to be written with its events."""
        return [self.new_keys(pending), CarrierRows(pending)]

    def carried_by(self, person: UUID) -> list[UUID]:
        """The subjects known only through the person's records."""
        with self.pool.connection() as connection:
            rows = connection.execute(
                "SELECT subject_id FROM key_carriers WHERE person_id = %s", (person,)
            ).fetchall()
        return [row[0] for row in rows]

    def delete_many(self, subjects: list[UUID]) -> None:
        with self.pool.connection() as connection:
            connection.execute("DELETE FROM person_keys WHERE subject_id = ANY(%b)", (subjects,))

    def get(self, subject: UUID) -> bytes | None:
        return self.keys_for([subject])[subject]

    def keys_for(self, subjects: Iterable[UUID]) -> dict[UUID, bytes | None]:
        """The subjects' data keys (None once erased), in one query."""
        read = self.read(subjects)
        return self._unwrapped(read, self._fetch(read) if read.subjects else [])

    def read(self, subjects: Iterable[UUID]) -> KeyRead:
        return KeyRead(sorted(set(subjects)))

    def sealer(self, subjects: Iterable[UUID]) -> Sealer:
        read = self.read(subjects)
        return self.sealer_of(read, self._fetch(read) if read.subjects else [])

    def sealer_of(self, read: KeyRead, rows: list[tuple[Any, ...]]) -> Sealer:
        """A sealer with the keys of a read sent along with another query."""
        return Sealer(self._unwrapped(read, rows))

    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        return self.sealer([subject]).seal(subject, fields)

    def unseal(self, sealed: Sealed) -> dict[str, Any] | None:
        return unseal(self.get(sealed.subject), sealed)

    def rewrap_all(self) -> int:
        """Re-wrap every data key with the current master key (after a rotation)."""
        count = 0
        with self.pool.connection() as connection, connection.transaction():
            rows = connection.execute(
                "SELECT subject_id, master_key_id, wrapped_key FROM person_keys "
                "WHERE master_key_id <> %s FOR UPDATE",
                (self.master_keys.current_id,),
            ).fetchall()
            for subject, key_id, wrapped in rows:
                data_key = self.master_keys.unwrap(key_id, bytes(wrapped), subject)
                new_id, rewrapped = self.master_keys.wrap(data_key, subject)
                connection.execute(
                    "UPDATE person_keys SET master_key_id = %s, wrapped_key = %s "
                    "WHERE subject_id = %s",
                    (new_id, rewrapped, subject),
                )
                count += 1
        return count

    def _fetch(self, read: KeyRead) -> list[tuple[Any, ...]]:
        with self.pool.connection() as connection:
            return connection.execute(read.query, read.params).fetchall()

    def _unwrapped(self, read: KeyRead, rows: list[tuple[Any, ...]]) -> dict[UUID, bytes | None]:
        wrapped = {row[0]: (row[1], bytes(row[2])) for row in rows}
        return {
            subject: (
                self.master_keys.unwrap(*wrapped[subject], subject) if subject in wrapped else None
            )
            for subject in read.subjects
        }


class Keyring:
    """Asynchronous, cached access for the projection workers.

    The cache is bounded (least recently used keys go first), so that a rebuild of a region
    with millions of data subjects stays within the worker's memory. A worker applies events in
    order and forgets a subject's key when it applies their erasure; anything it applied before
    was stored before the erasure, so a cached key never serves an event after it (and a key
    read from the database once it is deleted reads as erased).
    """

    def __init__(self, master_keys: MasterKeys, max_keys: int = 50_000) -> None:
        self.master_keys = master_keys
        self._cache: LRU[UUID, bytes | None] = LRU(max_keys)

    async def verify_master_key(self, connection: asyncpg.Connection) -> None:
        """Fail at start, with a clear message, when MASTER_KEY is not the one in use."""
        row = await connection.fetchrow(
            "SELECT master_key_id, wrapped_key FROM person_keys WHERE subject_id = $1",
            CHECK_SUBJECT,
        )
        if row is None:
            raise MasterKeyMismatch("the key check row is missing: run the setup step first")
        check_master_key(self.master_keys, row[0], bytes(row[1]))

    async def prefetch(self, connection: asyncpg.Connection, subjects: Iterable[UUID]) -> None:
        """Read the keys of a batch's subjects that are not cached, in one query."""
        missing = {s for s in subjects if s not in self._cache}
        if not missing:
            return
        rows = await connection.fetch(
            "SELECT subject_id, master_key_id, wrapped_key FROM person_keys"
            " WHERE subject_id = ANY($1::uuid[])",
            list(missing),
        )
        found = {row[0]: (row[1], bytes(row[2])) for row in rows}
        for subject in missing:
            wrapped = found.get(subject)
            self._cache.put(
                subject, None if wrapped is None else self.master_keys.unwrap(*wrapped, subject)
            )

    async def get(self, connection: asyncpg.Connection, subject: UUID) -> bytes | None:
        if subject not in self._cache:
            await self.prefetch(connection, [subject])
        return self._cache.get(subject)

    async def unseal(self, connection: asyncpg.Connection, sealed: Sealed) -> dict[str, Any] | None:
        return unseal(await self.get(connection, sealed.subject), sealed)

    def forget(self, subject: UUID) -> None:
        self._cache.pop(subject)

    def clear(self) -> None:
        self._cache.clear()
