"""An auditor's view: every event of a programme, in order, with who did it and what changed."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from uuid import UUID

import asyncpg
import strawberry
from strawberry.scalars import JSON

from services.reporting.runner import positions
from shared.auth import Role

from .context import ReaderInfo, reader_of
from .pagination import Connection, connection, decode_position, page_size

HISTORY_READERS = frozenset({Role.AUDITOR, Role.INSTITUTE_METHODOLOGIST, Role.SCHOOL_DIRECTOR})


@strawberry.type
class HistoryEvent:
    upstream: str
    position: int
    occurred_at: datetime
    event_type: str
    aggregate_id: strawberry.ID
    aggregate_version: int
    actor_user: str
    actor_role: str
    changes: JSON


HISTORY = """
SELECT * FROM event_history WHERE programme_id = $1 AND position > $2
ORDER BY upstream, position LIMIT $3
"""


async def programme_history(
    info: ReaderInfo, programme_id: strawberry.ID, first: int = 100, after: str | None = None
) -> Connection[HistoryEvent]:
    """Вся история программы: каждое событие по порядку, кто и что изменил (по страницам)."""
    reader = reader_of(info)
    reader.caller().require(HISTORY_READERS, "просматривать историю программы")
    programme = UUID(str(programme_id))
    size = page_size(first)
    rows = await reader.fetch(HISTORY, programme, decode_position(after), size + 1)
    total = await reader.fetch(
        "SELECT count(*) AS n FROM event_history WHERE programme_id = $1", programme
    )
    return connection([(r["position"], _event(r)) for r in rows], size, total[0]["n"])


def _event(r: asyncpg.Record) -> HistoryEvent:
    return HistoryEvent(
        upstream=r["upstream"],
        position=r["position"],
        occurred_at=r["occurred_at"],
        event_type=r["event_type"],
        aggregate_id=strawberry.ID(str(r["aggregate_id"])),
        aggregate_version=r["aggregate_version"],
        actor_user=r["actor_user"],
        actor_role=r["actor_role"],
        changes=json.loads(r["changes"]),
    )


async def caught_up(
    info: ReaderInfo, registry: int = 0, programs: int = 0, timeout_ms: int = 5000
) -> bool:
    """Дождаться, пока проекции дойдут до позиций, которые вернули команды."""
    reader = reader_of(info)
    reader.caller()
    wanted = {"registry": registry, "programs": programs}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(timeout_ms, 30_000) / 1000
    while True:
        async with reader.pool.acquire() as connection:
            reached = await positions(connection)
        if all(reached.get(k, 0) >= v for k, v in wanted.items()):
            return True
        if loop.time() >= deadline:
            return False
        await asyncio.sleep(0.02)
