"""Rebuild projections from the events into fresh tables and switch over without stopping queries.

The chosen projections' tables are made anew in a shadow schema and every event is replayed into
them by the worker's own handlers: the rebuild's connection puts the shadow schema first in its
search path, so the handlers' unqualified table names (and the shadow's own tracking and
tenant-move tables) land there. Meanwhile queries and the live worker go on with the old tables.
The indexes that only queries use are built once the rows are in.

Then one short transaction switches over: it holds the live worker off those projections (their
tracking rows), takes the old tables' locks, applies the events that arrived meanwhile, drops the
old tables and moves the new ones in with their positions. A query that waited on the lock reads
the new tables (PostgreSQL looks a name up again after waiting for its lock). The locks are taken
with a short timeout and the switch is retried, so a query holding one table while it waits for
another never meets a deadlock that PostgreSQL would break by failing the query.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import asyncpg

from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.personal_data import MasterKeys
from shared.kernel.errors import InvalidInput

from .projections import ALL, Projection
from .read_models import (
    TENANT_MOVES,
    TRACKING,
    create_query_indexes,
    create_table,
    signature_of,
)
from .runner import UPSTREAMS, ProjectionWorker

SHADOW = "projection_rebuild"
REBUILD_LOCK = 0x6E617374  # an advisory lock: one rebuild at a time
SWITCH_LOCK_TIMEOUT = "200ms"  # below PostgreSQL's deadlock_timeout (1 s): we yield, never a query
SWITCH_ATTEMPTS = 50
INDEX_MEMORY = "256MB"  # a sort of the largest table's keys in memory (the default is 64MB)


Report = Callable[[str], None]
PROGRESS_STEP = 5  # per cent of a stream between two progress lines


@dataclass
class Progress:
    """Tells how far each stream has been replayed, a line every few per cent."""

    report: Report
    last: dict[str, int]  # each stream's last event when the rebuild began
    told: dict[str, int] = field(default_factory=dict)

    def __call__(self, upstream: str, position: int) -> None:
        last = self.last[upstream]
        share = 100 * min(position, last) // last if last else 100
        if share - self.told.get(upstream, -PROGRESS_STEP) >= PROGRESS_STEP or share == 100:
            self.told[upstream] = share
            self.report(f"  {upstream}: {position}/{last} events ({share}%)")


def chosen(names: Sequence[str] | None) -> list[type[Projection]]:
    """The projections named (all when none is), in the workers' order."""
    known = {projection.name for projection in ALL}
    unknown = sorted(set(names or ()) - known)
    if unknown:
        raise InvalidInput(
            "unknown_projection",
            f"Нет проекции «{unknown[0]}»; есть: {', '.join(sorted(known))}",
        )
    return [p for p in ALL if not names or p.name in names]


async def rebuild(
    admin: DatabaseAddress,
    master_keys: MasterKeys,
    names: Sequence[str] | None = None,
    batch_size: int = 500,
    report: Report | None = None,
    lanes: int = 2,
) -> int:
    """Rebuild the projections named (all when none is) and switch over; return how many event
    applications it took. Runs as the database administrator (it makes and drops tables)."""
    projections = chosen(names)
    say = report or (lambda _: None)
    connection = await connect(admin)
    try:
        await connection.execute("SELECT pg_advisory_lock($1)", REBUILD_LOCK)
        last = {u: await _last_position(connection, u) for u in UPSTREAMS}
        say(f"rebuilding {', '.join(p.name for p in projections)} into fresh tables")
        await _prepare_shadow(connection, projections)
        worker = ProjectionWorker(admin, master_keys, batch_size, projections)
        worker.progress = Progress(say, last)
        applied = await _replay(admin, connection, worker, min(lanes, len(projections)))
        await _index_shadow(connection, projections)
        applied += await _switch_over(connection, worker, projections)
        say(f"switched over: {', '.join(p.name for p in projections)}")
        return applied
    finally:
        with contextlib.suppress(asyncpg.PostgresError, OSError):  # keep the first error
            await connection.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
        await connection.close()


async def _last_position(connection: asyncpg.Connection, upstream: str) -> int:
    position: int = await connection.fetchval(
        f"SELECT coalesce(max(notification_id), 0) FROM {upstream}_events"
    )
    return position


async def _prepare_shadow(
    connection: asyncpg.Connection, projections: list[type[Projection]]
) -> None:
    """Empty tables of the same make in the shadow schema, each projection at position 0."""
    await connection.execute(f"DROP SCHEMA IF EXISTS {SHADOW} CASCADE")
    await connection.execute(f"CREATE SCHEMA {SHADOW}")
    await connection.execute(f"SET search_path = {SHADOW}, public")
    await connection.execute(TRACKING)
    await connection.execute(TENANT_MOVES)
    for projection in projections:
        for table in projection.tables:
            await create_table(connection, projection.name, table)
        for upstream in UPSTREAMS:
            await connection.execute(
                "INSERT INTO projection_tracking (projection, upstream) VALUES ($1, $2)",
                projection.name,
                upstream,
            )


async def _replay(
    admin: DatabaseAddress, connection: asyncpg.Connection, worker: ProjectionWorker, lanes: int
) -> int:
    """Every event into the shadow tables, on lanes of their own (`ProjectionWorker.replay`)."""
    opened: list[asyncpg.Connection] = []
    try:
        for _ in range(lanes):
            lane = await connect(admin)
            opened.append(lane)
            await lane.execute(f"SET search_path = {SHADOW}, public")
            # A crash loses the shadow whatever was committed (the next rebuild starts afresh):
            # its batches need not wait for the disk. The switch-over does.
            await lane.execute("SET synchronous_commit = off")
        applied = 0
        for upstream in UPSTREAMS:
            applied += await worker.replay(connection, opened, upstream, 0)
        return applied
    finally:
        for lane in opened:
            await lane.close()


async def _index_shadow(
    connection: asyncpg.Connection, projections: list[type[Projection]]
) -> None:
    """The indexes only queries use, built on the loaded tables (the few events that arrive
    until the switch-over go into them row by row)."""
    await connection.execute(f"SET maintenance_work_mem = '{INDEX_MEMORY}'")
    for projection in projections:
        for table in projection.tables:
            await create_query_indexes(connection, table)
    await connection.execute("RESET maintenance_work_mem")


async def _switch_over(
    connection: asyncpg.Connection,
    worker: ProjectionWorker,
    projections: list[type[Projection]],
) -> int:
    for attempt in range(SWITCH_ATTEMPTS):
        try:
            async with connection.transaction():
                return await _switch(connection, worker, projections)
        except asyncpg.LockNotAvailableError:
            # A query or the live worker holds what we need: let it finish, catch up, retry.
            await asyncio.sleep(0.05 * (attempt + 1))
            await worker.catch_up(connection)
    raise RuntimeError("could not switch the rebuilt projections over: tables stayed busy")


async def _switch(
    connection: asyncpg.Connection, worker: ProjectionWorker, projections: list[type[Projection]]
) -> int:
    names = [p.name for p in projections]
    tables = [t.name for p in projections for t in p.tables]
    await connection.execute(f"SET LOCAL lock_timeout = '{SWITCH_LOCK_TIMEOUT}'")
    await connection.execute(
        "SELECT 1 FROM public.projection_tracking WHERE projection = ANY($1::text[]) FOR UPDATE",
        names,
    )
    live = await connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        " AND tablename = ANY($1::text[])",
        tables,
    )
    if live:
        locked = ", ".join(f"public.{row['tablename']}" for row in live)
        await connection.execute(f"LOCK TABLE {locked} IN ACCESS EXCLUSIVE MODE")
    await connection.execute("SET LOCAL lock_timeout = 0")
    applied = await worker.catch_up(connection)  # what arrived since: nothing can arrive now
    for table in tables:
        await connection.execute(f"DROP TABLE IF EXISTS public.{table}")
        await connection.execute(f"ALTER TABLE {SHADOW}.{table} SET SCHEMA public")
    await connection.execute(
        "DELETE FROM public.tenant_moves WHERE projection = ANY($1::text[])", names
    )
    await connection.execute(f"INSERT INTO public.tenant_moves SELECT * FROM {SHADOW}.tenant_moves")
    await connection.execute(
        "INSERT INTO public.projection_tracking (projection, upstream, position)"
        f" SELECT projection, upstream, position FROM {SHADOW}.projection_tracking"
        " ON CONFLICT (projection, upstream)"
        " DO UPDATE SET position = EXCLUDED.position, updated_at = now()"
    )
    await connection.executemany(
        "INSERT INTO public.projection_shapes (projection, shape) VALUES ($1, $2)"
        " ON CONFLICT (projection) DO UPDATE SET shape = EXCLUDED.shape",
        [(p.name, signature_of(p)) for p in projections],
    )
    return applied
