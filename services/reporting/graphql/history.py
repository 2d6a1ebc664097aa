"""An auditor's view: every event of a programme, in order, with who did it and what changed."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import asyncpg
import msgspec
import strawberry
from strawberry.scalars import JSON

from services.programs import events as programs
from services.programs.labels import EVENT_NAMES
from services.registry import events as registry
from services.reporting.replay import document_date
from services.reporting.runner import positions
from shared.kernel.errors import InvalidInput
from shared.kernel.principal import Role

from .arguments import ProgrammeId
from .context import ReaderInfo, reader_of, uuid_of
from .pagination import After, Connection, First, PageInfo, connection, decode_position, page_size

HISTORY_READERS = frozenset({Role.AUDITOR, Role.INSTITUTE_METHODOLOGIST, Role.SCHOOL_DIRECTOR})


def _event_meaning(name: str) -> str:
    """An event type in words: its contract's name, and the history's Russian words for it."""
    words = name.replace("_", " ").lower()
    label = EVENT_NAMES.get(name)
    return f"The event «{words}» ({label})." if label else f"The event «{words}»."


# One value per event contract the writers publish, named as the contract (`PAIR_FORMED`): made
# from the contracts, so that it cannot drift from them.
_EVENT_NAMES = sorted({c.event_name for c in (*registry.ALL, *programs.ALL)})
_EventType: Any = Enum(  # type: ignore[misc]
    "HistoryEventType",
    [
        (name, strawberry.enum_value(name, description=_event_meaning(name)))
        for name in _EVENT_NAMES
    ],
)
HistoryEventType: Any = strawberry.enum(
    _EventType,
    description=(
        "The type of a history event (тип события): one per event contract the registry and the "
        "programmes service publish."
    ),
)


@strawberry.type(
    description=(
        "One event of a programme's history (событие истории программы): who changed what, when."
    )
)
class HistoryEvent:
    upstream: str = strawberry.field(
        description="The service whose event store holds the event (registry or programs)."
    )
    position: int = strawberry.field(
        description=(
            "The event's position in its service's event store; with `upstream`, its identity."
        )
    )
    occurred_at: datetime = strawberry.field(description="Когда событие внесено в платформу")
    effective_on: date | None = strawberry.field(
        description="Дата, которую даёт документ (приказ, начало этапа, встреча, завершение);"
        " нет — у факта без документа"
    )
    event_type: HistoryEventType = strawberry.field(description="What happened.")
    aggregate_id: strawberry.ID = strawberry.field(
        description="The record the event changed (a programme, pair, order…)."
    )
    aggregate_version: int = strawberry.field(description="The record's version after the event.")
    actor_user: str = strawberry.field(description="The user who made the change.")
    actor_role: str = strawberry.field(description="The role the user acted in.")
    changes: JSON = strawberry.field(
        description=(
            "What changed, field by field; sealed personal fields read «[персональные данные]»."
        )
    )


HISTORY = """
SELECT * FROM event_history WHERE programme_id = $1 AND position > $2
ORDER BY upstream, position LIMIT $3
"""


async def programme_history(
    info: ReaderInfo, programme_id: ProgrammeId, first: First = 100, after: After = None
) -> Connection[HistoryEvent]:
    """Вся история программы: каждое событие по порядку, кто и что изменил (по страницам)."""
    reader = reader_of(info)
    reader.caller().require(HISTORY_READERS, "просматривать историю программы")
    programme = uuid_of(programme_id)
    size = page_size(first)
    rows = await reader.fetch(HISTORY, programme, decode_position(after), size + 1)
    total = await reader.fetch(
        "SELECT count(*) AS n FROM event_history WHERE programme_id = $1", programme
    )
    return connection([(r["position"], _event(r)) for r in rows], size, total[0]["n"], after)


def _event(r: asyncpg.Record) -> HistoryEvent:
    changes = json.loads(r["changes"])
    return HistoryEvent(
        upstream=r["upstream"],
        position=r["position"],
        occurred_at=r["occurred_at"],
        effective_on=document_date(r["event_type"], changes),
        event_type=HistoryEventType(r["event_type"]),
        aggregate_id=strawberry.ID(str(r["aggregate_id"])),
        aggregate_version=r["aggregate_version"],
        actor_user=r["actor_user"],
        actor_role=r["actor_role"],
        changes=changes,
    )


REPLAY_PAGE = 10_000

# One page of a programme's history as JSON: each event's JSON text is kept with its row
# (`projections/history.py`), so a page of 10,000 events is those texts joined by PostgreSQL in
# one row, and the service puts it into the response unparsed (`msgspec.Raw`) instead of 10,000
# objects of nine fields each for GraphQL to resolve (over a second on two cores).
REPLAY = """
WITH page AS MATERIALIZED (
    SELECT occurred_at, upstream, position, rendered FROM event_history
    WHERE programme_id = $1
      AND ($2::timestamptz IS NULL OR (occurred_at, upstream, position) > ($2, $3, $4))
    ORDER BY occurred_at, upstream, position
    LIMIT $5
), last AS (
    SELECT occurred_at, upstream, position FROM page
    ORDER BY occurred_at DESC, upstream DESC, position DESC LIMIT 1
)
SELECT (SELECT '[' || coalesce(string_agg(rendered, ',' ORDER BY occurred_at, upstream, position),
                               '') || ']' FROM page) AS events,
       (SELECT json_build_array(occurred_at, upstream, position)::text FROM page
        ORDER BY occurred_at, upstream, position LIMIT 1) AS first,
       (SELECT json_build_array(occurred_at, upstream, position)::text FROM last) AS last,
       EXISTS (SELECT 1 FROM event_history h, last
               WHERE h.programme_id = $1
                 AND (h.occurred_at, h.upstream, h.position)
                     > (last.occurred_at, last.upstream, last.position)) AS more,
       (SELECT count(*) FROM event_history WHERE programme_id = $1) AS total
"""


@strawberry.type(description="A page of a programme's history as one JSON array of events.")
class ReplayPage:
    total_count: int = strawberry.field(description="How many events the whole history has.")
    events: JSON = strawberry.field(
        description="События страницы по порядку: upstream, position, occurredAt, eventType,"
        " aggregateId, aggregateVersion, actorUser, actorRole, changes"
    )
    page_info: PageInfo = strawberry.field(description="Where the page stands in the history.")


async def programme_replay(
    info: ReaderInfo,
    programme_id: ProgrammeId,
    first: Annotated[
        int, strawberry.argument(description=f"How many events the page holds: 1 to {REPLAY_PAGE}.")
    ] = REPLAY_PAGE,
    after: After = None,
) -> ReplayPage:
    """История программы страницами до 10 000 событий — те же события, что programmeHistory,
    одним JSON на страницу (для долгих историй: без разбора каждого события)."""
    reader = reader_of(info)
    reader.caller().require(HISTORY_READERS, "просматривать историю программы")
    if not 1 <= first <= REPLAY_PAGE:
        raise InvalidInput("bad_page_size", f"Страница — от 1 до {REPLAY_PAGE} событий")
    occurred_at, upstream, position = _replay_cursor(after)
    [row] = await reader.fetch(
        REPLAY, uuid_of(programme_id), occurred_at, upstream, position, first
    )
    return ReplayPage(
        total_count=row["total"],
        events=JSON(msgspec.Raw(row["events"].encode())),
        page_info=PageInfo(
            has_next_page=row["more"],
            end_cursor=_replay_key(row["last"]),
            has_previous_page=after is not None,
            start_cursor=_replay_key(row["first"]),
        ),
    )


def _replay_key(event: str | None) -> str | None:
    """An event's place in the replay order (time, upstream, position) as a cursor."""
    return base64.urlsafe_b64encode(event.encode()).decode() if event else None


def _replay_cursor(after: str | None) -> tuple[datetime | None, str | None, int | None]:
    if after is None:
        return None, None, None
    try:
        occurred_at, upstream, position = json.loads(base64.urlsafe_b64decode(after))
        return datetime.fromisoformat(occurred_at), str(upstream), int(position)
    except (ValueError, TypeError):
        raise InvalidInput("bad_cursor", "Неверный курсор") from None


async def caught_up(
    info: ReaderInfo,
    registry: Annotated[
        int,
        strawberry.argument(
            description="The registry's position that a command returned; wait until it is read."
        ),
    ] = 0,
    programs: Annotated[
        int,
        strawberry.argument(
            description=(
                "The programmes service's position that a command returned; wait until it is read."
            )
        ),
    ] = 0,
    timeout_ms: Annotated[
        int, strawberry.argument(description="How long to wait at most, in milliseconds.")
    ] = 5000,
) -> bool:
    """Дождаться, пока проекции дойдут до позиций, которые вернули команды."""
    reader = reader_of(info)
    reader.anyone()  # positions only: a participant waits for their own writes too
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
