"""An activity that names what fulfils it — an act of a kind issued, a stage reached, a base
begun — shows done with that fact (its date, the act's number) once it happens, through the
programs API and reporting's GraphQL; before that day it stays overdue. A manual status stays
possible; a fulfilment the platform does not know is a 422 naming the field, nothing stored."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.programs.domain import Purpose, default_template_id
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World

ROADMAP = """query($s: ID!, $on: Date!, $year: String) {
  roadmap(schoolId: $s, on: $on, schoolYear: $year) {
    items { number status fulfilledBy fulfilledOn fulfilmentNumber overdue }
  }
}"""


def item(number: str, deadline: str, fact: str | None = None, subject: str = "") -> dict[str, Any]:
    written: dict[str, Any] = {
        "number": number,
        "block": "1",
        "activity": f"Мероприятие {number}",
        "deadline": {"words": deadline},
    }
    if fact is not None:
        written["fulfilled_by"] = {"fact": fact, "subject": subject}
    return written


ITEMS = [
    item("1.1", "Октябрь 2025", "act", "regulation_adopted"),
    item("1.2", "Ноябрь каждого учебного года", "act", "pairs_order"),
    item("1.3", "Октябрь 2025", "stage", "2"),
    item("1.4", "Октябрь 2025", "base", "mentee"),
    item("1.5", "Октябрь 2025"),  # marked by hand
    item("1.6", "Октябрь 2025", "survey"),
]


async def enter(world: World, school: str, items: list[dict[str, Any]], expect: int = 201) -> Any:
    await world.implementation(school)  # for 01.09.2025–30.06.2027
    base = f"/schools/{world.ids[school]}"
    body = {"blocks": [{"number": "1", "title": "Подготовка", "stage": 1}], "items": items}
    return await world.api.command(
        "programs", f"{base}/roadmap/written", world.coordinator(school), body, expect=expect
    )


async def read(world: World, on: date, year: str | None = None) -> dict[str, dict[str, Any]]:
    answer = await world.api.graphql(
        world.coordinator("s1"), ROADMAP, s=str(world.ids["s1"]), on=str(on), year=year
    )
    return {i["number"]: i for i in answer["data"]["roadmap"]["items"]}


def overdue(items: dict[str, dict[str, Any]]) -> list[str]:
    return [number for number, i in items.items() if i["overdue"]]


async def test_an_activity_is_done_with_the_fact_that_fulfils_it(world: World) -> None:
    await enter(world, "s1", ITEMS)
    base = f"/schools/{world.ids['s1']}"
    before = await read(world, date(2025, 12, 1), "2025/26")

    await world.api.command(
        "programs",
        f"{base}/regulations",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"title": "Положение о наставничестве", "version": "1", "adopted_on": "2025-11-14"},
    )
    programme = await world.programme("s1")
    await world.api.command(
        "programs", f"/programmes/{programme}/stage", world.coordinator("s1"), {"stage": 2},
        expect=200,
    )  # fmt: skip
    mentor = await world.person("s1", "Иванова Мария Петровна", "mentor")
    mentee = await world.person("s1", "Петров Пётр", "mentee", birth_date=date(2010, 5, 1))
    await world.pair("s1", programme, mentor, mentee)  # the director's pairs order, today
    await world.api.command(
        "programs",
        f"/programmes/{programme}/survey-responses",
        world.coordinator("s1"),
        {
            "template_id": str(default_template_id(Purpose.ENTRY_DIAGNOSTICS)),
            "respondent_id": mentee,
            "answered_on": str(region_today()),
            "answers": dict.fromkeys(
                ("confidence", "goals", "communication", "motivation", "independence"), 4
            ),
        },
    )
    await world.api.command(
        "programs",
        f"{base}/roadmap/items/{await _id(world, '1.5')}/progress",
        world.coordinator("s1"),
        {"status": "done", "on": "2025-10-20"},
    )
    autumn_2025 = await read(world, date(2025, 12, 1), "2025/26")
    november_10 = await read(world, date(2025, 11, 10), "2025/26")
    now = await read(world, region_today() + timedelta(days=1))

    assert overdue(before) == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    regulation = autumn_2025["1.1"]
    assert (regulation["status"], regulation["fulfilledOn"], regulation["fulfilledBy"]) == (
        "done",
        "2025-11-14",
        "Положение о наставничестве",
    )
    assert (autumn_2025["1.5"]["status"], autumn_2025["1.5"]["fulfilledBy"]) == ("done", None)
    # the stage, the base, the pairs order and the survey happened today: not on 01.12.2025
    assert overdue(autumn_2025) == ["1.2", "1.3", "1.4", "1.6"]
    assert overdue(november_10) == ["1.1", "1.3", "1.4", "1.6"]  # the regulation came on 14.11
    assert {n: now[n]["fulfilledOn"] for n in ("1.3", "1.4", "1.6")} == dict.fromkeys(
        ("1.3", "1.4", "1.6"), str(region_today())
    )
    assert [now[n]["fulfilledBy"] for n in ("1.3", "1.4", "1.6")] == [
        "Переход на этап «формирование базы наставляемых»",
        "Начата база наставляемых",
        "Анкетирование участников",
    ]
    pairs_order = now["1.2"]  # a yearly activity: done in the school year of the order
    assert (pairs_order["status"], pairs_order["fulfilmentNumber"]) == ("done", "1-н")
    assert pairs_order["fulfilledBy"] == "Приказ об утверждении наставнических пар (групп)"
    assert overdue(now) == []


async def _id(world: World, number: str) -> str:
    answer = await world.api.graphql(
        world.coordinator("s1"),
        """query($s: ID!) { roadmap(schoolId: $s) { items { id number } } }""",
        s=str(world.ids["s1"]),
    )
    return str(next(i["id"] for i in answer["data"]["roadmap"]["items"] if i["number"] == number))


async def test_a_fulfilment_the_platform_does_not_know_is_refused(
    world: World, events: EventCounter
) -> None:
    items = [*ITEMS[:2], item("1.3", "Октябрь 2025", "stage", "9")]
    before = await events()

    answer = await enter(world, "s1", items, expect=422)

    assert (answer["code"], answer["details"]["field"]) == (
        "fulfilment_unknown",
        "items[2].fulfilled_by",
    )
    assert "выполняется" in answer["message"]
    assert await events() == (before[0], before[1] + 1)  # the implementation order alone


async def test_an_act_of_the_register_fulfils_from_the_day_it_takes_effect(world: World) -> None:
    """The programme approved in the register of acts (accepted by the council on 28.10,
    approved on 05.11) fulfils «программа наставничества» on 05.11, not on the act's date."""
    await enter(world, "s1", [item("2.1", "Ноябрь 2025", "act", "programme")])
    act = {
        "kind": "programme",
        "title": "Программа наставничества на 2025/26 учебный год",
        "act_date": "2025-10-27",
        "marks": [
            {"kind": "accepted", "body": "педагогическим советом", "on": "2025-10-28",
             "protocol_number": "2"},
            {"kind": "approved", "body": "Директор", "on": "2025-11-05", "order_number": "91"},
        ],
    }  # fmt: skip
    await world.api.command(
        "programs",
        f"/organisations/{world.ids['s1']}/acts",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        act,
    )

    november_1 = await read(world, date(2025, 11, 1), "2025/26")
    december_1 = await read(world, date(2025, 12, 1), "2025/26")

    assert november_1["2.1"]["status"] != "done"
    done = december_1["2.1"]
    assert (done["status"], done["fulfilledOn"], done["fulfilledBy"]) == (
        "done",
        "2025-11-05",
        "Программа наставничества",
    )
    assert overdue(december_1) == []
