"""What the registry's /metrics adds: its import jobs and the daily erasure's last run, read
from the database at each scrape (every replica reports the same figures: take their max)."""

from __future__ import annotations

from collections.abc import Callable

import anyio

from shared.adapters.database_metrics import on_database_scrape
from shared.adapters.metrics import ServiceMetrics

from .imports import Imports

IMPORT_STATUSES = ("reading", "checking", "storing", "done", "rejected", "failed")


def watch_registry(
    metrics: ServiceMetrics,
    imports: Callable[[], Imports | None],
) -> None:
    jobs = metrics.gauge("nastavnik_import_jobs", "Spreadsheet import jobs by status", ["status"])
    erased_at = metrics.gauge(
        "nastavnik_erase_due_last_run_timestamp_seconds",
        "When `erase-due` last finished (0: never)",
    )
    erased = metrics.gauge("nastavnik_erase_due_last_run_erased", "People its last run erased")

    async def refresh() -> None:
        current = imports()
        if current is None:
            return
        counts = await anyio.to_thread.run_sync(current.counts)
        for status in {*IMPORT_STATUSES, *counts}:
            jobs.labels(metrics.service, status).set(counts.get(status, 0))
        last = await anyio.to_thread.run_sync(current.registry.erasures.last_run)
        erased_at.labels(metrics.service).set(last[0].timestamp() if last else 0)
        erased.labels(metrics.service).set(last[1] if last else 0)

    on_database_scrape(metrics, refresh)
