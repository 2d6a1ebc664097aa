"""The GraphQL schema published in the repository (`services/reporting/schema.graphql`) is the one
reporting serves: an integrator builds on the file (in production introspection is off)."""

from __future__ import annotations

from graphql import (
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from services.published import GRAPHQL_SCHEMA
from shared.kernel.principal import Role
from tests.conftest import World

# All that introspection can tell, so that nothing the file says goes unchecked.
INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    input_value_deprecation=True,
)


async def test_the_published_schema_is_the_served_one(world: World) -> None:
    answer = await world.api.graphql(world.token(Role.AUDITOR, "region"), INTROSPECTION)
    served = build_client_schema(answer["data"])
    published = build_schema(GRAPHQL_SCHEMA.read_text(encoding="utf-8"))
    assert print_schema(lexicographic_sort_schema(published)) == print_schema(
        lexicographic_sort_schema(served)
    ), "the schema changed: python -m services contract graphql > services/reporting/schema.graphql"
