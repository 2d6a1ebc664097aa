"""Every GraphQL error carries `extensions.code`: our own refusals bring theirs (`AppError`);
the parser's, the validator's and the limiters' get one here, so a client branches on the code
and never on an English message; a crash is masked and says only `internal_error`."""

from __future__ import annotations

from graphql import GraphQLError

from shared.adapters.http_errors import CRASH_MESSAGE
from shared.kernel.errors import AppError

# The limiters (strawberry's and graphql-core's) say what they refused only in their message.
LIMIT_CODES = (
    ("exceeds maximum operation depth", "query_too_deep"),
    ("aliases found. Allowed", "too_many_aliases"),
    ("tokens.", "query_too_large"),
    ("introspection has been disabled", "introspection_disabled"),
)


def coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, AppError):
        return error
    if is_crash(error) or (original is None and error.path):
        return _with_code(error, "internal_error", CRASH_MESSAGE)
    return _with_code(error, code_of(error.message), error.message)


def code_of(message: str) -> str:
    """A refusal of the query itself: too big, not GraphQL, or not valid against the schema
    (an unknown field, a missing argument, a variable of the wrong type)."""
    for sign, code in LIMIT_CODES:
        if sign in message:
            return code
    if message.startswith("Syntax Error"):
        return "query_syntax"
    return "query_invalid"


def is_crash(error: GraphQLError) -> bool:
    """An exception of ours other than a refusal (a variable's value the schema refuses comes
    as graphql-core's own error)."""
    original = error.original_error
    return original is not None and not isinstance(original, (AppError, GraphQLError))


def _with_code(error: GraphQLError, code: str, message: str) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code, "details": {}},
    )
