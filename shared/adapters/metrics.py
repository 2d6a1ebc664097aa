"""Each service's `/metrics` in the Prometheus text format, and the one wrapper every request
passes through: its id (kept from `X-Request-ID` when sane), its log line, its timing.

Every series carries `service`. Requests are labelled by route template (`/people/{id}`), never
by path, so the series stay few. Gauges read from the database (stream heads, projection
positions, import jobs, the last erasure run) are refreshed when Prometheus scrapes, not per
request. One process per service: with several replicas Prometheus scrapes each one as its own
target, and the dashboard sums counters across them (`sum by (service)`) and takes `max` of the
gauges read from the shared database.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import structlog
from litestar import Litestar, MediaType, get
from litestar.enums import ScopeType
from litestar.response import Response
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import generate_latest

from shared.adapters.logging import request_id_from

Refresh = Callable[[], Awaitable[None]]
Trouble = tuple[type[Exception], ...]
Metric = TypeVar("Metric", Counter, Gauge)
PoolGauges = tuple[Gauge, Gauge, Gauge, Gauge]

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Any other method a client sends is one label value, so no one can add series at will.
METHODS = COMMAND_METHODS | {"GET", "HEAD", "OPTIONS"}
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "unmatched"
TEXT_FORMAT = "text/plain; version=0.0.4"  # the text format every Prometheus reads

log = structlog.get_logger()


class ServiceMetrics:
    """A service's own registry of series; `commands` for the services that take commands."""

    def __init__(self, service: str, *, commands: bool = False) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "nastavnik_http_request_duration_seconds",
            "HTTP requests by route template, method and status, and how long they took",
            ["service", "method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.commands = (
            self.counter(
                "nastavnik_commands",
                "Commands by kind (the handler) and outcome: accepted, refused (4xx), failed (5xx)",
                ["command", "outcome"],
            )
            if commands
            else None
        )
        self.scrape_errors = self.counter(
            "nastavnik_metrics_refresh_errors", "Scrapes whose database figures could not be read"
        )
        self._refreshers: list[tuple[Refresh, Trouble]] = []

    @functools.cached_property
    def pools(self) -> PoolGauges:
        """Made on first use: every pool of the service is one `pool` label of them."""
        return (
            self.gauge("nastavnik_db_pool_in_use", "Database connections handed out", ["pool"]),
            self.gauge("nastavnik_db_pool_idle", "Database connections open and idle", ["pool"]),
            self.gauge("nastavnik_db_pool_max", "Most connections the pool may open", ["pool"]),
            self.gauge("nastavnik_db_pool_waiting", "Callers waiting for a connection", ["pool"]),
        )

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        return self._shown(
            Counter(name, documentation, ["service", *labels], registry=self.registry), labels
        )

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        return self._shown(
            Gauge(name, documentation, ["service", *labels], registry=self.registry), labels
        )

    def _shown(self, metric: Metric, labels: Sequence[str]) -> Metric:
        """A series with no label but the service is exposed from the start (a 0, not
        absent), so that an alert on it can fire before its first event."""
        if not labels:
            metric.labels(self.service)
        return metric

    def on_scrape(self, refresh: Refresh, trouble: Trouble) -> None:
        """`refresh` runs before each scrape; what it may meet (`trouble`: the database away)
        is counted, not raised."""
        self._refreshers.append((refresh, trouble))

    async def exposition(self) -> bytes:
        for refresh, trouble in self._refreshers:
            try:
                await refresh()
            except trouble as error:
                # the figures of the last good scrape stay; the service's own ones still go out
                self.scrape_errors.labels(self.service).inc()
                log.warning("metrics_refresh_failed", error_type=type(error).__name__)
        return generate_latest(self.registry)

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope.get("method", "")
        method = method if method in METHODS else "other"
        route = scope.get("path_template") or UNMATCHED
        self.requests.labels(self.service, method, route, str(status)).observe(seconds)
        handler = scope.get("route_handler")
        if self.commands is not None and method in COMMAND_METHODS and route != UNMATCHED:
            outcome = "accepted" if status < 400 else "refused" if status < 500 else "failed"
            self.commands.labels(self.service, handler.handler_name, outcome).inc()


def instrument(app: Litestar, metrics: ServiceMetrics) -> Litestar:
    """`/metrics` (no token: it holds no personal data) and the request wrapper around the whole
    app, so that 404s and 405s, answered before any route's middleware, get an id too."""

    @get("/metrics", include_in_schema=False, exclude_from_auth=True, media_type=MediaType.TEXT)
    async def metrics_route() -> Response[bytes]:
        return Response(await metrics.exposition(), media_type=TEXT_FORMAT)

    app.register(metrics_route)
    app.state.metrics = metrics
    app.asgi_handler = observed(app.asgi_handler, metrics)
    return app


def observed(app: ASGIApp, metrics: ServiceMetrics) -> ASGIApp:
    """Bind the request's id to every log line within it, answer it in `X-Request-ID`, log the
    request's outcome and count it."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await app(scope, receive, send_with_id)
            finally:
                seconds = time.perf_counter() - started
                metrics.observe(scope, status, seconds)
                log.info(
                    "request",
                    method=scope.get("method"),
                    path=scope.get("path"),
                    route=scope.get("path_template") or UNMATCHED,
                    status=status,
                    duration_ms=round(seconds * 1000, 1),
                )
                structlog.contextvars.unbind_contextvars("user", "scope", "role")

    return middleware
