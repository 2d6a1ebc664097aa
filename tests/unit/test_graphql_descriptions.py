"""Every type, field, argument and enum value of the GraphQL schema says what it is: an
integrator reads the schema file, not our code (graphql-schema-linter's `*-have-descriptions`)."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

from services.published import graphql_schema


def undescribed() -> Iterator[str]:
    """The coordinates (`Type`, `Type.field`, `Type.field(argument:)`, `Enum.VALUE`) of all
    that has no description, GraphQL's own types and scalars aside."""
    schema = build_schema(graphql_schema())
    for name, named in schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not named.description:
            yield name
        if isinstance(named, GraphQLEnumType):
            yield from (f"{name}.{v}" for v, value in named.values.items() if not value.description)
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for field_name, field in named.fields.items():
                if not field.description:
                    yield f"{name}.{field_name}"
                for argument, value in getattr(field, "args", {}).items():
                    if not value.description:
                        yield f"{name}.{field_name}({argument}:)"


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    assert sorted(undescribed()) == []
