"""Where data keys live: table `person_keys`, reachable by the write services and the projection
workers only (the GraphQL role has no grant on it). Keys are stored wrapped by the master key.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from psycopg_pool import ConnectionPool

from shared.errors import Conflict
from shared.personal_data import (
    MasterKeyMismatch,
    MasterKeys,
    Sealed,
    new_data_key,
    seal,
    unseal,
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

    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        key = self.keys.setdefault(subject, new_data_key())
        return seal(key, subject, fields)


class KeyVault:
    """Synchronous access for the write services (their commands run in worker threads)."""

    def __init__(self, pool: ConnectionPool, master_keys: MasterKeys) -> None:
        self.master_keys = master_keys
        self.pool = pool

    def verify_master_key(self) -> None:
        """Fail at start, with a clear message, when MASTER_KEY is not the one in use."""
        row = self._fetch(CHECK_SUBJECT)
        if row is None:
            raise MasterKeyMismatch("the key check row is missing: run the setup step first")
        check_master_key(self.master_keys, row[0], row[1])

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

    def store_many(self, keys: dict[UUID, bytes]) -> None:
        """Store new data keys (made by `PendingKeys` for a command about to be saved)."""
        rows = [(subject, *self.master_keys.wrap(key, subject)) for subject, key in keys.items()]
        with self.pool.connection() as connection, connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO person_keys (subject_id, master_key_id, wrapped_key)"
                " VALUES (%s, %s, %s)",
                rows,
            )

    def delete_many(self, subjects: list[UUID]) -> None:
        with self.pool.connection() as connection:
            connection.execute("DELETE FROM person_keys WHERE subject_id = ANY(%s)", (subjects,))

    def get(self, subject: UUID) -> bytes | None:
        row = self._fetch(subject)
        return None if row is None else self.master_keys.unwrap(row[0], row[1], subject)

    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        key = self.get(subject)
        if key is None:
            raise Conflict("personal_data_erased", "Персональные данные этого человека удалены")
        return seal(key, subject, fields)

    def unseal(self, sealed: Sealed) -> dict[str, Any] | None:
        return unseal(self.get(sealed.subject), sealed)

    def rewrap_all(self) -> int:
        """Re-wrap every data key with the current master key (after a rotation)."""
        count = 0
        with self.pool.connection() as connection:
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

    def _fetch(self, subject: UUID) -> tuple[str, bytes] | None:
        with self.pool.connection() as connection:
            row = connection.execute(
                "SELECT master_key_id, wrapped_key FROM person_keys WHERE subject_id = %s",
                (subject,),
            ).fetchone()
        return None if row is None else (row[0], bytes(row[1]))


class Keyring:
    """Asynchronous, cached access for the projection workers."""

    def __init__(self, master_keys: MasterKeys) -> None:
        self.master_keys = master_keys
        self._cache: dict[UUID, bytes | None] = {}

    async def verify_master_key(self, connection: asyncpg.Connection) -> None:
        """Fail at start, with a clear message, when MASTER_KEY is not the one in use."""
        row = await connection.fetchrow(
            "SELECT master_key_id, wrapped_key FROM person_keys WHERE subject_id = $1",
            CHECK_SUBJECT,
        )
        if row is None:
            raise MasterKeyMismatch("the key check row is missing: run the setup step first")
        check_master_key(self.master_keys, row[0], bytes(row[1]))

    async def get(self, connection: asyncpg.Connection, subject: UUID) -> bytes | None:
        if subject not in self._cache:
            row = await connection.fetchrow(
                "SELECT master_key_id, wrapped_key FROM person_keys WHERE subject_id = $1", subject
            )
            self._cache[subject] = (
                None if row is None else self.master_keys.unwrap(row[0], bytes(row[1]), subject)
            )
        return self._cache[subject]

    async def unseal(self, connection: asyncpg.Connection, sealed: Sealed) -> dict[str, Any] | None:
        return unseal(await self.get(connection, sealed.subject), sealed)

    def forget(self, subject: UUID) -> None:
        self._cache.pop(subject, None)

    def clear(self) -> None:
        self._cache.clear()
