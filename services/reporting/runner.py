"""The projection worker: follows both event streams and keeps every projection up to date.

Each batch of events is applied to one projection in one transaction together with that
projection's new position, so a worker killed mid-batch loses nothing and doubles nothing: the
next worker starts from the last committed position. The tracking row is locked for the batch,
so two workers never apply the same events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
import structlog
from eventsourcing.persistence import StoredEvent

from shared.database import Connection, DatabaseAddress, connect
from shared.eventstore import make_mapper
from shared.keystore import Keyring
from shared.personal_data import MasterKeys

from .projections import ALL, Envelope, Projection

UPSTREAMS = ("registry", "programs")
POLL_SECONDS = 1.0

log = structlog.get_logger()


class ProjectionWorker:
    def __init__(
        self,
        address: DatabaseAddress,
        master_keys: MasterKeys,
        batch_size: int = 500,
        projections: Sequence[type[Projection]] = ALL,
    ) -> None:
        self.address = address
        self.batch_size = batch_size
        self.keyring = Keyring(master_keys)
        self.projections: list[Projection] = [cls(self.keyring) for cls in projections]
        self.mapper = make_mapper()
        self._batches: dict[tuple[str, int], list[Envelope]] = {}
        # Told (upstream, position reached) after each round of batches: a rebuild's progress.
        self.progress: Callable[[str, int], None] | None = None

    async def verify_master_key(self) -> None:
        connection = await connect(self.address)
        try:
            await self.keyring.verify_master_key(connection)
        finally:
            await connection.close()

    async def catch_up(self, connection: asyncpg.Connection) -> int:
        """Apply every stored event not yet projected; return how many were applied.

        The projections advance batch by batch together, so that a batch read and decoded
        once serves every projection at the same position (they read only their own tables,
        so none depends on another being ahead).
        """
        applied = 0
        for upstream in UPSTREAMS:
            behind = list(self.projections)
            while behind:
                moved = []
                for projection in behind:
                    if count := await self._apply_batch(connection, projection, upstream):
                        applied += count
                        moved.append(projection)
                behind = moved
                self._report(upstream)
                self._batches.clear()
        return applied

    async def _apply_batch(
        self, connection: asyncpg.Connection, projection: Projection, upstream: str
    ) -> int:
        async with connection.transaction():
            position = await connection.fetchval(
                "SELECT position FROM projection_tracking"
                " WHERE projection = $1 AND upstream = $2 FOR UPDATE",
                projection.name,
                upstream,
            )
            envelopes = await self._batch(connection, upstream, position)
            for envelope in envelopes:
                await projection.apply(connection, envelope)
            if envelopes:
                await connection.execute(
                    "UPDATE projection_tracking SET position = $3, updated_at = now()"
                    " WHERE projection = $1 AND upstream = $2",
                    projection.name,
                    upstream,
                    envelopes[-1].position,
                )
            return len(envelopes)

    async def _batch(
        self, connection: asyncpg.Connection, upstream: str, position: int
    ) -> list[Envelope]:
        """The events after `position`, read and decoded once per round of `catch_up` (stored
        events never change, so a batch read for one projection is good for the next)."""
        key = (upstream, position)
        if key not in self._batches:
            rows = await connection.fetch(
                "SELECT notification_id, originator_id, originator_version, topic, state"
                f" FROM {upstream}_events WHERE notification_id > $1"
                " ORDER BY notification_id LIMIT $2",
                position,
                self.batch_size,
            )
            self._batches[key] = [
                Envelope(upstream, row["notification_id"], self._decode(row)) for row in rows
            ]
        return self._batches[key]

    def _report(self, upstream: str) -> None:
        reached = [batch[-1].position for batch in self._batches.values() if batch]
        if self.progress is not None and reached:
            self.progress(upstream, max(reached))

    def _decode(self, row: asyncpg.Record) -> Any:
        return self.mapper.to_domain_event(
            StoredEvent(
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the streams until `stop` is set; start again after any failure."""
        while not stop.is_set():
            try:
                await self._follow(stop)
            except Exception:
                # A lost connection heals on reconnect; a handler bug keeps failing here, loudly,
                # without ever skipping or doubling an event.
                log.exception("projection_worker_restarting")
                await _wait(stop, POLL_SECONDS)

    async def _follow(self, stop: asyncio.Event) -> None:
        wake = asyncio.Event()
        connection = await connect(self.address)
        try:
            for upstream in UPSTREAMS:
                await connection.add_listener(f"{upstream}_events", lambda *_: wake.set())
            log.info("projection_worker_started", projections=[p.name for p in self.projections])
            while not stop.is_set():
                wake.clear()
                applied = await self.catch_up(connection)
                if applied:
                    log.debug("projected", events=applied)
                    continue
                await _wait_any(stop, wake, POLL_SECONDS)
        finally:
            await connection.close()


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def positions(connection: Connection) -> dict[str, int]:
    """The position every projection has reached, per upstream (the slowest one counts)."""
    rows = await connection.fetch(
        "SELECT upstream, min(position) AS position FROM projection_tracking GROUP BY upstream"
    )
    return {row["upstream"]: row["position"] for row in rows}
