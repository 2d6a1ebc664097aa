"""What the services publish for integrators, made from the code as the services serve it: each
HTTP service's OpenAPI document and reporting's GraphQL schema (`services/reporting/schema.graphql`,
which a test holds equal to the served one). Made without a database: the apps are built, not
started."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from shared.adapters.settings import Settings

HttpService = Literal["registry", "programs", "reporting"]
HTTP_SERVICES: tuple[HttpService, ...] = ("registry", "programs", "reporting")
GRAPHQL_SCHEMA = Path(__file__).parent / "reporting" / "schema.graphql"
# The apps read a database address when they are built; nothing connects until they start.
UNSTARTED = Settings(database_url="postgresql://unstarted@localhost/unstarted")


def openapi(service: HttpService) -> dict[str, Any]:
    """The service's OpenAPI document, as `/schema/openapi.json` serves it."""
    if service == "registry":
        from services.registry.api import create_app
    elif service == "programs":
        from services.programs.api import create_app
    else:
        from services.reporting.api import create_app
    document: dict[str, Any] = create_app(UNSTARTED).openapi_schema.to_schema()
    return document


def graphql_schema() -> str:
    """Reporting's GraphQL schema in SDL, as introspection outside production answers it."""
    from services.reporting.graphql import build_schema

    return build_schema(production=False).as_str()
