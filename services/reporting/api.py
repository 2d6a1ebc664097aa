"""Reporting over HTTP: GraphQL at `/graphql`, and the projection worker beside it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from strawberry.litestar import make_graphql_controller

from services.wiring import master_keys_of, role_address
from shared.adapters.auth import VerifiedTokens
from shared.adapters.database import PROJECTOR_ROLE, READER_ROLE, create_pool, database_reachable
from shared.adapters.http import create_service_app
from shared.adapters.logging import bind_caller, configure_logging
from shared.adapters.metrics import ServiceMetrics
from shared.adapters.settings import Settings, get_settings

from .act_documents import download_act
from .campaign_reports import download_campaign_answers, download_campaign_report
from .documents import download_order_draft, download_pairs_order
from .exports import export_base, export_indicators
from .graphql import Context, Reader, build_schema
from .list_exports import export_list
from .metrics import watch_reporting
from .reports import (
    download_municipality_summary,
    download_region_summary,
    download_school_report,
)
from .runner import ProjectionWorker


@dataclass
class GraphQLQuery(Operation):
    """Strawberry's route reads its body itself, so its OpenAPI states it."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                "application/json": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        properties={
                            "query": Schema(
                                type=OpenAPIType.STRING,
                                description="The query, in the schema of services/reporting/"
                                "schema.graphql",
                            ),
                            "variables": Schema(
                                type=OpenAPIType.OBJECT, description="The query's variables"
                            ),
                            "operationName": Schema(
                                type=OpenAPIType.STRING,
                                description="Which operation of the query to run",
                            ),
                        },
                        required=["query"],
                    ),
                    example={
                        "query": "query($first: Int!) { organisations(first: $first) {"
                        " totalCount edges { node { name } } } }",
                        "variables": {"first": 10},
                    },
                )
            },
        )


def describe_graphql(controller: Any) -> None:
    """Strawberry's handlers named and described as the service's own are."""
    query, by_get = controller.handle_http_post, controller.handle_http_get
    query.operation_id, query.operation_class = "query", GraphQLQuery
    query.summary = "Run a GraphQL query over the read models, within the caller's scope."
    query.description = (
        "Answers `{data, errors}`; each error carries `extensions.code`. The schema is published"
        " as services/reporting/schema.graphql."
    )
    by_get.operation_id = "queryByGet"
    by_get.summary = "Run a GraphQL query given in the URL (`query`, `variables`)."
    by_get.description = "Outside production, a browser asking for HTML gets GraphiQL."


# GraphQL over HTTP's answer: each member present only when it has something to say.
GRAPHQL_ANSWER = {
    "data": "The query's result; absent when the request could not be run at all",
    "errors": "The errors, each with `message`, `path` and `extensions.code`; absent without any",
    "extensions": "Whatever the server adds beside the result; absent without anything",
}


def describe_graphql_answer(app: Litestar) -> None:
    """Strawberry's `GraphQLResource` says all three members are required, so a generated
    client rejects every answer without errors and falls back to an untyped one: none is."""
    components = app.openapi_schema.components
    answer = (components.schemas or {}).get("GraphQLResource") if components else None
    if not isinstance(answer, Schema):
        return
    answer.required = None
    answer.description = "A GraphQL answer (`data`, `errors`, `extensions`)."
    for name, member in (answer.properties or {}).items():
        if isinstance(member, Schema):
            member.description = GRAPHQL_ANSWER[name]


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    configure_logging("reporting", settings.log_level)
    state: dict[str, Any] = {}
    tokens = VerifiedTokens(settings)
    metrics = ServiceMetrics("reporting")
    watch_reporting(metrics, lambda: state.get("pool"))

    async def context_getter(request: Request[Any, Any, Any]) -> Context:
        header = request.headers.get("authorization")
        wants_ide = request.method == "GET" and "text/html" in request.headers.get("accept", "")
        principal = None
        if header or not wants_ide:
            principal = tokens.from_header(header)
            bind_caller(principal.user, principal.scope.path, principal.role)
        return Context(reader=Reader(principal, state["pool"]))

    controller: Any = make_graphql_controller(
        build_schema(settings.is_production),
        path="/graphql",
        context_getter=context_getter,
        graphql_ide=None if settings.is_production else "graphiql",
    )

    describe_graphql(controller)

    class GraphQLController(controller):  # type: ignore[misc]
        def encode_json(self, data: object) -> bytes:
            # msgspec: several times faster than `json` on large answers, and it splices the
            # JSON that PostgreSQL built (`msgspec.Raw`) into the answer as it is.
            return msgspec.json.encode(data)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.pool = state["pool"] = await create_pool(
            role_address(settings, READER_ROLE), max_size=settings.db_pool_size
        )
        stop = asyncio.Event()
        worker_task = None
        if settings.projection_worker:
            worker = ProjectionWorker(
                role_address(settings, PROJECTOR_ROLE),
                master_keys_of(settings),
                settings.projection_batch_size,
            )
            await worker.verify_master_key()
            worker_task = asyncio.create_task(worker.run(stop))
        try:
            yield
        finally:
            stop.set()
            if worker_task is not None:
                await worker_task
            await state["pool"].close()

    async def healthy() -> bool:
        return "pool" in state and await database_reachable(state["pool"])

    app = create_service_app(
        title="reporting",
        settings=settings,
        metrics=metrics,
        route_handlers=[
            GraphQLController,
            export_base,
            export_indicators,
            export_list,
            download_pairs_order,
            download_order_draft,
            download_act,
            download_school_report,
            download_municipality_summary,
            download_region_summary,
            download_campaign_report,
            download_campaign_answers,
        ],
        health_check=healthy,
        lifespan=[lifespan],
        public_paths=["^/graphql"],
    )
    describe_graphql_answer(app)
    return app
