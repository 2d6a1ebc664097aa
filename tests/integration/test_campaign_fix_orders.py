"""A municipality's order on a campaign's results (seed 001: the Klin order on the monitoring of
documents), an act of its register naming directors and deadlines, and the fixes it orders
tracked to the next campaigns: each fix read as fixed or not by the next campaign that covered
the organisation and asked the same item (same form) or its mapped one (another form), and
as pending until that campaign's answer is submitted. Refusals answer 4xx and store nothing;
a school reads its own fixes only."""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.kernel.principal import Role
from tests.conftest import EventCounter, World
from tests.integration.test_campaign_comparison import SCHOOL_ANSWERS
from tests.integration.test_campaigns import (
    LINKS,
    PROGRAMME,
    WINDOW,
    announce,
    answer,
    example,
    moscow,
    region_clock,
    review,
)
from tests.web_support import WebClient

ORDER = {
    "kind": "order",
    "number": "94-14",
    "register": "по основной деятельности",
    "act_date": "2026-05-05",
    "title": "Об итогах мониторинга нормативных документов по внедрению системы наставничества",
}
FIX_ORDERS = """
query($id: ID!) { campaign(id: $id) { fixOrders { municipalityName actNumber actDate
  act { number title }
  fixes { organisationName number itemText director dueOn status statusName
    nextCampaignTitle nextNumber nextAnswer } } } }
"""


def _fix(world: World, school: str, number: str, director: str) -> dict[str, Any]:
    return {
        "organisation_id": str(world.ids[school]),
        "number": number,
        "director": director,
        "due_on": "2026-09-01",
    }


async def _order(
    world: World, campaign: str, body: dict[str, Any], token: str | None = None, expect: int = 201
) -> Any:
    return await world.api.command(
        "registry",
        f"/campaigns/{campaign}/fix-orders",
        token or world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        body,
        expect=expect,
    )


async def _next(world: World, form: str, title: str, window: tuple[date, date]) -> str:
    return await announce(
        world,
        form,
        title=title,
        act_date=str(window[0]),
        window_from=str(window[0]),
        window_to=str(window[1]),
        reference_date=str(window[0]),
    )


async def test_the_fixes_an_order_names_are_tracked_to_the_next_campaigns(
    world: World, events: EventCounter, web: WebClient
) -> None:
    documents, school_form = await example(world, "documents"), await example(world, "school")
    campaign = await announce(world, documents)
    with region_clock(world.api, moscow(WINDOW[0], 12, 0)):
        await answer(world, campaign, "s1", [*LINKS, PROGRAMME | {"value": False}], True)
        await answer(world, campaign, "s2", [*LINKS, PROGRAMME], True)
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    act = await world.api.command(
        "programs", f"/organisations/{world.ids['m1']}/acts", officer, ORDER
    )
    body = {
        "municipality_id": str(world.ids["m1"]),
        "act_id": act["id"],
        "act_number": "94-14",
        "act_date": "2026-05-05",
        "fixes": [
            _fix(world, "s1", "1.5", "Сальникова Г.И."),
            _fix(world, "s1", "1.1", "Сальникова Г.И."),
            _fix(world, "s2", "1.2", "Петров П.П."),
            _fix(world, "s2", "1.3", "Петров П.П."),
        ],
    }

    before = await events()
    refusals = [
        ({**body, "fixes": [_fix(world, "s1", "9.9", "Сальникова Г.И.")]}, 400, "item_unknown"),
        (
            {**body, "fixes": [{**body["fixes"][0], "due_on": "2026-05-01"}]},
            400,
            "fix_due_before_order",
        ),
        ({**body, "fixes": [body["fixes"][0], body["fixes"][0]]}, 400, "fix_repeated"),
        ({**body, "fixes": [_fix(world, "s3", "1.1", "Иванов И.И.")]}, 400, "not_targeted"),
        ({**body, "municipality_id": str(world.ids["s1"])}, 400, "fix_order_issuer"),
    ]
    for wrong, status, code in refusals:
        refused = await _order(world, campaign, wrong, expect=status)
        assert refused["code"] == code, refused
        assert refused["message"][0].isupper()
        assert not refused["message"].isascii()
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    assert (await _order(world, campaign, body, director, 403))["code"] == "role_not_allowed"
    assert await events() == before  # nothing stored on refusal
    await _order(world, campaign, body)
    again = await _order(world, campaign, body, expect=409)
    assert again["code"] == "fix_order_exists"

    # the next campaign on the school form asks 1.2 as its item 2 (mapped), not 1.1, 1.3, 1.5
    await world.api.command(
        "registry",
        f"/forms/{documents}/mappings",
        world.token(Role.REGION_OFFICER, "region"),
        {"other_form_id": school_form, "pairs": [{"item": "1.2", "other_item": "2"}]},
    )
    autumn = await _next(
        world, school_form, "Мониторинг реализации", (date(2026, 10, 1), date(2026, 10, 10))
    )
    november = await _next(
        world,
        documents,
        "Мониторинг документов, повторный",
        (date(2026, 11, 1), date(2026, 11, 10)),
    )
    with region_clock(world.api, moscow(date(2026, 10, 5), 12, 0)):
        await answer(world, autumn, "s2", SCHOOL_ANSWERS, True)
    with region_clock(world.api, moscow(date(2026, 11, 5), 12, 0)):
        await answer(world, november, "s1", [*LINKS, PROGRAMME], True)
    await review(
        world,
        november,
        "s1",
        {"number": "1.1", "verdict": "not_accepted", "recommendation": "Приказ не подписан"},
        Role.INSTITUTE_METHODOLOGIST,
    )

    data = await world.api.graphql(officer, FIX_ORDERS, id=campaign)
    [order] = data["data"]["campaign"]["fixOrders"]
    assert (order["actNumber"], order["actDate"], order["act"]["title"]) == (
        "94-14",
        "2026-05-05",
        ORDER["title"],
    )
    tracked = {
        (f["organisationName"], f["number"]): (
            f["statusName"],
            f["nextCampaignTitle"],
            f["nextNumber"],
            f["nextAnswer"],
        )
        for f in order["fixes"]
    }
    assert tracked == {
        ("Школа № 1", "1.1"): (
            "не исправлено",  # answered, but the reviewer did not accept it
            "Мониторинг документов, повторный",
            "1.1",
            "https://school.ru/doc1",
        ),
        ("Школа № 1", "1.5"): ("исправлено", "Мониторинг документов, повторный", "1.5", "да"),
        ("Школа № 2", "1.2"): (
            "исправлено",  # through the mapping, on the other form
            "Мониторинг реализации",
            "2",
            "https://school.ru/prikaz-programma",
        ),
        ("Школа № 2", "1.3"): (  # the next campaign asking it has no answer from s2 yet
            "ждёт ответа в следующем мониторинге",
            "Мониторинг документов, повторный",
            "1.3",
            None,
        ),
    }
    first = next(f for f in order["fixes"] if f["number"] == "1.5")
    assert (first["director"], first["dueOn"], first["itemText"]) == (
        "Сальникова Г.И.",
        "2026-09-01",
        "Программа наставничества ОО",
    )

    own = await world.api.graphql(director, FIX_ORDERS, id=campaign)  # a school: its own fixes
    [seen] = own["data"]["campaign"]["fixOrders"]
    assert {f["organisationName"] for f in seen["fixes"]} == {"Школа № 1"}
    other = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m2"), FIX_ORDERS, id=campaign
    )
    assert other.get("data") is None or other["data"]["campaign"]["fixOrders"] == []

    await web.sign_in(officer)  # the results page lists the order and where each fix stands
    results = await web.get(f"/campaigns/{campaign}")
    fixes = results.text.split('id="fix-orders"')[1]
    assert "приказ № 94-14 от 05.05.2026" in fixes
    assert "исправлено — Мониторинг реализации, пункт 2" in fixes
    assert "не исправлено — Мониторинг документов, повторный, пункт 1.1" in fixes
