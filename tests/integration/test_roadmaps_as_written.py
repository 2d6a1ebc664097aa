"""The roadmaps of seeds 000, 003 and 004 entered as written through the programs API and read
back through GraphQL: numbers, blocks, deadlines in their own words, and what is overdue on
chosen dates. An unreadable deadline is a 422 naming the field, with nothing stored."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook

from tests.conftest import EventCounter, World
from tests.roadmap_seeds import (
    DONETSK,
    KOVROV,
    KREMOVO,
    NOVOKUZNETSK,
    SeedRoadmap,
    stage_table_rows,
    table_rows,
)

ROADMAP = """query($s: ID!, $on: Date!, $year: String) {
  roadmap(schoolId: $s, on: $on, schoolYear: $year) {
    roadmapTitle roadmapOrderNumber roadmapOrderDate overdueCount
    items {
      id number block blockTitle stage deadline deadlineKind recurring dueOn controlPoint overdue
    }
  }
}"""


async def issue_order(world: World, school: str, roadmap: SeedRoadmap) -> str:
    """The implementation order for the roadmap's period; the school's path in the API."""
    base = f"/schools/{world.ids[school]}"
    await world.api.command(
        "programs",
        f"{base}/implementation",
        world.coordinator(school),
        {
            "number": "234-а",
            "order_date": str(roadmap.starts),
            "period_from": str(roadmap.starts),
            "period_to": str(roadmap.ends),
        },
    )
    return base


async def enter(world: World, school: str, roadmap: SeedRoadmap, **approval: str) -> None:
    base = await issue_order(world, school, roadmap)
    await world.api.command(
        "programs",
        f"{base}/roadmap/written",
        world.coordinator(school),
        {"title": roadmap.title, "blocks": roadmap.blocks_body(), "items": roadmap.items()}
        | approval,
    )


async def read(world: World, school: str, on: date, year: str | None = None) -> dict[str, Any]:
    answer = await world.api.graphql(
        world.coordinator(school), ROADMAP, s=str(world.ids[school]), on=str(on), year=year
    )
    roadmap: dict[str, Any] = answer["data"]["roadmap"]
    return roadmap


def overdue(roadmap: dict[str, Any]) -> list[str]:
    return [i["number"] for i in roadmap["items"] if i["overdue"]]


async def test_the_kovrov_roadmap_as_written_and_its_overdue_lists(world: World) -> None:
    await enter(world, "s1", KOVROV)

    autumn_2020 = await read(world, "s1", date(2020, 12, 1))
    autumn_2023 = await read(world, "s1", date(2023, 12, 1))
    item = {i["number"]: i for i in autumn_2023["items"]}
    await world.api.command(
        "programs",
        f"/schools/{world.ids['s1']}/roadmap/items/{item['2.1']['id']}/progress",
        world.coordinator("s1"),
        {"status": "done", "on": "2023-09-25", "school_year": "2023/24"},
    )
    done_2023 = await read(world, "s1", date(2023, 12, 1), "2023/24")

    assert [(i["number"], i["deadline"]) for i in autumn_2020["items"]] == [
        (number, words) for number, _, words, _, _ in KOVROV.rows
    ]
    assert autumn_2020["roadmapTitle"] == KOVROV.title
    assert (item["8.1"]["blockTitle"], item["8.1"]["stage"], item["4.1"]["stage"]) == (
        "Информирование о реализации программы наставничества",
        None,
        5,
    )
    assert (item["1.4"]["deadlineKind"], item["2.1"]["recurring"], item["6.1"]["dueOn"]) == (
        "months",
        True,
        "2024-12-31",
    )
    yearly_autumn = ["2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4", "3.5"]
    yearly_autumn += ["4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "8.2"]
    one_offs_2020 = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]
    assert overdue(autumn_2020) == one_offs_2020 + yearly_autumn
    assert overdue(autumn_2023) == yearly_autumn  # 2020's one-offs are not overdue in 2023/24
    assert overdue(done_2023) == yearly_autumn[1:]
    # «Ежегодно»: each school year, by its end — not «по отдельному графику»
    yearly = {n: (item[n]["deadlineKind"], item[n]["recurring"], item[n]["dueOn"]) for n in item}
    assert {n: yearly[n] for n in ("7.4", "8.1", "8.3", "9.1")} == dict.fromkeys(
        ("7.4", "8.1", "8.3", "9.1"), ("yearly", True, "2024-08-31")
    )
    assert item["5.3"]["deadlineKind"] == "schedule"


async def test_the_novokuznetsk_roadmap_across_two_school_years(world: World) -> None:
    await enter(world, "s1", NOVOKUZNETSK)

    march_2021 = await read(world, "s1", date(2021, 3, 1))
    january_2022 = await read(world, "s1", date(2022, 1, 10))
    item = {i["number"]: i for i in march_2021["items"]}

    assert [(i["number"], i["deadline"]) for i in march_2021["items"]] == [
        (number, words) for number, _, words, _, _ in NOVOKUZNETSK.rows
    ]
    # a control point: what it checks (SWOT, the curator's questionnaire) and by when
    assert (item["1.6"]["controlPoint"], item["1.6"]["deadlineKind"], item["1.6"]["dueOn"]) == (
        True,
        "relative",
        "2021-01-17",
    )
    assert (item["7.1"]["deadline"], item["7.1"]["dueOn"]) == ("Декабрь", None)  # 2020 or 2021
    assert overdue(march_2021) == [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "2.4", "3.2", "3.3",
        "5.1", "5.2", "5.3", "5.4", "5.5", "6.4", "6.5", "6.6", "7.7",
    ]  # fmt: skip
    assert overdue(january_2022) == ["6.1", "6.2", "6.3", "7.5", "7.6"]


async def test_the_donetsk_roadmap_with_its_own_title_and_order(world: World) -> None:
    await enter(world, "s1", DONETSK, order_number="852", order_date="2023-09-06")

    december = await read(world, "s1", date(2023, 12, 1))
    july = await read(world, "s1", date(2024, 7, 1))

    assert (december["roadmapOrderNumber"], december["roadmapOrderDate"]) == ("852", "2023-09-06")
    assert [(i["number"], i["deadline"], i["stage"]) for i in december["items"]] == [
        ("1", "Сентябрь", 1),
        ("2", "Октябрь", 2),
        ("3", "Октябрь", 3),
        ("4", "Ноябрь", 4),
        ("5", "Ноябрь-май", 6),
        ("6", "Июнь", 7),
        ("7", "Июнь", None),
    ]
    assert overdue(december) == ["1", "2", "3", "4"]
    assert overdue(july) == ["1", "2", "3", "4", "5", "6", "7"]


async def test_the_kremovo_stages_with_no_deadlines_as_written(world: World) -> None:
    """Seed 002 states its activities stage by stage and gives no deadline: each goes in
    without one, and none is ever overdue."""
    await enter(world, "s1", KREMOVO)

    days = [date(2023, 10, 1), date(2024, 5, 31), date(2026, 1, 15)]
    read_on = [await read(world, "s1", day) for day in days]
    items = read_on[0]["items"]

    stages = {block: stage for block, _, stage in KREMOVO.blocks}
    assert [(i["number"], i["block"], i["stage"]) for i in items] == [
        ("" if number.endswith(".") else number, block, stages[block])
        for number, block in ((row[0], row[0].split(".")[0]) for row in KREMOVO.rows)
    ]
    assert {(i["deadline"], i["deadlineKind"], i["dueOn"]) for i in items} == {("", "none", None)}
    assert [r["overdueCount"] for r in read_on] == [0, 0, 0]


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"deadline": {"words": "когда получится"}}, "deadline_unread", "items[1].deadline"),
        ({"deadline": {"words": "31.02.2021"}}, "deadline_unread", "items[1].deadline"),
        ({"block": "10"}, "block_not_found", "items[1].block"),
    ],
)
async def test_a_roadmap_with_bad_input_is_refused_whole(
    world: World, events: EventCounter, change: dict[str, Any], code: str, field: str
) -> None:
    await enter(world, "s1", DONETSK)
    base = await issue_order(world, "s2", DONETSK)
    items = DONETSK.items()
    items[1] |= change
    before = await events()

    answer = await world.api.command(
        "programs",
        f"{base}/roadmap/written",
        world.coordinator("s2"),
        {"blocks": DONETSK.blocks_body(), "items": items},
        expect=422,
    )

    assert await events() == before
    assert (answer["code"], answer["details"]["field"]) == (code, field)
    assert "Срок" in answer["message"] or "раздела" in answer["message"]


def docx_of(rows: list[list[str]]) -> bytes:
    """A Word document with the roadmap's table, as a school keeps it (A4, a title above)."""
    document = Document()
    document.add_paragraph("План мероприятий (дорожная карта)")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_of(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def imported(world: World, school: str, name: str, content: bytes) -> dict[str, Any]:
    response = await world.api.programs.post(
        f"/schools/{world.ids[school]}/roadmap/import",
        headers=world.api.auth(world.coordinator(school)),
        files={"data": (name, content, "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    draft: dict[str, Any] = response.json()
    return draft


# What an activity is on a day, as both ways of entering a roadmap must give it.
AS_READ = ["number", "blockTitle", "stage", "deadline", "deadlineKind", "recurring", "dueOn"]
AS_READ += ["controlPoint", "overdue"]


def as_read(roadmap: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [tuple(i[field] for field in AS_READ) for i in roadmap["items"]]


@pytest.mark.parametrize(
    ("roadmap", "table", "days", "expected"),
    [
        (KOVROV, lambda r: docx_of(table_rows(r)), (date(2020, 12, 1), date(2023, 12, 1)), 23),
        (
            NOVOKUZNETSK,
            lambda r: docx_of(stage_table_rows(r)),
            (date(2021, 3, 1), date(2022, 1, 10)),
            21,
        ),
        (
            NOVOKUZNETSK,
            lambda r: xlsx_of(stage_table_rows(r)),
            (date(2021, 3, 1), date(2022, 1, 10)),
            21,
        ),
        (DONETSK, lambda r: docx_of(table_rows(r)), (date(2023, 12, 1), date(2024, 7, 1)), 4),
    ],
    ids=["kovrov-docx", "novokuznetsk-docx", "novokuznetsk-xlsx", "donetsk-docx"],
)
async def test_a_roadmap_imported_from_its_table_reads_as_the_one_typed_in(
    world: World,
    events: EventCounter,
    roadmap: SeedRoadmap,
    table: Callable[[SeedRoadmap], bytes],
    days: tuple[date, date],
    expected: int,
) -> None:
    """The table read back as written; the coordinator maps the blocks to stages and saves.
    Activity by activity — number, block, stage, deadline in its words and what it means, the
    day it falls due, control point, overdue — on chosen days it reads as the same roadmap
    typed into the API at another school (whose lists the tests above check)."""
    await enter(world, "s2", roadmap)
    base = await issue_order(world, "s1", roadmap)
    before = await events()

    draft = await imported(world, "s1", "roadmap", table(roadmap))
    stored_by_import = await events()
    stages = {number: stage for number, _, stage in roadmap.blocks}
    blocks = [block | {"stage": stages[block["number"]]} for block in draft["blocks"]]
    await world.api.command(
        "programs",
        f"{base}/roadmap/written",
        world.coordinator("s1"),
        {"title": roadmap.title, "blocks": blocks, "items": draft["items"]},
    )
    by_import = [await read(world, "s1", day) for day in days]
    by_api = [await read(world, "s2", day) for day in days]

    assert stored_by_import == before
    assert draft["unread"] == []
    assert [(i["number"], i["deadline"]) for i in by_import[0]["items"]] == [
        (number, words) for number, _, words, _, _ in roadmap.rows
    ]
    for imported_on, typed_on in zip(by_import, by_api, strict=True):
        assert as_read(imported_on) == as_read(typed_on)
        assert overdue(imported_on) == overdue(typed_on)
    assert by_import[0]["overdueCount"] == expected


async def test_an_unread_deadline_of_an_imported_table_is_settled_before_saving(
    world: World,
) -> None:
    rows = table_rows(DONETSK)
    rows[2][2] = "в начале учебного года"  # activity 1: no deadline the platform reads
    base = await issue_order(world, "s1", DONETSK)

    draft = await imported(world, "s1", "roadmap.docx", docx_of(rows))
    body = {"blocks": draft["blocks"], "items": draft["items"]}
    refused = await world.api.command(
        "programs", f"{base}/roadmap/written", world.coordinator("s1"), body, expect=422
    )
    draft["items"][0]["deadline"] = {"words": "Сентябрь"}  # the coordinator settles it
    await world.api.command("programs", f"{base}/roadmap/written", world.coordinator("s1"), body)
    wrong_file = await world.api.programs.post(
        f"{base}/roadmap/import",
        headers=world.api.auth(world.coordinator("s1")),
        files={"data": ("roadmap.docx", b"not a document", "application/octet-stream")},
    )

    assert draft["unread"] == [
        {
            "row": 3,
            "number": "1",
            "field": "items[0].deadline",
            "words": "в начале учебного года",
            "message": "Срок не распознан: укажите его иначе",
        }
    ]
    assert (refused["code"], refused["details"]["field"]) == (
        "deadline_unread",
        "items[0].deadline",
    )
    assert (wrong_file.status_code, wrong_file.json()["code"]) == (400, "roadmap_file_unreadable")
