"""The OpenAPI document of a service, complete for an integrator's generated client: the bearer
scheme on every operation but the public ones; a short, stable operation id, a summary and a
description for each, from its handler's name and docstring; every refusal with the one error
body (`http.document_errors`); downloads typed as binary files of their media type; each schema
titled by its own component name; a request body's example made of its fields' examples."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from litestar import Litestar
from litestar.enums import ParamType
from litestar.handlers import HTTPRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIFormat,
    OpenAPIType,
    Parameter,
    Reference,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.types import Method
from litestar.types.internal_types import PathParameterDefinition

from shared.adapters.http_commands import ETAG, IDEMPOTENCY_KEY

BEARER = "bearer"
# The parameters whose names are not `<thing>_id`, as every route that takes them means them.
PARAMETERS = {
    "school_year": "A school year, «2025/26»",
    "on": "The day the figures are measured on (YYYY-MM-DD, within the school year); when"
    " absent, today or the school year's last day once it is over",
    "base": "Which base of the school: `mentees` or `mentors`",
    "name": "The list: the name of its GraphQL query field",
    "role": "The staff role",
}
# OpenAPI's empty requirement: anyone may call the operation (health, the documents themselves).
PUBLIC: list[dict[str, list[str]]] = [{}]
JSON = "application/json"


def openapi_config(title: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title=f"Nastavnik {title}",
        version="0.1.0",
        description=(
            f"The {title} service of Nastavnik, the regional platform for the target model of"
            " mentoring (целевая модель наставничества). Every refusal answers the one error"
            " body, `ErrorBody`: a machine-readable `code`, a Russian `message` and `details`."
        ),
        components=Components(
            security_schemes={
                BEARER: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="JWT",
                    description="A token for a role and a scope (the caller's tenant path).",
                )
            }
        ),
        security=[{BEARER: []}],
        operation_id_creator=operation_id,
    )


def operation_id(
    handler: HTTPRouteHandler, method: Method, path: list[str | PathParameterDefinition]
) -> str:
    """`registerPerson` for the handler `register_person`: its name is the operation's."""
    first, *rest = handler.handler_name.split("_")
    return first + "".join(word.title() for word in rest)


def describe_operations(app: Litestar) -> None:
    """Each operation's summary is its handler's docstring's first paragraph, its description the
    whole docstring; a public route says it needs no token."""
    for handler in http_handlers(app):
        doc = inspect.getdoc(original(handler.fn))
        if doc and handler.summary is None:
            handler.summary = " ".join(doc.partition("\n\n")[0].split())
            handler.description = doc
        if handler.opt.get("exclude_from_auth", False):
            handler.security = PUBLIC


def http_handlers(app: Litestar) -> Iterator[HTTPRouteHandler]:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if isinstance(handler, HTTPRouteHandler):
                yield handler


def original(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The handler as written: a synchronous one runs wrapped for the thread pool."""
    wrapped: Callable[..., Any] = getattr(fn, "func", fn)
    return wrapped


def describe_parameters(document: OpenAPI) -> None:
    """`programme_id` is «The programme's id»; the other names as `PARAMETERS` says."""
    for item in (document.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method)
            for parameter in (operation.parameters or []) if operation else ():
                if isinstance(parameter, Parameter) and not parameter.description:
                    thing = parameter.name.removesuffix("_id").replace("_", " ")
                    parameter.description = PARAMETERS.get(parameter.name, f"The {thing}'s id")


def binary_downloads(document: OpenAPI) -> None:
    """A file answered (XLSX, DOCX) is a binary string of its media type, not a JSON string."""
    for item in (document.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method)
            for status, response in (operation.responses or {}).items() if operation else ():
                for media_type, content in (getattr(response, "content", None) or {}).items():
                    schema = content.schema
                    if status.startswith("2") and media_type != JSON and isinstance(schema, Schema):
                        schema.format = OpenAPIFormat.BINARY


def title_schemas_by_name(document: OpenAPI) -> None:
    """Each component schema's title is its name: two models of one class name in different
    modules (`campaigns_AnswerIn`, `monitoring_AnswerIn`) keep their names apart, where their
    titles would both say `AnswerIn` and a generated client, naming models by title, would
    drop one of them and every operation that takes it."""
    for name, schema in ((document.components and document.components.schemas) or {}).items():
        if isinstance(schema, Schema):
            schema.title = name


def request_examples(document: OpenAPI) -> None:
    """A JSON request body whose model gives an example for every field it requires gets an
    example made of its fields' examples (`msgspec.Meta(examples=…)` beside each field's
    description), so the example and the fields' documentation cannot drift apart."""
    schemas = (document.components and document.components.schemas) or {}
    for item in (document.paths or {}).values():
        for method in ("post", "put", "patch", "delete"):
            operation = getattr(item, method)
            body = operation.request_body if operation else None
            media = body.content.get(JSON) if isinstance(body, RequestBody) else None
            schema = media.schema if media else None
            if not isinstance(schema, Reference) or media is None or media.example is not None:
                continue
            model = schemas.get(schema.ref.rsplit("/", 1)[-1])
            if isinstance(model, Schema):
                media.example = example_of(model)


def example_of(model: Schema) -> dict[str, Any] | None:
    """The fields' first examples, if every required field has one."""
    example = {
        name: field.examples[0]
        for name, field in (model.properties or {}).items()
        if isinstance(field, Schema) and field.examples
    }
    return example if example and set(model.required or ()) <= set(example) else None


# The headers every command of a command service reads (`http_commands.CommandMiddleware`).
COMMAND_HEADERS = {
    "Idempotency-Key": (
        "Makes a retry safe: the same key with the same request within 48 hours answers the"
        " first answer and stores nothing again (1–200 visible ASCII characters; a UUID is a"
        " good key)",
        IDEMPOTENCY_KEY.pattern,
    ),
    "If-Match": (
        "Stores only if the aggregate the path names is still at this version (its `ETag`,"
        ' e.g. `"3"`); otherwise 412 `version_mismatch`',
        rf"^\*$|{ETAG.pattern}",  # `*`: whatever the version
    ),
}


def document_command_headers(document: OpenAPI) -> None:
    """Every command states the optional headers it reads, so a generated client offers them
    as arguments of its own."""
    for item in (document.paths or {}).values():
        for method in ("post", "put", "patch", "delete"):
            operation = getattr(item, method)
            if operation is None:
                continue
            operation.parameters = [
                *(operation.parameters or []),
                *(
                    Parameter(
                        name=name,
                        param_in=ParamType.HEADER,
                        required=False,
                        schema=Schema(type=OpenAPIType.STRING, pattern=pattern),
                        description=description,
                    )
                    for name, (description, pattern) in COMMAND_HEADERS.items()
                ),
            ]
