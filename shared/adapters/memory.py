"""The event store and the key vault in memory: the applications and their rules run without a
database (tests/unit), with the same store semantics as PostgreSQL — optimistic concurrency, a
save with its side writes and riding rows all or nothing, snapshots read before the events after
them, keys read in the same call as the aggregates.

A side write or riding rows stored in memory are objects with `apply()`, run under the store's
lock before the events are appended; raising refuses the whole save. The in-memory key vault and
person index make such objects where the PostgreSQL ones make SQL.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from threading import RLock
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.popo import POPOApplicationRecorder

from shared.adapters.event_recorder import StoredSnapshot
from shared.adapters.keystore import CHECK_SUBJECT, KeyRead, KeyVault, PendingKeys
from shared.adapters.personal_data import MasterKeys, new_data_key


class Applied(Protocol):
    def apply(self) -> None:
        """Write within the save, under the store's lock; raising refuses the whole save."""


class Memory:
    """One in-memory database: each application's events (by the application's name, as the
    tables are), the snapshots and the wrapped data keys."""

    def __init__(self) -> None:
        self.lock = RLock()
        self.recorders: dict[str, MemoryRecorder] = {}
        self.keys: dict[UUID, tuple[str, bytes]] = {}
        self.carriers: dict[UUID, set[UUID]] = {}  # a person → the subjects they carry

    def recorder(self, name: str) -> MemoryRecorder:
        """The events of the application of that name (case-insensitive, as the names of the
        PostgreSQL tables are)."""
        with self.lock:
            return self.recorders.setdefault(name.lower(), MemoryRecorder(self))

    def rows_of(self, read: Any) -> list[tuple[Any, ...]]:
        """The rows a read sent with the aggregates' would return (a read of keys is the only
        kind there is)."""
        assert isinstance(read, KeyRead)
        return [(s, *self.keys[s]) for s in read.subjects if s in self.keys]


class MemoryRecorder(POPOApplicationRecorder):
    """The library's in-memory recorder with `shared.adapters.event_recorder.Recorder`'s reads
    and its save (side writes and riding rows in the same transaction)."""

    def __init__(self, memory: Memory) -> None:
        super().__init__()
        self._database_lock = memory.lock
        self.memory = memory
        self.snapshots: dict[UUID, StoredSnapshot] = {}

    def snapshot_rows(self, rows: list[tuple[UUID, int, str, bytes]]) -> Applied:
        return _Snapshots(self.snapshots, rows)

    def insert_events(
        self,
        stored_events: Sequence[StoredEvent],
        *,
        side_writes: Sequence[Applied] = (),
        riding: Sequence[Applied] = (),
        **kwargs: Any,
    ) -> Sequence[int] | None:
        with self._database_lock:
            self._assert_uniqueness(stored_events)
            for write in [*side_writes, *riding]:
                write.apply()
            ids = self._update_table(stored_events)
        self._notify_listeners()
        return ids

    def select_events_of(
        self,
        originator_ids: Sequence[UUID],
        reads: Sequence[Any] = (),
        snapshot_topics: Sequence[str] = (),
        first_only: bool = False,
    ) -> tuple[list[StoredEvent], list[list[tuple[Any, ...]]]]:
        stored: list[StoredEvent] = []
        with self._database_lock:
            for originator_id in originator_ids:
                snapshot = self.snapshots.get(originator_id)
                if first_only or snapshot is None or snapshot.topic not in snapshot_topics:
                    snapshot = None
                else:
                    stored.append(snapshot)
                after = snapshot.originator_version if snapshot else None
                stored += self.select_events(originator_id, gt=after, lte=1 if first_only else None)
            return stored, [self.memory.rows_of(read) for read in reads]


class _Snapshots:
    def __init__(
        self, table: dict[UUID, StoredSnapshot], rows: list[tuple[UUID, int, str, bytes]]
    ) -> None:
        self.table = table
        self.rows = rows

    def apply(self) -> None:
        for originator_id, version, topic, state in self.rows:
            previous = self.table.get(originator_id)
            if previous is None or previous.originator_version < version:
                self.table[originator_id] = StoredSnapshot(originator_id, version, topic, state)


class _NewKeys:
    def __init__(self, table: dict[UUID, tuple[str, bytes]], rows: list[tuple[UUID, str, bytes]]):
        self.table = table
        self.rows = rows

    def apply(self) -> None:
        for subject, key_id, wrapped in self.rows:
            self.table[subject] = (key_id, wrapped)


class _Carriers:
    def __init__(self, table: dict[UUID, set[UUID]], rows: list[tuple[UUID, UUID]]) -> None:
        self.table = table
        self.rows = rows

    def apply(self) -> None:
        for person, subject in self.rows:
            self.table.setdefault(person, set()).add(subject)


class MemoryKeyVault(KeyVault):
    """The key vault on `Memory`'s keys, wrapped by a master key made for it."""

    def __init__(self, memory: Memory, master_keys: MasterKeys | None = None) -> None:
        self.memory = memory
        self.master_keys = master_keys or MasterKeys(os.urandom(32))
        with memory.lock:
            if CHECK_SUBJECT not in memory.keys:
                memory.keys[CHECK_SUBJECT] = self.master_keys.wrap(new_data_key(), CHECK_SUBJECT)

    def create(self, subject: UUID) -> bytes:
        with self.memory.lock:
            if subject not in self.memory.keys:
                self.memory.keys[subject] = self.master_keys.wrap(new_data_key(), subject)
        key = self.get(subject)
        assert key is not None
        return key

    def new_keys(self, pending: PendingKeys) -> Any:
        rows = [(s, *self.master_keys.wrap(key, s)) for s, key in pending.keys.items()]
        return _NewKeys(self.memory.keys, rows)

    def riding(self, pending: PendingKeys) -> list[Any]:
        carried = [(p, s) for s, people in pending.carriers.items() for p in people]
        return [self.new_keys(pending), _Carriers(self.memory.carriers, carried)]

    def carried_by(self, person: UUID) -> list[UUID]:
        with self.memory.lock:
            return sorted(self.memory.carriers.get(person, set()))

    def delete_many(self, subjects: list[UUID]) -> None:
        with self.memory.lock:
            for subject in subjects:
                self.memory.keys.pop(subject, None)

    def rewrap_all(self) -> int:
        with self.memory.lock:
            stale = {
                s: k for s, k in self.memory.keys.items() if k[0] != self.master_keys.current_id
            }
            for subject, (key_id, wrapped) in stale.items():
                data_key = self.master_keys.unwrap(key_id, wrapped, subject)
                self.memory.keys[subject] = self.master_keys.wrap(data_key, subject)
            return len(stale)

    def _fetch(self, read: KeyRead) -> list[tuple[Any, ...]]:
        return self.memory.rows_of(read)
