"""A form composed a row at a time on the web: each step turns the sections as the registry
holds them into the sections it is to hold, and nothing else changes."""

from __future__ import annotations

from typing import Any

from services.web.form_composer import with_item, with_requirement, with_section, without


def _item(number: str, text: str, kind: str = "link") -> dict[str, Any]:
    return {
        "number": number,
        "text": text,
        "kind": kind,
        "required": True,
        "options": [],
        "source": None,
    }


FORM: list[dict[str, Any]] = [
    {
        "number": "1",
        "title": "Документы",
        "items": [{**_item("1.5", "Программа", "yes_no"), "requirements": []}],
    }
]


def test_an_item_joins_its_section_and_a_section_comes_last() -> None:
    sections = with_section(FORM, "2", "Участники")
    sections = with_item(sections, "2", _item("2.1", "Число наставников", "number"))
    assert [s["number"] for s in sections] == ["1", "2"]
    assert sections[1]["items"] == [
        {**_item("2.1", "Число наставников", "number"), "requirements": []}
    ]
    assert FORM[0]["items"][0]["requirements"] == []  # the sections read are left as they were


def test_an_item_of_the_same_number_is_changed_in_place_keeping_its_requirements() -> None:
    sections = with_requirement(FORM, "1.5", "1.5.1", "Указаны формы наставничества")
    changed = with_item(sections, "2", _item("1.5", "Программа наставничества ОО", "yes_no"))
    [item] = changed[0]["items"]
    assert item["text"] == "Программа наставничества ОО"
    assert item["requirements"] == [{"number": "1.5.1", "text": "Указаны формы наставничества"}]


def test_an_item_or_a_requirement_is_removed_by_its_number() -> None:
    sections = with_requirement(FORM, "1.5", "1.5.1", "Указаны формы")
    assert without(sections, "1.5.1") == FORM
    assert without(sections, "1.5")[0]["items"] == []
