"""The GraphQL schema changes compatibly: what a client of the last release asks still works.
`tests/fixtures/released.graphql` is the schema of the last release; a breaking change
(graphql-core's `find_breaking_changes`) fails here unless it is declared in `DECLARED` (and
the release that makes it says so). At a release the file is replaced by the new
`services/reporting/schema.graphql` and `DECLARED` emptied."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLSchema, build_schema, find_breaking_changes

from services.published import graphql_schema

RELEASED = Path(__file__).parents[1] / "fixtures" / "released.graphql"

# Breaking changes this release makes on purpose, as graphql-core words them:
# (type, description), e.g. ("FIELD_REMOVED", "Field PageInfo.endCursor was removed.").
DECLARED: set[tuple[str, str]] = set()


def breaking(released: GraphQLSchema, served: GraphQLSchema) -> set[tuple[str, str]]:
    return {(c.type.name, c.description) for c in find_breaking_changes(released, served)}


def test_the_served_schema_breaks_nothing_undeclared_since_the_release() -> None:
    released = build_schema(RELEASED.read_text(encoding="utf-8"))
    served = build_schema(graphql_schema())

    found = breaking(released, served)

    assert found - DECLARED == set(), "a breaking change: declare it in DECLARED or undo it"
    assert DECLARED - found == set(), "declared but no longer made: remove it from DECLARED"


def test_a_removed_field_and_a_newly_required_argument_are_breaking() -> None:
    released = build_schema("type Query { pairs(first: Int): [String] status: String }")
    served = build_schema("type Query { pairs(first: Int!): [String] }")

    assert breaking(released, served) == {
        ("FIELD_REMOVED", "Field Query.status was removed."),
        ("ARG_CHANGED_KIND", "Argument Query.pairs(first:) has changed type from Int to Int!."),
    }
