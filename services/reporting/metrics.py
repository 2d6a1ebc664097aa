"""What reporting's /metrics adds: each projection's position per stream and how many events
it is behind the stream's head, read at each scrape from `projection_tracking` and the streams'
`<stream>_events_head()` (a count, no rows); and the reader pool."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from shared.adapters.database_metrics import on_database_scrape, watch_async_pool
from shared.adapters.metrics import ServiceMetrics

from .runner import UPSTREAMS

HEADS = " UNION ALL ".join(
    f"SELECT '{upstream}' AS upstream, {upstream}_events_head() AS head" for upstream in UPSTREAMS
)
POSITIONS = (
    "SELECT t.projection, t.upstream, t.position, h.head"
    f" FROM projection_tracking t JOIN ({HEADS}) h USING (upstream)"
)


def watch_reporting(metrics: ServiceMetrics, pool: Callable[[], asyncpg.Pool | None]) -> None:
    watch_async_pool(metrics, "reader", pool)
    labels = ["projection", "stream"]
    position = metrics.gauge(
        "nastavnik_projection_position", "The last event the projection has applied", labels
    )
    lag = metrics.gauge(
        "nastavnik_projection_lag_events", "Events stored but not yet projected", labels
    )
    head = metrics.gauge(
        "nastavnik_projection_stream_head", "The last event's position in the stream", ["stream"]
    )

    async def refresh() -> None:
        current = pool()
        if current is None:
            return
        async with current.acquire() as connection:
            rows = await connection.fetch(POSITIONS)
        for row in rows:
            keys = (metrics.service, row["projection"], row["upstream"])
            position.labels(*keys).set(row["position"])
            lag.labels(*keys).set(max(0, row["head"] - row["position"]))
            head.labels(metrics.service, row["upstream"]).set(row["head"])

    on_database_scrape(metrics, refresh)
