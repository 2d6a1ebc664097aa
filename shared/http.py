"""What every service's Litestar app has: errors, logs, bearer auth, `/health`, OpenAPI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

from litestar import Litestar, get
from litestar.openapi import OpenAPIConfig
from litestar.response import Response
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap, Middleware

from shared.auth import bearer_middleware
from shared.database import DATABASE_OUTAGES, database_outage_handler, database_unavailable
from shared.errors import EXCEPTION_HANDLERS
from shared.logging import request_logging_middleware
from shared.settings import Settings

PUBLIC_PATHS = ["^/health$", "^/schema"]

HealthCheck = Callable[[], Awaitable[bool]]


def health_route(check: HealthCheck) -> ControllerRouterHandler:
    @get("/health", exclude_from_auth=True)
    async def health() -> Response[dict[str, Any]]:
        if await check():
            return Response({"status": "ok"})
        return database_unavailable()

    return health


def create_service_app(
    *,
    title: str,
    settings: Settings,
    route_handlers: Sequence[ControllerRouterHandler],
    health_check: HealthCheck,
    lifespan: Sequence[Any] = (),
    public_paths: Sequence[str] = (),
    extra_middleware: Sequence[Middleware] = (),
) -> Litestar:
    return Litestar(
        route_handlers=[health_route(health_check), *route_handlers],
        middleware=[
            request_logging_middleware,
            bearer_middleware(settings, [*PUBLIC_PATHS, *public_paths]),
            *extra_middleware,
        ],
        exception_handlers=cast(
            "ExceptionHandlersMap",
            {**EXCEPTION_HANDLERS, **dict.fromkeys(DATABASE_OUTAGES, database_outage_handler)},
        ),
        lifespan=list(lifespan),
        openapi_config=OpenAPIConfig(title=f"Nastavnik {title}", version="0.1.0"),
        debug=False,
    )
