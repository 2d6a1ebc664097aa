"""Every GraphQL error leaves with a code; a crash leaves with nothing of its own."""

from __future__ import annotations

from graphql import GraphQLError

from services.reporting.graphql.errors import coded
from shared.adapters.http_errors import CRASH_MESSAGE
from shared.kernel.errors import NotFound


def test_a_crash_is_masked_and_coded() -> None:
    crash = GraphQLError("connection refused at 10.0.0.5", path=["pairs"], original_error=OSError())

    answer = coded(crash)

    assert (answer.message, answer.extensions) == (
        CRASH_MESSAGE,
        {"code": "internal_error", "details": {}},
    )
    assert answer.path == ["pairs"]


def test_a_refusal_of_ours_keeps_its_code_and_message() -> None:
    refusal = NotFound("act_not_found", "Акт не найден")
    error = GraphQLError(refusal.message, path=["act"], original_error=refusal)

    assert coded(error).extensions == {"code": "act_not_found", "details": {}}
    assert coded(error).message == "Акт не найден"


def test_the_query_refusals_are_told_apart() -> None:
    messages = {
        "Syntax Error: Expected Name, found <EOF>.": "query_syntax",
        "Syntax Error: Document contains more than 2000 tokens.": "query_too_large",
        "'anonymous' exceeds maximum operation depth of 8": "query_too_deep",
        "16 aliases found. Allowed: 15": "too_many_aliases",
        "Cannot query field 'nick' on type 'Caller'.": "query_invalid",
    }

    codes = {m: coded(GraphQLError(m)).extensions["code"] for m in messages}  # type: ignore[index]

    assert codes == messages
