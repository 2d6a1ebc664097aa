"""GraphQL done well: a school's whole view costs a fixed number of SQL statements however many
pairs it has (DataLoaders, no N+1); depth, size and alias limits; no introspection and no
GraphiQL in production."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import asyncpg
import msgspec
from graphql import GraphQLObjectType, get_named_type
from litestar.testing import AsyncTestClient

from services.reporting.api import create_app as create_reporting
from services.reporting.graphql.schema import Limits, build_schema
from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from tests.conftest import Api, World

SCHOOL_VIEW = """query($school: ID!, $programme: ID!) {
  pairs(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { node {
    id form status isGroup
    mentor { fullName consents { kind valid } staffRoles { role } }
    mentees { fullName grade consents { signedBy valid } }
    plan { goals progress tasks { title dueOn overdue } }
    meetings { kind heldOn mentorRating menteeRating feedback { side rating comment } } } } }
  programmes { totalCount edges { node { title stage stageName meetingEveryDays } } }
  laggingPairs { totalCount edges { node { daysWithoutMeeting pair { id mentor { fullName } } } } }
  roadmap(schoolId: $school) { completion overdueCount items { activity overdue } }
  surveyResults(programmeId: $programme) { purpose responses questions { code mean } }
}"""


class Statements:
    """Every statement the reporting service's read pool sends to PostgreSQL, as asyncpg logs
    it on each connection: queries, transaction control, scope settings, pool resets."""

    def __init__(self, api: Api) -> None:
        self.client = api.reporting
        self.pool: asyncpg.Pool = api.reporting.app.state.pool
        self.sent: list[str] = []

    def _log(self, record: Any) -> None:
        self.sent.append(record.query)

    async def _each_connection(self, name: str) -> None:
        """Hold every connection the pool can give at once, so each one is reached."""
        held = [await self.pool.acquire() for _ in range(self.pool.get_max_size())]
        for connection in held:
            getattr(connection, name)(self._log)
        for connection in held:
            await self.pool.release(connection)

    @contextmanager
    def logging(self) -> Iterator[None]:
        # The service runs on the test client's own thread and loop: attach there.
        self.client.blocking_portal.call(self._each_connection, "add_query_logger")
        try:
            yield
        finally:
            self.client.blocking_portal.call(self._each_connection, "remove_query_logger")

    async def count(self, token: str, query: str, **variables: Any) -> dict[str, int]:
        """The statements one request sent, by kind."""
        self.sent.clear()
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        assert "errors" not in response.json(), response.json()
        await asyncio.sleep(0.2)  # each logger is called soon after its statement
        kinds = [_kind(statement) for statement in self.sent]
        counted = {kind: kinds.count(kind) for kind in KINDS}
        return counted | {"all": len(kinds) - counted.pop("type lookups")}


KINDS = ("queries", "scopes", "transactions", "pool resets", "type lookups")


def _kind(statement: str) -> str:
    head = statement.strip().upper()
    if "SET_CONFIG('APP.SCOPE'" in head:
        return "scopes"
    if head in ("BEGIN;", "COMMIT;", "ROLLBACK;"):
        return "transactions"
    if head.startswith("SELECT PG_ADVISORY_UNLOCK_ALL"):
        return "pool resets"
    if "TYPEINFO_TREE" in head or "'JIT'" in head:  # asyncpg learns a type once per connection
        return "type lookups"
    return "queries"


async def _pairs(world: World, programme: str, count: int, start: int) -> None:
    """Pairs with a plan of two tasks, two meetings with feedback and a later rating each."""
    coordinator = world.coordinator("s1")
    for n in range(start, start + count):
        mentor = await world.person("s1", f"Наставник Счётный {n}", "mentor")
        mentee = await world.person(
            "s1", f"Ученик Счётный {n}", "mentee", birth_date=date(2012, 1, 1 + n)
        )
        pair = await world.pair("s1", programme, mentor, mentee)
        await world.plan("s1", pair)
        await world.meeting("s1", pair)
        meeting = await world.meeting(
            "s1", pair, kind="trial", mentee_feedback=None, mentor_feedback={"rating": 8}
        )
        await world.api.command(
            "programs",
            f"/pairs/{pair}/meetings/{meeting['id']}/feedback",
            coordinator,
            {"author_id": mentee, "rating": 6},
        )


async def test_a_school_view_costs_the_same_statements_for_any_number_of_pairs(
    world: World,
) -> None:
    programme = await world.programme("s1")
    coordinator = world.coordinator("s1")
    await world.roadmap("s1")
    statements = Statements(world.api)
    variables = {"school": str(world.ids["s1"]), "programme": programme}

    await _pairs(world, programme, 2, 0)
    await world.api.caught_up(coordinator)
    with statements.logging():
        few = await statements.count(coordinator, SCHOOL_VIEW, **variables)
    await _pairs(world, programme, 6, 2)
    await world.api.caught_up(coordinator)
    with statements.logging():
        many = await statements.count(coordinator, SCHOOL_VIEW, **variables)
    answer = await world.api.graphql(coordinator, SCHOOL_VIEW, **variables)

    assert answer["data"]["pairs"]["totalCount"] == 8
    assert sum(len(e["node"]["meetings"]) for e in answer["data"]["pairs"]["edges"]) == 16
    assert few == many, statements.sent
    # pairs with their count; their people; consents; staff roles; plans; plan tasks;
    # meetings; feedback; programmes; lagging pairs (none: no people to read for them);
    # implementation and roadmap items; survey results
    assert many["queries"] == 13, [q for q in statements.sent if _kind(q) == "queries"]
    # each read is a transaction scoped to the caller, the pairs and their people one together;
    # a connection goes back to the pool with no statement to reset it
    assert many["scopes"] == many["transactions"] // 2 == 12
    assert many["pool resets"] == 0
    assert many["all"] == 49


# The deepest path the schema has: 7 fields, depth 6 as the limiter counts (from 0).
DEEPEST = "{ laggingPairs { edges { node { pair { meetings { feedback { side } } } } } } }"


def _depth(field_type: Any, seen: frozenset[str] = frozenset()) -> int:
    """How many fields deep a query can go below a field of this type."""
    named = get_named_type(field_type)
    if not isinstance(named, GraphQLObjectType) or named.name in seen:
        return 0
    inner = seen | {named.name}
    return max(1 + _depth(field.type, inner) for field in named.fields.values())


def test_every_view_fits_the_depth_limit() -> None:
    query = build_schema(production=False)._schema.query_type
    assert query is not None
    deepest = max(1 + _depth(f.type) for f in query.fields.values())

    assert deepest - 1 == 6 < Limits().depth


async def test_deeper_size_and_more_aliases_are_refused(world: World) -> None:
    token = world.coordinator("s1")
    aliases = "{ " + " ".join(f"a{n}: me {{ role }}" for n in range(16)) + " }"
    huge = "{ me { " + " ".join(["role"] * 2100) + " } }"

    within = await world.api.graphql(token, DEEPEST)
    too_deep = await build_schema(production=False, limits=Limits(depth=5)).execute(DEEPEST)
    many_aliases = await world.api.graphql(token, aliases)
    too_big = await world.api.graphql(token, huge)

    assert "errors" not in within
    assert too_deep.data is None
    assert too_deep.errors
    assert too_deep.errors[0].message == "'anonymous' exceeds maximum operation depth of 5"
    assert many_aliases["data"] is None
    assert many_aliases["errors"][0]["message"] == "16 aliases found. Allowed: 15"
    assert too_big["data"] is None
    assert "2000" in too_big["errors"][0]["message"]


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_production_turns_off_introspection_and_graphiql(settings: Settings) -> None:
    production = msgspec.structs.replace(
        settings, environment="production", jwt_secret="s" * 40, projection_worker=False
    )
    development = msgspec.structs.replace(settings, projection_worker=False)
    answers = {}
    for name, configured in (("production", production), ("development", development)):
        token = issue_token(configured, Role.REGION_OFFICER, "region", user="introspector")
        async with AsyncTestClient(create_reporting(configured)) as client:
            schema = await client.post(
                "/graphql",
                json={"query": INTROSPECTION},
                headers={"Authorization": f"Bearer {token}"},
            )
            ide = await client.get("/graphql", headers={"Accept": "text/html"})
            answers[name] = (schema.json(), ide.status_code, ide.text.lower())

    schema, status, page = answers["production"]
    assert schema["data"] is None
    assert "introspection" in schema["errors"][0]["message"].lower()
    assert status != 200 or "graphiql" not in page
    schema, status, page = answers["development"]
    assert schema["data"]["__schema"]["queryType"]["name"] == "Query"
    assert (status, "graphiql" in page) == (200, True)
