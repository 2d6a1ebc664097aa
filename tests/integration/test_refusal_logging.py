"""A GraphQL field refused for the caller's own reason (forbidden, not found, bad input, a query
the schema refuses) is one line at INFO, without a traceback; a crash stays an ERROR with its
traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from typing import Any
from uuid import uuid4

import pytest
import structlog
from graphql import GraphQLError
from structlog.testing import LogCapture

from services.reporting.graphql.schema import build_schema
from tests.conftest import World

STRAWBERRY = "strawberry.execution"


@pytest.fixture
def refusals() -> Iterator[list[MutableMapping[str, Any]]]:
    """The structured log lines at INFO and above, whatever the suite's log level."""
    saved = structlog.get_config()
    capture = LogCapture()
    structlog.configure(
        processors=[capture],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        cache_logger_on_first_use=False,
    )
    try:
        yield capture.entries
    finally:
        structlog.configure(**saved)


async def test_refused_fields_are_one_info_line_each(
    world: World, refusals: list[MutableMapping[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    coordinator = world.coordinator("s1")
    queries = {
        "role_not_allowed": f'{{ programmeHistory(programmeId: "{uuid4()}") {{ totalCount }} }}',
        "organisation_not_found": (
            f'{{ indicators(schoolYear: "2025/26", organisationId: "{uuid4()}") {{ schools }} }}'
        ),
        "bad_id": '{ indicators(schoolYear: "2025/26", organisationId: "нет") { schools } }',
        "query_invalid": "{ noSuchField }",
    }
    caplog.set_level(logging.DEBUG, logger=STRAWBERRY)
    answers = {}
    for code, query in queries.items():
        response = await world.api.reporting.post(
            "/graphql", json={"query": query}, headers=world.api.auth(coordinator)
        )
        answers[code] = response.json()["errors"][0]

    refused = [e for e in refusals if e["event"] == "graphql_refused"]
    assert [e["code"] for e in refused] == list(queries)
    assert {e["log_level"] for e in refused} == {"info"}
    assert not any("exc_info" in e or "exception" in e for e in refused)
    assert [r for r in caplog.records if r.name == STRAWBERRY] == []
    assert answers["role_not_allowed"]["extensions"]["code"] == "role_not_allowed"
    assert answers["bad_id"]["message"] == "Неверный идентификатор «нет»"
    assert [a["extensions"]["code"] for a in answers.values()] == list(queries)  # log = answer


def test_a_crash_is_still_an_error_with_its_traceback(
    refusals: list[MutableMapping[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise RuntimeError("a bug in a resolver")
    except RuntimeError as bug:
        crash = GraphQLError("a bug in a resolver", original_error=bug)

    build_schema(production=True).process_errors([crash])

    [record] = [r for r in caplog.records if r.name == STRAWBERRY]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert not any(e["event"] == "graphql_refused" for e in refusals)
