"""Fuzzers that keep the probes of issue 16 in the suite: schemathesis over the registry's and
programs' OpenAPI as a school coordinator (any 5xx, or a status or an error body the document does
not declare, fails), and hypothesis-graphql over reporting's schema as a school coordinator and as
a region officer (any 5xx, a slow answer, or internals in an error fail). Examples are bounded and
derandomized, so a run is repeatable and within the suite's time budget."""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import anyio
import anyio.from_thread
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from services.reporting.graphql.schema import build_schema
from shared.adapters.http_errors import CRASH_MESSAGE
from shared.kernel.principal import Role
from tests.conftest import Api, World

REST_EXAMPLES = 250  # drawn over all of a service's operations
GRAPHQL_EXAMPLES = 150  # per role
GRAPHQL_SECONDS = 5.0  # an answer slower than this is a failure
CAUGHT_UP_WAIT = 30.0  # beside what a query may ask `caughtUp` to wait for (its cap)
# What no error shown to a caller may carry: a traceback, SQL, a driver's name, a masked crash.
INTERNALS = re.compile(
    r"Traceback|File \"|\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b|asyncpg|psycopg"
    rf"|{CRASH_MESSAGE}|Internal Server Error",
    re.IGNORECASE,
)
SCALARS = {
    "Date": st.dates().map(lambda day: nodes.String(day.isoformat())),
    "DateTime": st.datetimes().map(lambda moment: nodes.String(moment.isoformat() + "Z")),
    "JSON": st.just(nodes.String("{}")),
}

Send = Callable[[dict[str, Any]], httpx.Response]


def bounded(examples: int) -> settings:
    """A fixed number of examples drawn the same way every run (no shrinking, no example
    database), each answer as slow as it is."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def fuzz_rest(document: dict[str, Any], send: Send, school_id: str, examples: int) -> Counter[int]:
    """Draw `examples` requests over every operation and check each answer against the document.
    A `school_id` in the path is the caller's own school half the time: random ids stop at 404."""
    schema = schemathesis.openapi.from_dict(document)
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    statuses: Counter[int] = Counter()

    @bounded(examples)
    @given(case=schema.as_strategy(), own_school=st.booleans())
    def probe(case: Any, own_school: bool) -> None:
        if own_school and "school_id" in (case.path_parameters or {}):
            case.path_parameters["school_id"] = school_id
        request = case.as_transport_kwargs(base_url="")
        response = send(request)
        statuses[response.status_code] += 1
        case.validate_response(response, checks=checks)

    probe()
    return statuses


def report(what: str, statuses: Counter[int], started: float) -> None:
    seconds = time.monotonic() - started
    print(f"\n{what}: {sum(statuses.values())} requests in {seconds:.1f} s, {dict(statuses)}")


def file_part(part: tuple[str, Any]) -> tuple[str, Any]:
    """A file part as httpx sends it: the fuzzer may draw a number where the schema says a file,
    and the service must refuse it, so it goes out as its text rather than crash the client."""
    name, value = part
    if isinstance(value, tuple):
        return name, (value[0], on_the_wire(value[1]), *value[2:])
    return name, on_the_wire(value)


def on_the_wire(content: Any) -> Any:
    if isinstance(content, (bytes, str)) or hasattr(content, "read"):
        return content
    return str(content)


def sender(client: Any, token: str) -> Send:
    """Send a drawn request through an in-process client from the fuzzer's worker thread."""

    def send(request: dict[str, Any]) -> httpx.Response:
        method, url = request.pop("method"), request.pop("url")
        headers = {**request.pop("headers", {}), **Api.auth(token)}
        request.pop("cookies", None)
        if request.get("files"):
            request["files"] = [file_part(part) for part in request["files"]]
        if "data" in request and not isinstance(request["data"], dict):
            data = request.pop("data")  # a drawn body of no form's shape: sent as its text
            request["content"] = data if isinstance(data, bytes | str) else str(data)
        response: httpx.Response = anyio.from_thread.run(
            lambda: client.request(method, url, headers=headers, **request)
        )
        response.request.read()  # a multipart body streams; the checks read it again
        return response

    return send


@pytest.mark.parametrize("service", ["registry", "programs"])
async def test_rest_fuzz_as_a_school_coordinator(world: World, service: str) -> None:
    client = world.api.registry if service == "registry" else world.api.programs
    document = (await client.get("/schema/openapi.json")).json()
    started = time.monotonic()
    statuses = await anyio.to_thread.run_sync(
        fuzz_rest,
        document,
        sender(client, world.coordinator("s1")),
        str(world.ids["s1"]),
        REST_EXAMPLES,
    )
    report(service, statuses, started)


def fuzz_graphql(send: Send, examples: int) -> Counter[int]:
    """Draw `examples` queries over reporting's whole schema; check each answer."""
    statuses: Counter[int] = Counter()

    @bounded(examples)
    @given(query=queries(str(build_schema(production=False)), custom_scalars=SCALARS))
    def probe(query: str) -> None:
        started = time.monotonic()
        response = send({"method": "POST", "url": "/graphql", "json": {"query": query}})
        elapsed = time.monotonic() - started
        statuses[response.status_code] += 1
        assert response.status_code < 500, (query, response.text)
        asked = CAUGHT_UP_WAIT if "caughtUp" in query else 0
        assert elapsed < GRAPHQL_SECONDS + asked, (query, f"{elapsed:.1f} s")
        for error in response.json().get("errors") or []:
            assert not INTERNALS.search(str(error)), (query, error)

    probe()
    return statuses


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.SCHOOL_COORDINATOR, "s1"), (Role.REGION_OFFICER, "region")],
    ids=["school_coordinator", "region_officer"],
)
async def test_graphql_fuzz(world: World, role: Role, scope: str) -> None:
    await world.person("s1", "Петров Пётр Петрович", "mentor")
    await world.person("s1", "Иванова Анна Сергеевна", "mentee", birth_date=date(2012, 5, 1))
    await world.programme("s1")
    started = time.monotonic()
    send = sender(world.api.reporting, world.token(role, scope))
    statuses = await anyio.to_thread.run_sync(fuzz_graphql, send, GRAPHQL_EXAMPLES)
    report(f"graphql as {role}", statuses, started)
