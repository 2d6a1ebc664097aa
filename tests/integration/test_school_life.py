"""Seeds 002 and 004 carried as written: their own stage schemes, read in the school's words
while the municipality reads the seven; seed 004's school events recorded, fulfilling their
roadmap items and counted per kind above the school. Bad input: a 422 in Russian, nothing
stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World
from tests.integration.test_roadmaps_as_written import issue_order
from tests.roadmap_seeds import DONETSK

# Seed 002 (МБОУ СОШ с. Кремово): six stages; «Организация хода» forms the pairs and runs them.
KREMOVO_SCHEME: list[dict[str, Any]] = [
    {"name": "Подготовка условий для запуска программы наставничества", "stages": [1]},
    {"name": "Формирование базы наставляемых", "stages": [2]},
    {"name": "Формирование базы наставников", "stages": [3]},
    {"name": "Отбор и обучение наставников", "stages": [4]},
    {"name": "Организация хода наставнической программы", "stages": [5, 6]},
    {"name": "Завершение программы наставничества", "stages": [7]},
]
# Seed 004 (школа № 135 г. Донецка): seven stages, the seventh outside the seven.
DONETSK_SCHEME: list[dict[str, Any]] = [
    {"name": "Подготовка условий для реализации системы наставничества", "stages": [1]},
    {"name": "Формирование банка наставляемых", "stages": [2]},
    {"name": "Формирование банка наставников", "stages": [3]},
    {"name": "Отбор и обучение", "stages": [4]},
    {"name": "Организация и осуществление работы наставнических пар/групп", "stages": [5, 6]},
    {"name": "Завершение персонализированных программ наставничества", "stages": [7]},
    {"name": "Информационная поддержка системы наставничества", "stages": []},
]
SCHEME = """query($s: ID!) { stageScheme(schoolId: $s) { stages { name stages stageNames } } }"""
PROGRAMMES = "{ programmes { edges { node { schoolId stage stageName } } } }"


async def write_scheme(world: World, school: str, stages: list[dict[str, Any]]) -> None:
    await world.api.command(
        "programs",
        f"/schools/{world.ids[school]}/stage-scheme",
        world.token(Role.SCHOOL_DIRECTOR, school),
        {"stages": stages},
        expect=200,
        method="PUT",
    )


async def test_the_seeds_schemes_in_the_schools_words_and_the_seven_above(world: World) -> None:
    await write_scheme(world, "s1", KREMOVO_SCHEME)
    await write_scheme(world, "s2", DONETSK_SCHEME)
    programme = await world.programme("s2")
    await world.api.command(
        "programs",
        f"/programmes/{programme}/stage",
        world.token(Role.SCHOOL_DIRECTOR, "s2"),
        {"stage": 2, "effective_on": str(region_today() - timedelta(days=30))},
        expect=200,
    )

    kremovo = await world.api.graphql(world.coordinator("s1"), SCHEME, s=str(world.ids["s1"]))
    donetsk = await world.api.graphql(world.coordinator("s2"), SCHEME, s=str(world.ids["s2"]))
    above = await world.api.graphql(world.token(Role.MUNICIPALITY_OFFICER, "m1"), PROGRAMMES)

    six = kremovo["data"]["stageScheme"]["stages"]
    assert [s["name"] for s in six] == [s["name"] for s in KREMOVO_SCHEME]
    assert six[4]["stageNames"] == [
        "формирование наставнических пар и групп",
        "организация работы наставнических пар и групп",
    ]
    seventh = donetsk["data"]["stageScheme"]["stages"][6]
    assert seventh == {
        "name": "Информационная поддержка системы наставничества",
        "stages": [],
        "stageNames": [],
    }
    [read] = [e["node"] for e in above["data"]["programmes"]["edges"]]
    assert (read["stage"], read["stageName"]) == (2, "формирование базы наставляемых")


async def test_a_rewritten_scheme_replaces_the_old_one(world: World) -> None:
    await write_scheme(world, "s1", KREMOVO_SCHEME)
    await write_scheme(world, "s1", DONETSK_SCHEME)

    answer = await world.api.graphql(world.coordinator("s1"), SCHEME, s=str(world.ids["s1"]))

    assert len(answer["data"]["stageScheme"]["stages"]) == 7


# Seed 004's roadmap, each block fulfilled by the school event its text names.
FULFILLED_BY = {
    "4": "orientation_session",  # «установочные сессии» наставников
    "5": "group_meeting",  # групповая встреча наставников и наставляемых
    "6": "round_table",  # итоговое мероприятие (круглый стол)
    "7": "publicity",  # освещение на сайте образовательной организации
}
DONETSK_EVENTS = [
    ("orientation_session", "2023-11-14", "Установочная сессия наставников № 1", ["7А"], []),
    ("orientation_session", "2023-11-28", "Установочная сессия наставников № 2", [], []),
    ("group_meeting", "2023-12-05", "Групповая встреча наставников и наставляемых",
     ["7А", "8Б", "9В"], []),
    ("conference", "2024-05-22", "Школьная конференция «Наставничество: итоги года»", [], []),
    ("round_table", "2024-06-05", "Круглый стол по выявлению лучших практик наставничества",
     [], []),
    ("publicity", "2024-06-10", "Итоги реализации программы наставничества на сайте школы", [],
     [{"title": "Новость на сайте школы", "url": "https://school135.example/news/nastavnik"}]),
]  # fmt: skip
ROADMAP = """query($s: ID!, $year: String, $on: Date) {
  roadmap(schoolId: $s, schoolYear: $year, on: $on) {
    items { block status fulfilledBy fulfilledOn } } }"""
COUNTS = """query($year: String, $o: ID) {
  schoolEventCounts(schoolYear: $year, organisationId: $o) { kind kindName events schools } }"""
EVENTS = """query($s: ID!) { schoolEvents(schoolId: $s) { totalCount edges { node {
  kind kindName heldOn schoolYear title classes materials { title url } } } } }"""


async def record(world: World, school: str, event: tuple[Any, ...], expect: int = 201) -> Any:
    kind, held_on, title, classes, materials = event
    return await world.api.command(
        "programs",
        f"/schools/{world.ids[school]}/events",
        world.token(Role.SCHOOL_CURATOR, school),
        {
            "kind": kind,
            "held_on": held_on,
            "title": title,
            "classes": classes,
            "materials": materials,
        },
        expect=expect,
    )


async def test_seed_004s_events_fulfil_its_roadmap_and_are_counted_above(world: World) -> None:
    base = await issue_order(world, "s1", DONETSK)
    items = [
        item | {"fulfilled_by": {"fact": "event", "subject": FULFILLED_BY[str(item["block"])]}}
        if item["block"] in FULFILLED_BY
        else item
        for item in DONETSK.items()
    ]
    await world.api.command(
        "programs",
        f"{base}/roadmap/written",
        world.coordinator("s1"),
        {"title": DONETSK.title, "blocks": DONETSK.blocks_body(), "items": items},
    )
    for event in DONETSK_EVENTS:
        await record(world, "s1", event)

    roadmap = await world.api.graphql(
        world.coordinator("s1"), ROADMAP, s=str(world.ids["s1"]), year="2023/24", on="2024-06-30"
    )
    school = await world.api.graphql(world.coordinator("s1"), EVENTS, s=str(world.ids["s1"]))
    municipality = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    counted = await world.api.graphql(municipality, COUNTS, year="2023/24")
    hidden = await world.api.graphql(municipality, EVENTS, s=str(world.ids["s1"]))
    other = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m2"), COUNTS, year="2023/24"
    )

    fulfilled = {
        i["block"]: (i["status"], i["fulfilledOn"]) for i in roadmap["data"]["roadmap"]["items"]
    }
    assert fulfilled["4"] == ("done", "2023-11-14")  # the earlier of the two sessions
    assert fulfilled["5"] == ("done", "2023-12-05")
    assert fulfilled["6"] == ("done", "2024-06-05")
    assert fulfilled["7"] == ("done", "2024-06-10")
    assert fulfilled["1"][1] is None
    listed = school["data"]["schoolEvents"]
    assert listed["totalCount"] == 6
    newest = listed["edges"][0]["node"]
    assert newest["kindName"] == "освещение итогов (публикация)"
    assert newest["materials"] == [DONETSK_EVENTS[5][4][0]]
    counts = {c["kind"]: (c["events"], c["schools"]) for c in counted["data"]["schoolEventCounts"]}
    assert counts == {
        "orientation_session": (2, 1),
        "group_meeting": (1, 1),
        "conference": (1, 1),
        "seminar": (0, 0),
        "round_table": (1, 1),
        "mentor_course": (0, 0),
        "publicity": (1, 1),
    }
    assert hidden["data"]["schoolEvents"]["totalCount"] == 0  # titles stay in the school
    assert {c["events"] for c in other["data"]["schoolEventCounts"]} == {0}


@pytest.mark.parametrize(
    ("path", "method", "body", "code"),
    [
        ("stage-scheme", "PUT", {"stages": []}, "stage_scheme_empty"),
        (
            "stage-scheme",
            "PUT",
            {"stages": [{"name": "Отбор и обучение", "stages": [4]}, {"name": "Отбор и обучение"}]},
            "stage_name_repeated",
        ),
        (
            "stage-scheme",
            "PUT",
            {"stages": [{"name": "Подготовка условий", "stages": [1, 9]}]},
            "stage_unknown",
        ),
        (
            "events",
            "POST",
            {"kind": "publicity", "held_on": "2024-06-10", "title": "Итоги на сайте"},
            "publication_link_missing",
        ),
    ],
)
async def test_bad_input_is_a_422_in_russian_and_stores_nothing(
    world: World, events: EventCounter, path: str, method: str, body: dict[str, Any], code: str
) -> None:
    before = await events()

    refused = await world.api.command(
        "programs",
        f"/schools/{world.ids['s1']}/{path}",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        body,
        expect=422,
        method=method,
    )

    assert refused["code"] == code
    assert any("а" <= ch <= "я" for ch in refused["message"])
    assert await events() == before
