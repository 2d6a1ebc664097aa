"""What every service's Litestar app has: errors, logs, bearer auth, `/health`, `/metrics`,
OpenAPI (`shared/adapters/openapi.py`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any, cast

import msgspec
from litestar import HttpMethod, Litestar, get
from litestar.config.cors import CORSConfig
from litestar.openapi import ResponseSpec
from litestar.response import Response
from litestar.types import ControllerRouterHandler, ExceptionHandlersMap, Middleware

from shared.adapters.auth import bearer_middleware
from shared.adapters.conventions import conventional
from shared.adapters.database import (
    DATABASE_OUTAGES,
    database_outage_handler,
    database_unavailable,
)
from shared.adapters.http_commands import CommandMiddleware
from shared.adapters.http_errors import EXCEPTION_HANDLERS
from shared.adapters.metrics import ServiceMetrics, instrument
from shared.adapters.openapi import (
    binary_downloads,
    describe_operations,
    describe_parameters,
    document_command_headers,
    http_handlers,
    openapi_config,
    request_examples,
    title_schemas_by_name,
)
from shared.adapters.settings import Settings
from shared.adapters.startup import freeze_startup_heap

PUBLIC_PATHS = ["^/health$", "^/metrics$", "^/schema"]

HealthCheck = Callable[[], Awaitable[bool]]


class ErrorBody(msgspec.Struct):
    """What every refusal answers: a code for programs, a message for people, details."""

    code: Annotated[
        str, msgspec.Meta(description="Machine-readable and stable, e.g. `invalid_payload`")
    ]
    message: Annotated[str, msgspec.Meta(description="For people, in Russian; names the field")]
    details: Annotated[
        dict[str, Any],
        msgspec.Meta(
            description="The refusal's facts: for bad input `problems`, each a `field` and"
            " its `problem`"
        ),
    ]


# The refusals each route may answer: any request can be malformed, unauthenticated, outside the
# caller's rights or scope, name something missing, or meet the database down; a command can
# also clash with another (409), be too large (413) or break a rule of the domain (422).
ERRORS = {
    400: "Malformed request: a parameter or a field of the body is invalid",
    401: "No valid bearer token",
    403: "The caller's role or scope does not allow this",
    404: "Not found within the caller's scope",
    409: "Clashes with the current state: a duplicate (details.id names the first) or a"
    " concurrent change",
    412: "If-Match names a version the aggregate has left; nothing was stored",
    413: "The request body is too large",
    415: "The body is in another format than the route reads (Content-Type)",
    422: "A rule of the domain refuses the command, or its Idempotency-Key was used for another"
    " request",
    429: "Too many requests from this token or address; retry after the seconds in Retry-After",
    503: "The database is unavailable; retry after the seconds in Retry-After",
}
READ_ERRORS = (400, 401, 403, 404, 429, 503)
COMMAND_ERRORS = (*READ_ERRORS, 409, 412, 413, 415, 422)


def document_errors(app: Litestar) -> None:
    """Give every route's OpenAPI operation the refusals it may answer, each with `ErrorBody`."""
    for handler in http_handlers(app):
        public = handler.opt.get("exclude_from_auth", False)
        statuses: tuple[int, ...] = (429, 503) if public else READ_ERRORS
        if not public and handler.http_methods - {HttpMethod.GET, HttpMethod.HEAD}:
            statuses = COMMAND_ERRORS
        handler.responses = {
            status: ResponseSpec(ErrorBody, description=ERRORS[status], generate_examples=False)
            for status in statuses
        } | dict(handler.responses or {})


def health_route(check: HealthCheck) -> ControllerRouterHandler:
    @get("/health", exclude_from_auth=True)
    async def health() -> Response[dict[str, Any]]:
        """Whether the service can reach its database (503 while it cannot).

        For load balancers and monitoring: needs no token."""
        if await check():
            return Response({"status": "ok"})
        return database_unavailable()

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
        exception_handlers=cast(
            "ExceptionHandlersMap",
            {**EXCEPTION_HANDLERS, **dict.fromkeys(DATABASE_OUTAGES, database_outage_handler)},
        ),
        lifespan=list(lifespan),
        on_startup=[freeze_startup_heap],
        openapi_config=openapi_config(title),
        cors_config=cors_of(settings),
        debug=False,
    )
    document_errors(app)
    describe_operations(app)
    app.asgi_handler = conventional(app.asgi_handler, settings)
    app = instrument(app, metrics)
    # Made once, here: a route that cannot be documented fails the start, not the first reader.
    binary_downloads(app.openapi_schema)
    describe_parameters(app.openapi_schema)
    title_schemas_by_name(app.openapi_schema)
    request_examples(app.openapi_schema)
    if CommandMiddleware in extra_middleware:
        document_command_headers(app.openapi_schema)
    return app


def cors_of(settings: Settings) -> CORSConfig | None:
    """Browsers of the configured origins may call the API (none by default); they may send
    the headers of a command and read those of its answer."""
    origins = settings.cors_origin_list
    if not origins:
        return None
    return CORSConfig(
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Idempotency-Key",
            "If-Match",
            "X-Request-ID",
            "API-Version",
        ],
        expose_headers=[
            "ETag",
            "Location",
            "Retry-After",
            "X-Request-ID",
            "Idempotent-Replayed",
            "Content-Disposition",
            "API-Version",
        ],
        max_age=600,
    )
