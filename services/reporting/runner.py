"""The projection worker: follows both event streams and keeps every projection up to date.

Each batch of events is applied to the projections in one transaction together with their new
positions, so a worker killed mid-batch loses nothing and doubles nothing: the next worker
starts from the last committed position. The tracking rows are locked for the batch, so two
workers never apply the same events.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from uuid import UUID

import asyncpg
import structlog

from services.programs import events as programs
from services.registry import events as registry
from shared.adapters.database import Connection, DatabaseAddress, connect
from shared.adapters.eventstore import make_transcoder
from shared.adapters.keystore import Keyring
from shared.adapters.personal_data import MasterKeys
from shared.kernel.contracts import Contracts, Event, sealed_values

from .projections import ALL, Envelope, Projection

# Each stream decodes into its writer's published contracts, and into nothing else.
CONTRACTS = {"registry": Contracts(registry.ALL), "programs": Contracts(programs.ALL)}
UPSTREAMS = tuple(CONTRACTS)
POLL_SECONDS = 1.0
log = structlog.get_logger()


class ProjectionWorker:
    def __init__(
        self,
        address: DatabaseAddress,
        master_keys: MasterKeys,
        batch_size: int = 500,
        projections: Sequence[type[Projection]] = ALL,
        lanes: int = 1,
    ) -> None:
        self.address = address
        self.batch_size = batch_size
        self.lanes = lanes  # connections `run` projects a backlog on
        self.keyring = Keyring(master_keys)
        self.projections: list[Projection] = [cls(self.keyring) for cls in projections]
        self.transcoder = make_transcoder()
        # Told (upstream, position reached) after each batch: a rebuild's progress.
        self.progress: Callable[[str, int], None] | None = None

    async def verify_master_key(self) -> None:
        connection = await connect(self.address)
        try:
            await self.keyring.verify_master_key(connection)
        finally:
            await connection.close()

    async def catch_up(
        self, connection: asyncpg.Connection, lanes: Sequence[asyncpg.Connection] = ()
    ) -> int:
        """Apply every stored event not yet projected; return how many were applied. Given
        lanes, a backlog of more than a batch goes on them (`replay`)."""
        applied = 0
        for upstream in UPSTREAMS:
            while batch := await self._advance(connection, upstream):
                applied += len(batch)
                if lanes and len(batch) == self.batch_size:
                    applied += await self.replay(connection, lanes, upstream, batch[-1].position)
        return applied

    async def _advance(self, connection: asyncpg.Connection, upstream: str) -> list[Envelope]:
        """One batch of `upstream`'s events for the projections furthest behind, in one
        transaction with their new positions; return it.

        The batch is read and decoded once for all of them, its subjects' keys read in one
        query. A projection ahead of the others (after a partial rebuild) waits: the batch
        stops at its position, so that from there on they all move together.
        """
        async with connection.transaction():
            positions = await _locked_positions(connection, upstream, self.projections)
            start = min(positions[p.name] for p in self.projections)
            ahead = [positions[p.name] for p in self.projections if positions[p.name] > start]
            envelopes = await self._batch(connection, upstream, start, min(ahead, default=None))
            if not envelopes:
                return envelopes
            await self.keyring.prefetch(connection, sealed_subjects(envelopes))
            behind = [p for p in self.projections if positions[p.name] == start]
            await self._apply(connection, upstream, envelopes, behind)
        if self.progress is not None:
            self.progress(upstream, envelopes[-1].position)
        return envelopes

    async def _apply(
        self,
        connection: asyncpg.Connection,
        upstream: str,
        envelopes: list[Envelope],
        projections: Sequence[Projection],
    ) -> None:
        """A batch applied to the projections and their positions moved to its end, in the
        caller's transaction."""
        for projection in projections:
            concerned = projection.concerned(envelopes)
            await projection.prepare(connection, concerned)
            for envelope in concerned:
                await projection.apply(connection, envelope)
            await projection.flush(connection)
        await connection.execute(
            "UPDATE projection_tracking SET position = $3, updated_at = now()"
            " WHERE upstream = $1 AND projection = ANY($2::text[])",
            upstream,
            [p.name for p in projections],
            envelopes[-1].position,
        )

    async def replay(
        self,
        reader: asyncpg.Connection,
        lanes: Sequence[asyncpg.Connection],
        upstream: str,
        after: int,
    ) -> int:
        """`upstream`'s events after `after`, into projections that are all there (a rebuild's
        fresh tables, or a worker's after a first batch of its backlog); return how many were
        applied.

        The projections are shared out among the lanes (connections), balanced by their
        `replay_cost`: each lane applies every batch to its share in a transaction of its own
        with their positions, while the other lanes' PostgreSQL backends work on theirs and the
        reader fetches and decodes the next batch — so the server's work and this process's
        overlap, on as many cores as there are. A lane that finds its projections elsewhere
        (another worker moved them) ends the replay: `catch_up` goes on batch by batch.
        """
        shares = [share for share in share_out(self.projections, len(lanes)) if share]
        applied = 0
        batch = await self._read(reader, upstream, after)
        while batch:
            following = asyncio.ensure_future(self._read(reader, upstream, batch[-1].position))
            at_work = [
                asyncio.ensure_future(self._apply_alone(lane, upstream, after, batch, share))
                for lane, share in zip(lanes, shares, strict=False)
            ]
            # Every lane ends its transaction itself, never cancelled: asyncpg cancelled while
            # its BEGIN is in flight keeps that transaction as the connection's own, so the
            # lane's later batches become savepoints of one never committed, their tracking
            # rows locked, and the next batch waits on them for ever.
            ended = await asyncio.gather(*at_work, return_exceptions=True)
            failures = [e for e in ended if isinstance(e, BaseException)]
            if failures:
                # The reader holds no locks: it is waited for, so that its connection is free.
                await asyncio.gather(following, return_exceptions=True)
                if all(isinstance(failure, _Overtaken) for failure in failures):
                    return applied
                raise next(f for f in failures if not isinstance(f, _Overtaken))
            applied += len(batch)
            after = batch[-1].position
            if self.progress is not None:
                self.progress(upstream, after)
            batch = await following
        return applied

    async def _read(
        self, connection: asyncpg.Connection, upstream: str, after: int
    ) -> list[Envelope]:
        envelopes = await self._batch(connection, upstream, after, None)
        await self.keyring.prefetch(connection, sealed_subjects(envelopes))
        return envelopes

    async def _apply_alone(
        self,
        connection: asyncpg.Connection,
        upstream: str,
        after: int,
        envelopes: list[Envelope],
        projections: Sequence[Projection],
    ) -> None:
        """A lane's batch, in its own transaction, if its projections are where it starts."""
        async with connection.transaction():
            positions = await _locked_positions(connection, upstream, projections)
            if any(positions.get(p.name) != after for p in projections):
                raise _Overtaken
            await self._apply(connection, upstream, envelopes, projections)

    async def _batch(
        self, connection: asyncpg.Connection, upstream: str, after: int, stop: int | None
    ) -> list[Envelope]:
        """The events after `after` (up to `stop`, when given), decoded."""
        rows = await connection.fetch(
            "SELECT notification_id, originator_id, originator_version, topic, state"
            f" FROM {upstream}_events WHERE notification_id > $1"
            " AND ($2::bigint IS NULL OR notification_id <= $2)"
            " ORDER BY notification_id LIMIT $3",
            after,
            stop,
            self.batch_size,
        )
        contracts = CONTRACTS[upstream]
        return [
            Envelope(upstream, row["notification_id"], self._decode(contracts, row)) for row in rows
        ]

    def _decode(self, contracts: Contracts, row: asyncpg.Record) -> Event:
        return contracts.decode(
            row["topic"],
            row["originator_id"],
            row["originator_version"],
            self.transcoder.decode(row["state"]),
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
        lanes: list[asyncpg.Connection] = []
        try:
            for _ in range(self.lanes if self.lanes > 1 else 0):
                lanes.append(await connect(self.address))
            for upstream in UPSTREAMS:
                await connection.add_listener(f"{upstream}_events", lambda *_: wake.set())
            log.info("projection_worker_started", projections=[p.name for p in self.projections])
            while not stop.is_set():
                wake.clear()
                applied = await self.catch_up(connection, lanes)
                if applied:
                    log.debug("projected", events=applied)
                    continue
                await _wait_any(stop, wake, POLL_SECONDS)
        finally:
            for lane in lanes:
                await lane.close()
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


class _Overtaken(Exception):
    """A lane's projections are not where its batch starts: another worker moved them."""


async def _locked_positions(
    connection: asyncpg.Connection, upstream: str, projections: Sequence[Projection]
) -> dict[str, int]:
    """The projections' positions in `upstream`, their tracking rows locked until the end of
    the transaction (in one order, so that workers and lanes never wait on each other in a
    circle)."""
    rows = await connection.fetch(
        "SELECT projection, position FROM projection_tracking"
        " WHERE upstream = $1 AND projection = ANY($2::text[])"
        " ORDER BY projection FOR UPDATE",
        upstream,
        [p.name for p in projections],
    )
    return {row["projection"]: row["position"] for row in rows}


def share_out(projections: Sequence[Projection], lanes: int) -> list[list[Projection]]:
    """The projections in `lanes` shares of about equal cost, the costliest placed first."""
    shares: list[list[Projection]] = [[] for _ in range(lanes)]
    for projection in sorted(projections, key=lambda p: -p.replay_cost):
        cheapest = min(shares, key=lambda share: sum(p.replay_cost for p in share))
        cheapest.append(projection)
    return shares


def sealed_subjects(envelopes: list[Envelope]) -> set[UUID]:
    """Whose personal data the events carry (sealed values are top-level fields of events)."""
    return {value.subject for envelope in envelopes for value in sealed_values(envelope.event)}


async def positions(connection: Connection) -> dict[str, int]:
    """The position every projection has reached, per upstream (the slowest one counts)."""
    rows = await connection.fetch(
        "SELECT upstream, min(position) AS position FROM projection_tracking GROUP BY upstream"
    )
    return {row["upstream"]: row["position"] for row in rows}
