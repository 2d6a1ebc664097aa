"""What every service's Litestar app has: errors, logs, bearer auth, `/health`, `/metrics`,
OpenAPI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from litestar import Litestar, get
from litestar.openapi import OpenAPIConfig
from litestar.response import Response
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap, Middleware

from shared.adapters.auth import bearer_middleware
from shared.adapters.http_errors import EXCEPTION_HANDLERS, error_body
from shared.adapters.metrics import ServiceMetrics, instrument
from shared.adapters.settings import Settings

PUBLIC_PATHS = ["^/health$", "^/metrics$", "^/schema"]

HealthCheck = Callable[[], Awaitable[bool]]


def health_route(check: HealthCheck) -> ControllerRouterHandler:
    @get("/health", exclude_from_auth=True)
    async def health() -> Response[dict[str, Any]]:
        if await check():
            return Response({"status": "ok"})
        return Response(
            error_body("database_unreachable", "База данных недоступна"), status_code=503
        )

    return health


def create_service_app(
    *,
    title: str,
    settings: Settings,
    metrics: ServiceMetrics,
    route_handlers: Sequence[ControllerRouterHandler],
    health_check: HealthCheck,
    lifespan: Sequence[Any] = (),
    public_paths: Sequence[str] = (),
    extra_middleware: Sequence[Middleware] = (),
) -> Litestar:
    app = Litestar(
        route_handlers=[health_route(health_check), *route_handlers],
        middleware=[
            bearer_middleware(settings, [*PUBLIC_PATHS, *public_paths]),
            *extra_middleware,
        ],
        exception_handlers=cast("ExceptionHandlersMap", EXCEPTION_HANDLERS),
        lifespan=list(lifespan),
        openapi_config=OpenAPIConfig(title=f"Nastavnik {title}", version="0.1.0"),
        debug=False,
    )
    return instrument(app, metrics)
