"""Figures a service reads from its database on each scrape: its pools, and what a scrape may
meet while the database is away. Apart from `metrics` so that the web, which opens no database,
loads no driver."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
import psycopg
from psycopg_pool import ConnectionPool

from shared.adapters.metrics import Refresh, ServiceMetrics

# What a scrape meets while the database is away or restarting (sync pools, asyncpg).
DATABASE_TROUBLE = (OSError, psycopg.Error, asyncpg.PostgresError, asyncpg.InterfaceError)


def on_database_scrape(metrics: ServiceMetrics, refresh: Refresh) -> None:
    metrics.on_scrape(refresh, DATABASE_TROUBLE)


PoolFigures = tuple[int, int, int, int]  # in use, idle, most, callers waiting


def watch_sync_pool(
    metrics: ServiceMetrics, name: str, pool: Callable[[], ConnectionPool | None]
) -> None:
    def figures() -> PoolFigures | None:
        current = pool()
        if current is None:
            return None
        stats = current.get_stats()
        size, idle = stats.get("pool_size", 0), stats.get("pool_available", 0)
        return size - idle, idle, current.max_size, stats.get("requests_waiting", 0)

    _watch_pool(metrics, name, figures)


def watch_async_pool(
    metrics: ServiceMetrics, name: str, pool: Callable[[], asyncpg.Pool | None]
) -> None:
    def figures() -> PoolFigures | None:
        current = pool()
        if current is None:
            return None
        idle = current.get_idle_size()
        return (
            current.get_size() - idle,
            idle,
            current.get_max_size(),
            0,
        )  # asyncpg tells no waiters

    _watch_pool(metrics, name, figures)


def _watch_pool(
    metrics: ServiceMetrics, name: str, figures: Callable[[], PoolFigures | None]
) -> None:
    """The pool's connections in use and idle, its most, and the callers waiting for one."""

    async def refresh() -> None:
        found = figures()
        if found is not None:
            for gauge, figure in zip(metrics.pools, found, strict=True):
                gauge.labels(metrics.service, name).set(figure)

    on_database_scrape(metrics, refresh)
