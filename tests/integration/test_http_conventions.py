"""The HTTP conventions of the four services, as an integrator's client meets them."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from services.programs.api import create_app as create_programs
from services.reporting.api import create_app as create_reporting
from services.web.api import create_app as create_web
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World


async def test_refusals_before_any_route_carry_the_conventional_headers(world: World) -> None:
    registry = world.api.registry
    token = world.coordinator("s1")

    missing = await registry.post("/people", json={})
    invalid = await registry.post("/people", json={}, headers=world.api.auth(token + "x"))
    wrong_method = await registry.get("/people", headers=world.api.auth(token))
    unknown = await registry.get("/nothing-here", headers=world.api.auth(token))
    odd_id = await registry.get("/nothing-here", headers={"X-Request-ID": 'a b"c'})
    kept_id = await registry.get("/health", headers={"X-Request-ID": "trace-42.a_b"})

    assert missing.status_code == invalid.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="nastavnik"'
    assert invalid.headers["www-authenticate"] == (
        'Bearer realm="nastavnik", error="invalid_token"'
    )
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["allow"]
    assert wrong_method.json()["code"] == "method_not_allowed"
    assert unknown.status_code == 404
    for answer in (missing, invalid, wrong_method, unknown, odd_id):
        assert answer.headers["x-request-id"]
        assert answer.headers["cache-control"] == "no-store"
    assert odd_id.headers["x-request-id"] != 'a b"c'
    assert kept_id.headers["x-request-id"] == "trace-42.a_b"
    assert "cache-control" not in kept_id.headers


async def test_a_creation_answers_201_with_location_and_etag_and_no_store(world: World) -> None:
    created = await world.api.programs.post(
        "/programmes",
        json={
            "school_id": str(world.ids["s1"]),
            "school_year": "2025/26",
            "title": "Программа",
            "forms": ["teacher_student"],
        },
        headers=world.api.auth(world.coordinator("s1")),
    )

    assert created.status_code == 201
    assert created.headers["location"] == f"/programmes/{created.json()['id']}"
    assert created.headers["etag"] == '"1"'
    assert created.headers["cache-control"] == "no-store"


async def test_a_body_in_another_format_is_415_and_stores_nothing(
    world: World, events: EventCounter
) -> None:
    before = await events()
    body = {"school_id": str(world.ids["s1"]), "school_year": "2025/26", "title": "П"}

    as_form = await world.api.programs.post(
        "/programmes", data=body, headers=world.api.auth(world.coordinator("s1"))
    )
    as_text = await world.api.programs.post(
        "/programmes",
        content=msgspec.json.encode(body),
        headers=world.api.auth(world.coordinator("s1")) | {"Content-Type": "text/plain"},
    )

    assert as_form.status_code == as_text.status_code == 415
    assert as_form.json()["code"] == "unsupported_media_type"
    assert "Content-Type" in as_form.json()["message"]
    assert await events() == before


async def test_graphql_and_pages_with_personal_data_are_not_stored_by_caches(
    world: World,
) -> None:
    token = world.coordinator("s1")
    answer = await world.api.reporting.post(
        "/graphql", json={"query": "{ me { role } }"}, headers=world.api.auth(token)
    )

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"


async def test_an_order_number_with_a_slash_gives_an_rfc_8187_file_name(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Приказа", "mentor")
    mentee = await world.person("s1", "Ученик Приказа", "mentee")
    pair = await world.pair("s1", programme, mentor, mentee, approve=False)
    school = world.coordinator("s1")
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        school,
        {"kind": "additional_duty", "signed_on": str(region_today())},
    )
    order = await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"number": "12/3-о", "order_date": str(region_today()), "pair_ids": [pair]},
    )
    await world.api.caught_up(school)

    document = await world.api.reporting.get(
        f"/orders/{order['id']}", headers=world.api.auth(school)
    )

    disposition = document.headers["content-disposition"]
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert document.status_code == 200
    assert "/" not in encoded
    assert all(c.isascii() and (c.isalnum() or c in "%!#$&+.^_`|~-") for c in encoded)
    assert unquote(encoded) == "Приказ 12-3-о.docx"


@pytest.fixture
async def strict(world: World) -> AsyncIterator[tuple[World, AsyncTestClient[Litestar]]]:
    """Programs with small rate limits and one allowed origin."""
    settings = msgspec.structs.replace(
        world.api.settings,
        rate_limit_per_token=3,
        rate_limit_per_address=100,
        rate_limit_failed_auth=2,
        cors_origins="https://dashboard.region.example",
    )
    async with AsyncTestClient(create_programs(settings)) as client:
        yield world, client


async def test_a_token_past_its_limit_gets_429_with_retry_after(
    strict: tuple[World, AsyncTestClient[Litestar]],
) -> None:
    world, client = strict
    auth = world.api.auth(world.coordinator("s1"))
    other = world.api.auth(world.coordinator("s2"))

    answers = [await client.get("/health", headers=auth) for _ in range(4)]
    another_token = await client.get("/health", headers=other)

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[3].headers["retry-after"]) >= 1
    assert answers[3].json()["code"] == "rate_limited"
    assert another_token.status_code == 200


async def test_guessing_tokens_from_one_address_is_slowed_to_429(
    strict: tuple[World, AsyncTestClient[Litestar]],
) -> None:
    _, client = strict

    answers = [
        await client.post("/programmes", json={}, headers={"Authorization": f"Bearer x{n}"})
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [401, 401, 429, 429]
    assert answers[2].headers["retry-after"]


async def test_cors_answers_only_the_configured_origin(
    strict: tuple[World, AsyncTestClient[Litestar]], world: World
) -> None:
    _, client = strict
    asked = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "If-Match"}

    allowed = await client.options(
        "/programmes", headers={"Origin": "https://dashboard.region.example"} | asked
    )
    stranger = await client.options(
        "/programmes", headers={"Origin": "https://evil.example"} | asked
    )
    default = await world.api.programs.options(
        "/programmes", headers={"Origin": "https://dashboard.region.example"} | asked
    )

    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "https://dashboard.region.example"
    assert "access-control-allow-origin" not in stranger.headers
    assert "access-control-allow-origin" not in default.headers


async def test_every_service_answers_with_a_request_id(world: World) -> None:
    async with (
        AsyncTestClient(create_reporting(world.api.settings)) as reporting,
        AsyncTestClient(create_web(world.api.settings)) as web,
    ):
        answers = [
            await reporting.get("/nothing"),
            await reporting.delete("/graphql"),
            await web.get("/nothing"),
            await web.get("/people/mentees"),
        ]

    assert all(a.headers.get("x-request-id") for a in answers)
    assert answers[1].status_code == 405
    assert answers[1].headers["allow"]
    assert answers[3].headers["cache-control"] == "no-store"


async def test_every_answer_names_its_api_version_and_an_unserved_one_is_refused(
    world: World, events: EventCounter
) -> None:
    auth = world.api.auth(world.coordinator("s1"))
    before = await events()

    current = await world.api.registry.get("/health", headers={"API-Version": "1"})
    future = await world.api.programs.post(
        "/programmes", json={}, headers=auth | {"API-Version": "2"}
    )
    graphql = await world.api.reporting.post(
        "/graphql", json={"query": "{ me { role } }"}, headers=auth
    )

    assert current.status_code == 200
    assert current.headers["api-version"] == graphql.headers["api-version"] == "1"
    assert future.status_code == 400
    assert future.json()["code"] == "unsupported_api_version"
    assert "API-Version" in future.json()["message"]
    assert await events() == before


@pytest.mark.parametrize("create", [create_programs, create_reporting, create_web])
async def test_a_started_service_keeps_its_startup_heap_out_of_full_collections(
    world: World, create: Any
) -> None:
    """`gc.freeze` at start: the garbage collector's full collections walk only what requests
    made (they paused region-wide reads ≈ 100 ms every dozen requests, bench/README.md)."""
    gc.unfreeze()
    async with AsyncTestClient(create(world.api.settings)):
        assert gc.get_freeze_count() > 0
