"""GraphQL as an integrator's tools expect it (issue 24, point 4): every error carries
`extensions.code`, a page size outside 1–200 is refused, and pages are Relay pages."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from shared.kernel.principal import Role
from tests.conftest import World

PAGE = """query($first: Int!, $after: String) {
  organisations(first: $first, after: $after) {
    totalCount edges { cursor node { name } }
    pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }"""


async def _post(world: World, token: str, body: dict[str, Any]) -> dict[str, Any]:
    """One query as any client sends it, without waiting for projections."""
    response = await world.api.reporting.post("/graphql", json=body, headers=world.api.auth(token))
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("first", [0, -1, 201, 100_000])
async def test_a_page_size_outside_1_to_200_is_refused_not_bent(world: World, first: int) -> None:
    token = world.token(Role.AUDITOR, "region")

    answer = await _post(world, token, {"query": PAGE, "variables": {"first": first}})

    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "bad_page_size"
    assert error["extensions"]["details"] == {"field": "first"}
    assert "first" in error["message"]


async def test_the_edges_of_the_allowed_page_sizes_answer(world: World) -> None:
    token = world.token(Role.AUDITOR, "region")

    one = await world.api.graphql(token, PAGE, first=1)
    most = await world.api.graphql(token, PAGE, first=200)

    assert len(one["data"]["organisations"]["edges"]) == 1
    assert len(most["data"]["organisations"]["edges"]) == 7


async def test_pages_say_where_they_stand(world: World) -> None:
    token = world.token(Role.AUDITOR, "region")

    first = (await world.api.graphql(token, PAGE, first=3))["data"]["organisations"]
    after = first["pageInfo"]["endCursor"]
    second = (await world.api.graphql(token, PAGE, first=3, after=after))["data"]["organisations"]

    assert first["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": first["edges"][0]["cursor"],
        "endCursor": first["edges"][2]["cursor"],
    }
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["startCursor"] == second["edges"][0]["cursor"] != after
    names = [e["node"]["name"] for e in first["edges"] + second["edges"]]
    assert len(set(names)) == 6


async def test_a_list_paged_in_sql_says_where_it_stands(world: World) -> None:
    for name in ("Иванова Анна Петровна", "Петров Пётр Ильич", "Сидорова Ольга Ивановна"):
        await world.person("s1", name, "mentor")
    token = world.coordinator("s1")
    query = """query($after: String) { people(first: 2, after: $after) {
      edges { cursor } pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }"""

    first = (await world.api.graphql(token, query))["data"]["people"]
    rest = await world.api.graphql(token, query, after=first["pageInfo"]["endCursor"])
    last = rest["data"]["people"]

    assert (first["pageInfo"]["hasPreviousPage"], first["pageInfo"]["hasNextPage"]) == (False, True)
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert (last["pageInfo"]["hasPreviousPage"], last["pageInfo"]["hasNextPage"]) == (True, False)
    assert last["pageInfo"]["startCursor"] == last["pageInfo"]["endCursor"]


REFUSED = [
    ("{ me { role ", "query_syntax"),
    ("{ me { nickname } }", "query_invalid"),
    ("{ organisations(first: 1, colour: 1) { totalCount } }", "query_invalid"),
    ("{ " + " ".join(f"a{n}: me {{ role }}" for n in range(16)) + " }", "too_many_aliases"),
    ("{ me { " + " ".join(["role"] * 2100) + " } }", "query_too_large"),
    ('{ person(id: "not-an-id") { fullName } }', "bad_id"),
    ('{ pair(id: "00000000-0000-0000-0000-00000000000x") { id } }', "bad_id"),
    ('{ act(id: "00000000-0000-0000-0000-000000000000") { id } }', "act_not_found"),
    ('{ organisations(first: 1, after: "!!") { totalCount } }', "bad_cursor"),
]


@pytest.mark.parametrize(("query", "code"), REFUSED)
async def test_every_refusal_carries_a_code(world: World, query: str, code: str) -> None:
    answer = await _post(world, world.coordinator("s1"), {"query": query})

    [error, *_] = answer["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"] != "Unexpected error."


async def test_a_wrongly_typed_variable_and_a_forbidden_read_carry_codes(world: World) -> None:
    wrong = await _post(
        world, world.token(Role.AUDITOR, "region"), {"query": PAGE, "variables": {"first": "x"}}
    )
    mentor = world.participant(Role.MENTOR, "s1", str(uuid4()))
    forbidden = await _post(world, mentor, {"query": "{ me { role } }"})

    assert wrong["errors"][0]["extensions"]["code"] == "query_invalid"
    assert forbidden["errors"][0]["extensions"]["code"] == "participants_own_only"
