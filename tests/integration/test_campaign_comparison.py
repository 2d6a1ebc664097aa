"""A campaign read beside its register and its past, over GraphQL: the announcing act from the
register of acts (else its number and date as typed); answers beside a previous campaign's on
another form through the mapping between the two forms' items (the document list's 1.2
answered by the school form's 2), on the same form item by item — as submitted (frozen), each
organisation named, the scope the caller's own."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shared.kernel.principal import Role
from tests.conftest import World
from tests.integration.test_campaigns import (
    LINKS,
    PROGRAMME,
    WINDOW,
    announce,
    answer,
    example,
    moscow,
    region_clock,
)
from tests.web_support import WebClient

LATER = (date(2026, 10, 1), date(2026, 10, 10))
SCHOOL_ANSWERS: list[dict[str, Any]] = [
    {"number": "1", "value": "https://school.ru/nastavnichestvo"},
    {"number": "2", "value": "https://school.ru/prikaz-programma"},
    {"number": "3", "value": 0},
    {"number": "4", "value": 0},
    {"number": "5", "value": 0},
    {"number": "6", "value": 2},
    {"number": "7", "value": True},
    {"number": "8", "value": 50},
    {"number": "9", "value": "очный"},
    {"number": "10", "value": "2026-09-20"},
]
COMPARISON = """
query($id: ID!, $previous: ID!) { campaign(id: $id) { comparison(previousCampaignId: $previous) {
  number previousNumber text previousText
  current { answered } previous { answered counts { shown count } }
  organisations { name previous current } } } }
"""


async def _later(world: World, form_id: str) -> str:
    return await announce(
        world,
        form_id,
        title="Мониторинг реализации целевой модели",
        act_date="2026-09-25",
        window_from=str(LATER[0]),
        window_to=str(LATER[1]),
        reference_date="2026-09-30",
    )


async def test_answers_are_compared_across_forms_through_the_mapping(
    world: World, web: WebClient
) -> None:
    documents, school_form = await example(world, "documents"), await example(world, "school")
    before = await announce(world, documents)
    with region_clock(world.api, moscow(WINDOW[0], 12, 0)):
        for school in ("s1", "s2"):
            await answer(world, before, school, [*LINKS, PROGRAMME], True)
    await world.api.command(  # made on the previous form: read the other way round too
        "registry",
        f"/forms/{documents}/mappings",
        world.token(Role.REGION_OFFICER, "region"),
        {"other_form_id": school_form, "pairs": [{"item": "1.2", "other_item": "2"}]},
    )
    after = await _later(world, school_form)
    with region_clock(world.api, moscow(LATER[1], 23, 0)):
        await answer(world, after, "s1", SCHOOL_ANSWERS, True)
        await answer(world, after, "s2", SCHOOL_ANSWERS[:3], False)  # a draft is not compared

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    data = await world.api.graphql(officer, COMPARISON, id=after, previous=before)
    [item] = data["data"]["campaign"]["comparison"]
    assert (item["number"], item["previousNumber"]) == ("2", "1.2")
    assert item["previousText"] == "Положение о системе наставничества в ОО"
    assert (item["current"]["answered"], item["previous"]["answered"]) == (1, 2)
    assert {o["name"]: (o["previous"], o["current"]) for o in item["organisations"]} == {
        "Школа № 1": ("https://school.ru/doc2", "https://school.ru/prikaz-programma"),
        "Школа № 2": ("https://school.ru/doc2", None),
    }

    await web.sign_in(officer)  # the results page compares with the campaign chosen
    page = await web.get(f"/campaigns/{after}?previous={before}")
    compared = page.text.split('id="comparison"')[1].split("</section>")[0]
    assert "2 Ссылка на приказ об утверждении программы наставничества ← пункт 1.2" in compared
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", compared)
    assert rows == [
        ("Школа № 1", "https://school.ru/doc2", "https://school.ru/prikaz-programma"),
        ("Школа № 2", "https://school.ru/doc2", "—"),
    ]

    director = world.token(Role.SCHOOL_DIRECTOR, "s1")  # a school sees its own answers only
    own = await world.api.graphql(director, COMPARISON, id=after, previous=before)
    [mine] = own["data"]["campaign"]["comparison"]
    assert [o["name"] for o in mine["organisations"]] == ["Школа № 1"]


async def test_a_campaign_on_the_same_form_is_compared_item_by_item(world: World) -> None:
    documents = await example(world, "documents")
    before = await announce(world, documents)
    with region_clock(world.api, moscow(WINDOW[0], 12, 0)):
        await answer(world, before, "s1", [*LINKS, PROGRAMME | {"value": False}], True)
    after = await _later(world, documents)
    with region_clock(world.api, moscow(LATER[0], 12, 0)):
        await answer(world, after, "s1", [*LINKS, PROGRAMME], True)

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    data = await world.api.graphql(officer, COMPARISON, id=after, previous=before)
    compared = {i["number"]: i for i in data["data"]["campaign"]["comparison"]}
    assert list(compared) == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    programme = compared["1.5"]
    assert programme["previousNumber"] == "1.5"
    assert programme["previous"]["counts"] == [{"shown": "нет", "count": 1}]
    assert programme["organisations"] == [{"name": "Школа № 1", "previous": "нет", "current": "да"}]


async def test_the_announcing_act_is_read_from_the_register_of_acts(world: World) -> None:
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    order = {
        "kind": "order",
        "number": "94-13",
        "register": "по основной деятельности",
        "act_date": "2026-04-10",
        "title": "О проведении мониторинга нормативных документов",
    }
    act = await world.api.command(
        "programs", f"/organisations/{world.ids['m1']}/acts", officer, order
    )
    registered = await announce(world, await example(world, "documents"), act_id=act["id"])
    typed = await announce(world, await example(world, "documents"))
    query = "query($id: ID!) { campaign(id: $id) { actNumber actDate act { id number title } } }"
    read = (await world.api.graphql(officer, query, id=registered))["data"]["campaign"]
    assert read == {
        "actNumber": "94-13",
        "actDate": "2026-04-10",
        "act": {"id": act["id"], "number": "94-13", "title": order["title"]},
    }
    school = await world.api.graphql(world.token(Role.SCHOOL_DIRECTOR, "s1"), query, id=registered)
    assert school["data"]["campaign"]["act"]["title"] == order["title"]  # a school reads it too
    only_typed = (await world.api.graphql(officer, query, id=typed))["data"]["campaign"]
    assert (only_typed["actNumber"], only_typed["act"]) == ("94-13", None)
