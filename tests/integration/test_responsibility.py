"""Permissions that follow responsibility (issue 20, point 7), over HTTP and GraphQL as seed 004
has it: the director of Donetsk's school № 135 makes the curator Руденко О.В. responsible for
stages 2–7, and she moves the programme through them and edits their roadmap herself. Without a
grant a 403 names what is missing; approving orders is never granted; nothing stored on refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from shared.adapters.auth import issue_token
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World
from tests.integration.test_roadmaps_as_written import ROADMAP, enter
from tests.roadmap_seeds import DONETSK

GRANTS = """{ responsibilities {
  id personId personName grantedOn grantedAt grantedByRoleName grantedByName revokedOn actId
  parts { kind subject name }
} }"""
ACTIVITIES = """query($s: ID!) {
  roadmap(schoolId: $s, on: "2023-12-01") { items { number activity } }
}"""
# Seed 004's stages run from its order № 852 of 06.09.2023; each starts on a day of its own.
STAGE_DAYS = {
    2: "2023-10-02",
    3: "2023-10-16",
    4: "2023-11-01",
    5: "2023-11-20",
    6: "2023-12-01",
    7: "2024-06-03",
}


async def rudenko(world: World) -> tuple[str, str]:
    """The deputy director, a staff person with the curator's role, and her own token."""
    person = await world.person("s1", "Руденко Ольга Викторовна", "mentor")
    await world.api.command(
        "registry",
        f"/people/{person}/staff-roles",
        world.coordinator("s1"),
        {"role": "curator", "forms": ["teacher_teacher"]},
        expect=200,
    )
    token = issue_token(
        world.api.settings,
        Role.SCHOOL_CURATOR,
        world.paths["s1"],
        user=person,
        name="Руденко О.В.",
        person=UUID(person),
    )
    return person, token


async def move(world: World, token: str, programme: str, stage: int, expect: int = 200) -> Any:
    return await world.api.command(
        "programs",
        f"/programmes/{programme}/stage",
        token,
        {"stage": stage, "effective_on": STAGE_DAYS[stage]},
        expect=expect,
    )


async def edit(world: World, token: str, number: str, expect: int = 200) -> Any:
    """Change the activity of the roadmap's row `number` (its words kept, a note added)."""
    items = {
        i["number"]: i
        for i in (
            await world.api.graphql(
                world.coordinator("s1"), ROADMAP, s=str(world.ids["s1"]), on="2023-12-01", year=None
            )
        )["data"]["roadmap"]["items"]
    }
    body = next(i for i in DONETSK.items() if i["number"] == number)
    return await world.api.command(
        "programs",
        f"/schools/{world.ids['s1']}/roadmap/items/{items[number]['id']}",
        token,
        body | {"activity": f"{body['activity']} (уточнено куратором)"},
        expect=expect,
        method="PUT",
    )


async def test_the_curator_granted_stages_2_to_7_runs_them_herself(world: World) -> None:
    await enter(world, "s1", DONETSK)
    person, curator = await rudenko(world)
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    programme = await world.programme("s1")

    no_grant = await move(world, curator, programme, 2, expect=403)
    granted = await world.api.command(
        "programs",
        f"/schools/{world.ids['s1']}/responsibilities",
        director,
        {
            "person_id": person,
            "parts": [{"kind": "stage", "subject": str(n)} for n in range(2, 8)]
            + [{"kind": "block", "subject": "7"}],  # information support: a block of no stage
            "granted_on": "2023-09-06",
        },
    )
    for stage in range(2, 8):
        await move(world, curator, programme, stage)
    for number in ("2", "3", "6", "7"):
        await edit(world, curator, number)
    stage_1 = await edit(world, curator, "1", expect=403)
    order = await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        curator,
        {"number": "1-н", "order_date": str(region_today()), "pair_ids": [person]},
        expect=403,
    )
    grants = (await world.api.graphql(world.coordinator("s1"), GRANTS))["data"]["responsibilities"]

    assert no_grant["code"] == "responsibility_missing"
    assert "не поручено: этап 2 «формирование базы наставляемых»" in no_grant["message"]
    assert stage_1["code"] == "responsibility_missing"
    assert "раздел дорожной карты «1» или этап 1" in stage_1["message"]
    assert order["code"] == "role_not_allowed"
    [grant] = grants
    assert grant["id"] == granted["id"]
    assert (grant["personName"], grant["grantedOn"], grant["revokedOn"]) == (
        "Руденко Ольга Викторовна",
        "2023-09-06",
        None,
    )
    assert grant["grantedByRoleName"] == "руководитель ОО"
    recorded = datetime.fromisoformat(grant["grantedAt"])
    assert datetime.now(UTC) - timedelta(minutes=10) < recorded <= datetime.now(UTC)
    assert [p["name"] for p in grant["parts"]][-2:] == [
        "этап 7 «завершение программы наставничества»",
        "раздел дорожной карты «7»",
    ]
    activities = await world.api.graphql(curator, ACTIVITIES, s=str(world.ids["s1"]))
    edited = {
        i["number"]
        for i in activities["data"]["roadmap"]["items"]
        if i["activity"].endswith("(уточнено куратором)")
    }
    assert edited == {"2", "3", "6", "7"}


async def test_revoked_the_grant_stops_and_orders_are_never_granted(
    world: World, events: EventCounter
) -> None:
    await enter(world, "s1", DONETSK)
    person, curator = await rudenko(world)
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    base = f"/schools/{world.ids['s1']}/responsibilities"
    block_7 = {"person_id": person, "parts": [{"kind": "block", "subject": "7"}]}
    granted = await world.api.command("programs", base, world.coordinator("s1"), block_7)
    await edit(world, curator, "7")
    before = await events()

    orders = await world.api.command(
        "programs",
        base,
        director,
        {"person_id": person, "parts": [{"kind": "orders"}, {"kind": "stage", "subject": "5"}]},
        expect=422,
    )
    by_curator = await world.api.command("programs", base, curator, block_7, expect=403)
    other_school = await world.api.command(
        "programs", base, world.coordinator("s2"), block_7, expect=403
    )
    unknown_block = await world.api.command(
        "programs",
        base,
        director,
        {"person_id": person, "parts": [{"kind": "block", "subject": "9"}]},
        expect=422,
    )
    assert await events() == before
    await world.api.command(
        "programs", f"{base}/{granted['id']}/revocation", director, {}, expect=200
    )
    revoked = await edit(world, curator, "7", expect=403)
    [grant] = (await world.api.graphql(world.coordinator("s1"), GRANTS))["data"]["responsibilities"]
    hidden = (await world.api.graphql(world.coordinator("s2"), GRANTS))["data"]

    assert orders["code"] == "orders_not_granted"
    assert "руководителем ОО" in orders["message"]
    assert (by_curator["code"], other_school["code"]) == ("role_not_allowed", "out_of_scope")
    assert unknown_block["code"] == "block_not_found"
    assert revoked["code"] == "responsibility_missing"
    assert grant["revokedOn"] == str(region_today())
    assert grant["grantedByRoleName"] == "координатор"
    assert hidden["responsibilities"] == []
