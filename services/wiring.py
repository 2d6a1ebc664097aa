"""What the two write services (registry, programs) open at start and close at stop."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import anyio
import msgspec
from psycopg_pool import ConnectionPool

from shared.adapters.database import (
    WRITER_ROLE,
    DatabaseAddress,
    open_sync_pool,
    sync_pool_reachable,
)
from shared.adapters.database_metrics import on_database_scrape, watch_sync_pool
from shared.adapters.idempotency import Receipts
from shared.adapters.keystore import KeyVault
from shared.adapters.logging import configure_logging
from shared.adapters.metrics import ServiceMetrics
from shared.adapters.personal_data import MasterKeys
from shared.adapters.settings import Settings

# A command's answer says how far reporting must have read to show what it stored.
POSITION = "The position of the command's last event: pass it to reporting's `caughtUp`"


class Position(msgspec.Struct):
    """Where a command's last event sits in its stream; reporting can be asked to reach it."""

    position: Annotated[int, msgspec.Meta(description=POSITION)]


class Created(msgspec.Struct):
    """The id of what a command created, and the position of its last event."""

    id: Annotated[UUID, msgspec.Meta(description="The id of what the command created")]
    position: Annotated[int, msgspec.Meta(description=POSITION)]


def master_keys_of(settings: Settings) -> MasterKeys:
    return MasterKeys(settings.master_key_bytes, settings.previous_master_key_bytes)


def role_address(settings: Settings, role: str) -> DatabaseAddress:
    admin = DatabaseAddress.parse(settings.require_database_url())
    return admin.as_role(role, settings.db_role_password)


class EventStoreResources:
    def __init__(self, settings: Settings, service: str) -> None:
        configure_logging(service, settings.log_level)
        self.settings = settings
        self.address = role_address(settings, WRITER_ROLE)
        self.pool: ConnectionPool | None = None
        self.events_pool: ConnectionPool | None = None
        self.metrics = ServiceMetrics(service, commands=True)
        self._watch(service)

    def _watch(self, stream: str) -> None:
        """The service's pools and the position its event store has reached."""
        watch_sync_pool(self.metrics, "side", lambda: self.pool)
        watch_sync_pool(self.metrics, "events", lambda: self.events_pool)
        head = self.metrics.gauge(
            "nastavnik_event_store_position", "The last event's position in the stream", ["stream"]
        )

        async def refresh() -> None:
            if self.pool is not None:
                position = await anyio.to_thread.run_sync(stream_head, self.pool, stream)
                head.labels(self.metrics.service, stream).set(position)

        on_database_scrape(self.metrics, refresh)

    def watch_events_pool(self, application: object) -> None:
        """The eventsourcing library's own pool, where the application's recorder has one."""
        datastore = getattr(getattr(application, "recorder", None), "datastore", None)
        pool = getattr(datastore, "pool", None)
        self.events_pool = pool if isinstance(pool, ConnectionPool) else None

    def open(self) -> KeyVault:
        """Connect and check the master key: a wrong key stops the start with a clear message."""
        self.pool = open_sync_pool(self.address)
        keys = KeyVault(self.pool, master_keys_of(self.settings))
        keys.verify_master_key()
        return keys

    def receipts(self) -> Receipts:
        """The answers of commands sent with an idempotency key; the expired ones forgotten."""
        assert self.pool is not None
        receipts = Receipts(self.pool)
        receipts.forget_expired()
        return receipts

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    async def healthy(self) -> bool:
        pool = self.pool
        if pool is None:
            return False
        return await anyio.to_thread.run_sync(sync_pool_reachable, pool)


def stream_head(pool: ConnectionPool, stream: str) -> int:
    with pool.connection() as connection:
        row = connection.execute(
            f"SELECT coalesce(max(notification_id), 0) FROM {stream}_events"
        ).fetchone()
    return int(row[0]) if row else 0
