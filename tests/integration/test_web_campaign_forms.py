"""A monitoring form composed by hand on the web, without JavaScript, a row at a time: the
document list 1.1–1.5 with its sub-requirements comes out as the ready example holds it; every
kind of item (a choice with options, a value the platform computes, a link, a number, a date,
text, a file) is typed in; a wrong row comes back beside its field and stores nothing; a form a
campaign runs is changed as its next version."""

from __future__ import annotations

import re
from typing import Any

from services.registry.form_examples import DOCUMENT_LIST
from shared.kernel.principal import Role
from tests.conftest import World
from tests.web_support import WebClient

SECTIONS = """{ formTemplates { id title version inUse sections { number title items {
  number text kind required options source requirements { number text } } } } }"""


async def _sections(world: World, form_id: str) -> tuple[int, list[Any]]:
    found = await world.api.graphql(world.token(Role.MUNICIPALITY_OFFICER, "m1"), SECTIONS)
    form = next(f for f in found["data"]["formTemplates"] if f["id"] == form_id)
    return form["version"], form["sections"]


async def _start(web: WebClient, title: str, section: tuple[str, str], item: dict[str, str]) -> str:
    await web.get("/campaigns/forms/new")
    made = await web.submit(
        "/campaigns/forms/new",
        {"title": title, "s_number": section[0], "s_title": section[1], **item},
    )
    assert made.status_code == 303, made.text
    found = re.search(r"/campaigns/forms/([0-9a-f-]{36})", made.headers["location"])
    assert found is not None
    return found.group(1)


async def _step(web: WebClient, page: str, fields: dict[str, str], status: int = 303) -> str:
    await web.get(page)
    sent = await web.submit(page, fields)
    assert sent.status_code == status, sent.text
    return sent.text


def _item(number: str, text: str, kind: str, **more: str) -> dict[str, str]:
    return {"i_number": number, "i_text": text, "i_kind": kind, **more}


def _beside(html: str, name: str) -> str:
    found = re.search(rf'id="e-{re.escape(name)}">([^<]+)<', html)
    assert found is not None, f"no message beside {name}"
    return found.group(1)


async def test_the_document_list_is_composed_by_hand_as_the_example_holds_it(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    example = DOCUMENT_LIST["sections"][0]
    items = example["items"]
    form_id = await _start(
        web,
        DOCUMENT_LIST["title"],
        (example["number"], example["title"]),
        _item(items[0]["number"], items[0]["text"], items[0]["kind"]),
    )
    page = f"/campaigns/forms/{form_id}"
    for item in items[1:]:
        await _step(
            web,
            page,
            {
                "action": "item",
                "i_section": "1",
                **_item(item["number"], item["text"], item["kind"]),
            },
        )
    for requirement in items[4]["requirements"]:
        await _step(
            web,
            page,
            {
                "action": "requirement",
                "r_item": "1.5",
                "r_number": requirement["number"],
                "r_text": requirement["text"],
            },
        )
    before = await _sections(world, form_id)

    outside = await _step(
        web,
        page,
        {"action": "requirement", "r_item": "1.5", "r_number": "2.1", "r_text": "Чужое"},
        400,
    )
    assert "внутри пункта 1.5" in _beside(outside, "r_number")
    assert 'value="2.1"' in outside  # what was typed stays
    no_options = await _step(
        web, page, {"action": "item", "i_section": "1", **_item("1.6", "Форма", "choice")}, 400
    )
    assert "варианты ответа" in _beside(no_options, "i_options")
    bad_number = await _step(
        web, page, {"action": "section", "s_number": "второй", "s_title": "Кадры"}, 400
    )
    assert "номер должен быть" in _beside(bad_number, "s_number")
    assert await _sections(world, form_id) == before  # nothing stored on refusal

    version, sections = before
    assert version == 1
    assert [(s["number"], s["title"]) for s in sections] == [("1", example["title"])]
    composed = sections[0]["items"]
    assert [(i["number"], i["text"], i["kind"]) for i in composed] == [
        (i["number"], i["text"], i["kind"]) for i in items
    ]
    assert composed[4]["requirements"] == items[4]["requirements"]
    shown = await web.get(page)
    assert "1.5.3 Определены показатели мониторинга" in shown.text


async def test_every_kind_is_typed_in_and_a_form_in_use_changes_as_its_next_version(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    form_id = await _start(
        web,
        "Мониторинг школы",
        ("1", "Документы"),
        _item("1.1", "Ссылка на положение", "link"),
    )
    page = f"/campaigns/forms/{form_id}"
    await _step(web, page, {"action": "section", "s_number": "2", "s_title": "Показатели"})
    rows = [
        _item("2.1", "Число наставников", "number"),
        _item("2.2", "Наставники по данным платформы", "computed", i_source="mentors"),
        _item("2.3", "Дата приказа", "date"),
        _item(
            "2.4", "Форма наставничества", "choice", i_options="ученик — ученик\nучитель — ученик"
        ),
        _item("2.5", "Комментарий", "text", i_optional="yes"),
        _item("2.6", "Скан приказа", "file"),
        _item("2.7", "Есть куратор", "yes_no"),
    ]
    for row in rows:
        await _step(web, page, {"action": "item", "i_section": "2", **row})
    # a draft's item changed in place, another removed
    await _step(
        web,
        page,
        {"action": "item", "i_section": "2", **_item("2.1", "Наставников всего", "number")},
    )
    await _step(web, page, {"action": "remove", "number": "2.6"})
    version, sections = await _sections(world, form_id)
    assert version == 1
    second = {i["number"]: i for i in sections[1]["items"]}
    assert list(second) == ["2.1", "2.2", "2.3", "2.4", "2.5", "2.7"]
    assert second["2.1"]["text"] == "Наставников всего"
    assert second["2.2"]["source"] == "mentors"
    assert second["2.4"]["options"] == ["ученик — ученик", "учитель — ученик"]
    assert second["2.5"]["required"] is False
    assert {i["kind"] for i in second.values()} == {
        "number",
        "computed",
        "date",
        "choice",
        "text",
        "yes_no",
    }

    await world.campaign(form_id=form_id)  # a campaign runs version 1: it is fixed now
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    shown = await web.get(page)
    assert "сохранятся как версия 2" in shown.text
    await _step(
        web,
        page,
        {"action": "item", "i_section": "1", **_item("1.2", "Ссылка на программу", "link")},
    )
    version, sections = await _sections(world, form_id)
    assert version == 2
    assert [i["number"] for i in sections[0]["items"]] == ["1.1", "1.2"]
    runs = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        "{ campaigns { form { version sections { items { number } } } } }",
    )
    ran = runs["data"]["campaigns"][0]["form"]
    assert ran["version"] == 1
    assert [i["number"] for i in ran["sections"][0]["items"]] == ["1.1"]
