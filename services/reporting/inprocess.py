"""GraphQL asked in process, as the caller: exports and documents read what a client would read,
through the same resolvers, row-level security and errors."""

from __future__ import annotations

from typing import Any

from shared.kernel.errors import AppError, InvalidInput

from .graphql.context import Context, Reader
from .graphql.schema import build_schema

SCHEMA = build_schema(production=False)


async def ask(reader: Reader, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Run a query as the caller; our own refusals keep their code and status."""
    result = await SCHEMA.execute(
        query, variable_values=variables, context_value=Context(reader=reader)
    )
    if result.errors:
        original = result.errors[0].original_error
        if isinstance(original, AppError):
            raise original
        raise InvalidInput(
            "bad_export_request", f"Неверный запрос выгрузки: {result.errors[0].message}"
        )
    assert result.data is not None
    return result.data
