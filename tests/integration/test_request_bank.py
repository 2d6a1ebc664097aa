"""The bank of mentees keeps each school year's request: the 2023/24 request does not overwrite
the 2022/23 one; both are read through GraphQL, shown on the mentee's card and exported."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import load_workbook

from tests.conftest import EventCounter, World
from tests.web_support import WebClient

PERSON = """query($id: ID!) { person(id: $id) {
  menteeProfile { requests schoolYear categories }
  requestsByYear { schoolYear categories needs requests } } }"""
EARLIER = {
    "school_year": "2022/23",
    "categories": ["low_results"],
    "requests": "Не хочет ходить на математику",
    "needs": ["математика"],
}
LATER = {
    "school_year": "2023/24",
    "categories": ["outstanding_abilities"],
    "requests": "Готовится к олимпиаде по физике",
    "needs": ["физика", "олимпиады"],
}


async def _profile(world: World, person: str, body: dict[str, Any], expect: int = 200) -> Any:
    return await world.api.command(
        "registry",
        f"/people/{person}/mentee-profile",
        world.coordinator("s1"),
        body,
        expect=expect,
        method="PUT",
    )


async def test_each_year_s_request_is_kept_read_and_exported(world: World) -> None:
    mentee = await world.person("s1", "Ученица Запросова", "mentee", birth_date=date(2011, 5, 4))
    await _profile(world, mentee, EARLIER)
    await _profile(world, mentee, LATER)
    # the earlier year's request corrected late changes that year's only
    await _profile(world, mentee, {**EARLIER, "requests": "Не хочет ходить на алгебру"})

    answer = await world.api.graphql(world.coordinator("s1"), PERSON, id=mentee)
    person = answer["data"]["person"]
    assert person["requestsByYear"] == [
        {
            "schoolYear": "2022/23",
            "categories": ["low_results"],
            "needs": ["математика"],
            "requests": "Не хочет ходить на алгебру",
        },
        {
            "schoolYear": "2023/24",
            "categories": ["outstanding_abilities"],
            "needs": ["физика", "олимпиады"],
            "requests": "Готовится к олимпиаде по физике",
        },
    ]
    assert person["menteeProfile"] == {
        "requests": "Готовится к олимпиаде по физике",
        "schoolYear": "2023/24",
        "categories": ["outstanding_abilities"],
    }

    exported = await world.api.reporting.get(
        "/exports/mentees", headers=world.api.auth(world.coordinator("s1"))
    )
    assert exported.status_code == 200, exported.text
    book = load_workbook(io.BytesIO(exported.content))
    bank = book["Банк запросов"]
    assert [[c.value for c in row] for row in bank.iter_rows()] == [
        ["ФИО", "Учебный год", "Категории", "Запрос", "Темы запроса"],
        [
            "Ученица Запросова",
            "2022/23",
            "с низкими образовательными результатами",
            "Не хочет ходить на алгебру",
            "математика",
        ],
        [
            "Ученица Запросова",
            "2023/24",
            "проявляющий выдающиеся способности",
            "Готовится к олимпиаде по физике",
            "физика, олимпиады",
        ],
    ]
    assert book.worksheets[0].title != "Банк запросов"  # the import reads the first sheet


async def test_the_mentee_s_card_shows_both_years(world: World, web: WebClient) -> None:
    mentee = await world.person("s1", "Ученица Запросова", "mentee", birth_date=date(2011, 5, 4))
    await _profile(world, mentee, EARLIER)
    await _profile(world, mentee, LATER)
    await web.sign_in(world.coordinator("s1"))
    await world.api.caught_up(world.coordinator("s1"))

    card = await web.get(f"/people/mentees/{mentee}")

    assert card.status_code == 200, card.text
    bank = card.text.split("Банк запросов по учебным годам")[-1].split("</table>")[0]
    assert bank.index("2022/23") < bank.index("Не хочет ходить на математику")
    assert bank.index("Не хочет ходить на математику") < bank.index("2023/24")
    assert bank.index("2023/24") < bank.index("Готовится к олимпиаде по физике")
    assert "Запрос на 2023/24 учебный год" in card.text


async def test_a_request_of_no_school_year_is_refused(world: World, events: EventCounter) -> None:
    mentee = await world.person("s1", "Ученица Запросова", "mentee", birth_date=date(2011, 5, 4))
    before = await events()
    refused = await _profile(world, mentee, {**EARLIER, "school_year": "2022/24"}, expect=400)
    assert refused["code"] == "bad_school_year"
    assert "2022/24" in refused["message"]
    assert refused["details"]["field"] == "school_year"
    assert await events() == before
