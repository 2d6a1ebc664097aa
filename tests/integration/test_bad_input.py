"""Bad input gets a clear 4xx with a code and a Russian message, and stores nothing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World


async def test_a_pair_with_a_participant_without_consent_is_refused_and_stores_nothing(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Без Согласия", "mentor", consent=False)
    mentee = await world.person("s1", "Ученик С Согласием", "mentee")
    before = await events()

    refused = await world.pair("s1", programme, mentor, mentee, expect=422)

    assert refused["code"] == "consent_missing"
    assert "согласия на обработку персональных данных" in refused["message"]
    assert refused["details"]["person_id"] == mentor
    assert await events() == before


async def test_a_withdrawn_consent_no_longer_counts(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Отозвавший", "mentor", consent=False)
    mentee = await world.person("s1", "Ученик Отзыв", "mentee")
    coordinator = world.coordinator("s1")
    consent = await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"signed_on": str(region_today() - timedelta(days=3))},
    )
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents/{consent['id']}/withdrawal",
        coordinator,
        {"withdrawn_on": str(region_today())},
        expect=200,
    )

    refused = await world.pair("s1", programme, mentor, mentee, expect=422)

    assert refused["code"] == "consent_missing"


async def test_a_participant_of_another_school_is_refused(
    world: World, events: EventCounter
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Школы Один", "mentor")
    stranger = await world.person("s2", "Ученик Школы Два", "mentee")
    before = await events()

    refused = await world.pair("s1", programme, mentor, stranger, expect=422)

    assert refused["code"] == "other_school"
    assert await events() == before


async def test_a_mentor_at_capacity_is_refused(world: World, events: EventCounter) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Занятый Наставник", "mentor", capacity=1)
    first = await world.person("s1", "Первый Наставляемый", "mentee")
    second = await world.person("s1", "Второй Наставляемый", "mentee")
    await world.pair("s1", programme, mentor, first)
    before = await events()

    refused = await world.pair("s1", programme, mentor, second, expect=422)

    assert refused["code"] == "mentor_at_capacity"
    assert await events() == before


async def test_a_form_the_programme_does_not_run_is_refused(world: World) -> None:
    programme = await world.programme("s1", forms=["teacher_student"])
    mentor = await world.person("s1", "Наставник Формы", "mentor")
    mentee = await world.person("s1", "Ученик Формы", "mentee")

    refused = await world.pair("s1", programme, mentor, mentee, expect=422, form="teacher_teacher")

    assert refused["code"] == "form_not_in_programme"


async def test_a_minor_cannot_sign_their_own_consent(world: World, events: EventCounter) -> None:
    before = await events()
    refused = await world.api.command(
        "registry",
        "/people",
        world.coordinator("s1"),
        {
            "school_id": str(world.ids["s1"]),
            "kind": "student",
            "full_name": "Юный Ученик",
            "birth_date": "2014-02-02",
            "roles": ["mentee"],
            "consent": {"signed_on": str(region_today())},
        },
        expect=422,
    )

    assert refused["code"] == "minor_needs_representative"
    assert await events() == before


async def test_payload_errors_name_the_field(world: World, events: EventCounter) -> None:
    before = await events()
    coordinator = world.coordinator("s1")
    future = str(region_today() + timedelta(days=10))

    missing = await world.api.command(
        "registry",
        "/people",
        coordinator,
        {
            "school_id": str(world.ids["s1"]),
            "kind": "teacher",
            "roles": ["mentor"],
        },
        expect=400,
    )
    unknown_kind = await world.api.command(
        "registry",
        "/people",
        coordinator,
        {
            "school_id": str(world.ids["s1"]),
            "kind": "astronaut",
            "full_name": "Икс",
            "roles": ["mentor"],
        },
        expect=400,
    )
    born_later = await world.api.command(
        "registry",
        "/people",
        coordinator,
        {
            "school_id": str(world.ids["s1"]),
            "kind": "teacher",
            "full_name": "Из Будущего",
            "birth_date": future,
            "roles": ["mentor"],
        },
        expect=400,
    )

    assert missing["code"] == "invalid_payload"
    assert "full_name" in missing["message"]
    assert unknown_kind["details"]["problems"][0]["field"] == "kind"
    assert born_later["code"] == "birth_date_in_future"
    assert await events() == before


async def test_a_rating_outside_the_scale_is_refused(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Шкала", "mentor")
    mentee = await world.person("s1", "Ученик Шкала", "mentee")
    pair = await world.pair("s1", programme, mentor, mentee)

    refused = await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings",
        world.coordinator("s1"),
        {
            "kind": "regular",
            "held_on": str(region_today()),
            "duration_minutes": 40,
            "mentor_feedback": {"rating": 11},
        },
        expect=400,
    )

    assert refused["details"]["problems"][0]["field"] == "mentor_feedback.rating"


async def test_unknown_things_are_404(world: World) -> None:
    unknown = "00000000-0000-4000-8000-000000000001"
    coordinator = world.coordinator("s1")

    programme = await world.api.command(
        "programs",
        f"/programmes/{unknown}/pairs",
        coordinator,
        {"form": "teacher_student", "mentor_id": unknown, "mentee_ids": [unknown]},
        expect=404,
    )
    school = await world.api.command(
        "registry",
        "/people",
        coordinator,
        {
            "school_id": unknown,
            "kind": "teacher",
            "full_name": "Никто",
            "roles": ["mentor"],
        },
        expect=404,
    )

    assert programme["code"] == school["code"] == "not_found"


async def test_tokens_are_checked_on_every_route(world: World, settings: Settings) -> None:
    client = world.api.registry
    body = {"kind": "region", "name": "Регион"}
    expired = issue_token(settings, Role.OPERATOR, "", ttl_seconds=-10)
    forged = issue_token(Settings(jwt_secret="x" * 40), Role.OPERATOR, "")

    no_token = await client.post("/organisations", json=body)
    old = await client.post("/organisations", json=body, headers=world.api.auth(expired))
    fake = await client.post("/organisations", json=body, headers=world.api.auth(forged))
    auditor = await client.post(
        "/organisations", json=body, headers=world.api.auth(world.token(Role.AUDITOR, "region"))
    )
    graphql = await world.api.reporting.post("/graphql", json={"query": "{ me { role } }"})

    assert [r.status_code for r in (no_token, old, fake, auditor, graphql)] == [
        401,
        401,
        401,
        403,
        401,
    ]
    assert old.json()["code"] == "token_expired"
    assert fake.json()["code"] == "token_invalid"
    assert auditor.json()["code"] == "role_not_allowed"


async def test_a_token_once_verified_is_refused_when_it_expires(
    world: World, settings: Settings
) -> None:
    """The services remember the tokens they have verified, never past their expiry."""
    short = world.api.auth(
        issue_token(settings, Role.SCHOOL_COORDINATOR, world.paths["s1"], ttl_seconds=2)
    )
    body = {"kind": "region", "name": "Регион"}
    query = {"query": "{ me { role } }"}

    async def answers() -> list[Any]:
        command = await world.api.registry.post("/organisations", json=body, headers=short)
        graphql = await world.api.reporting.post("/graphql", json=query, headers=short)
        return [command.status_code, command.json()["code"], graphql.status_code]

    while_valid = [await answers() for _ in range(2)]
    await asyncio.sleep(2.5)
    expired = await answers()

    assert while_valid == [[403, "role_not_allowed", 200]] * 2
    assert expired == [401, "token_expired", 401]
