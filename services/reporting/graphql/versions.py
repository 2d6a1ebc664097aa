"""An aggregate's version as GraphQL shows it: what a command's `If-Match` sends back to say
which state the caller decided on (a 412 when the aggregate has moved on since)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from .context import Reader, ReaderInfo, reader_of

VERSION = (
    "The version of this object as last projected (the number of its events); send it as "
    '`If-Match: "N"` with a command on it, which is refused with 412 if it has changed since'
)


async def versions(reader: Reader, ids: list[UUID]) -> list[int | None]:
    """Each aggregate's version: its last event's number in the history (one query)."""
    rows = await reader.fetch(
        "SELECT aggregate_id, max(aggregate_version) AS version FROM event_history"
        " WHERE aggregate_id = ANY($1::uuid[]) GROUP BY aggregate_id",
        ids,
    )
    found = {row["aggregate_id"]: row["version"] for row in rows}
    return [found.get(aggregate_id) for aggregate_id in ids]


async def version_of(info: ReaderInfo, aggregate_id: strawberry.ID) -> int | None:
    version: int | None = await reader_of(info).loader(versions).load(UUID(str(aggregate_id)))
    return version
