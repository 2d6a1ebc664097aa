"""A school loads its base from XLSX (all rows or none, errors by row) and exports it back."""

from __future__ import annotations

import asyncio
import io
import time
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook

from services.registry.spreadsheet import COLUMNS, Base
from shared.kernel.principal import Role
from tests.conftest import EventCounter, World

ROWS = 2000


def mentee_row(index: int) -> dict[str, Any]:
    return {
        "ФИО": f"Ученик{index:04d} Тестовый Импортович",
        "Дата рождения": date(2012, 1 + index % 12, 1 + index % 28),
        "Вид": "обучающийся",
        "Класс": f"{5 + index % 6}А",
        "Согласие на обработку ПДн": "01.09.2025",
        "Законный представитель": f"Родитель{index:04d} Тестовый",
        "Степень родства": "мать",
        "Категории": "с низкими образовательными результатами" if index % 3 == 0 else "",
        "Запрос": "Помощь с математикой" if index % 5 == 0 else "",
    }


def workbook(
    rows: list[dict[str, Any]], base: Base = Base.MENTEES, title: str | None = None
) -> bytes:
    """A base with the header in the first row, or under a merged title as schools keep it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if title is not None:
        sheet.append([title])
        sheet.merge_cells("A1:F1")
    sheet.append(list(COLUMNS[base]))
    for row in rows:
        sheet.append([row.get(column) for column in COLUMNS[base]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def upload(
    world: World, content: bytes, base: str = "mentees", school: str = "s1"
) -> dict[str, Any]:
    """Upload a file and wait for its import to finish; return the job's final state."""
    headers = world.api.auth(world.coordinator(school))
    started = await world.api.registry.post(
        f"/schools/{world.ids[school]}/imports",
        params={"base": base},
        headers=headers,
        files={"data": ("base.xlsx", content, "application/octet-stream")},
    )
    assert started.status_code == 202, started.text
    for _ in range(1200):
        job: dict[str, Any] = (
            await world.api.registry.get(f"/imports/{started.json()['id']}", headers=headers)
        ).json()
        if job["status"] in {"done", "rejected", "failed"}:
            return job
        await asyncio.sleep(0.05)
    raise AssertionError(f"import did not finish: {job}")


async def test_a_file_with_errors_is_rejected_whole_with_every_problem_by_row(
    world: World, events: EventCounter
) -> None:
    rows = [mentee_row(i) for i in range(ROWS)]
    rows[13]["ФИО"] = ""  # sheet row 15
    rows[98]["Дата рождения"] = date(2099, 1, 1)  # row 100
    rows[498]["Законный представитель"] = None  # row 500: a minor signs alone
    rows[1498] = dict(rows[1398])  # row 1500 repeats row 1400
    rows[1997]["Вид"] = "космонавт"  # row 1999
    before = await events()

    job = await upload(world, workbook(rows))

    assert job["status"] == "rejected"
    assert job["total"] == ROWS
    problems = {p["row"]: p["message"] for p in job["problems"] if not p["warning"]}
    assert sorted(problems) == [15, 100, 500, 1500, 1999]
    assert problems[15] == "Не указаны фамилия, имя и отчество"
    assert problems[100] == "Дата рождения не может быть в будущем"
    assert "законный представитель" in problems[500]
    assert "строке 1400" in problems[1500]
    assert "Неизвестный вид «космонавт»" in problems[1999]
    assert await events() == before


async def test_two_thousand_rows_load_and_export_back(world: World) -> None:
    started = time.perf_counter()
    job = await upload(world, workbook([mentee_row(i) for i in range(ROWS)]))
    elapsed = time.perf_counter() - started
    print(f"\nimport of {ROWS} rows: {elapsed:.2f} s")  # reported in the closing note

    coordinator = world.coordinator("s1")
    data = await world.api.graphql(
        coordinator,
        """{ people(role: MENTEE, search: "ученик0007")
        { totalCount edges { node { fullName grade menteeProfile { categories requests }
        consents { signedBy relation } } } } all: people { totalCount } }""",
    )
    again = await upload(world, workbook([mentee_row(7)]))
    exported = await world.api.reporting.get(
        "/exports/mentees", headers=world.api.auth(coordinator)
    )
    foreign = await world.api.reporting.get(
        "/exports/mentees", headers=world.api.auth(world.token(Role.REGION_OFFICER, "region"))
    )

    assert job["status"] == "done", job
    assert data["data"]["all"]["totalCount"] == ROWS
    [found] = data["data"]["people"]["edges"]
    assert found["node"] == {
        "fullName": "Ученик0007 Тестовый Импортович",
        "grade": "6А",
        "menteeProfile": {"categories": [], "requests": None},
        "consents": [{"signedBy": "Родитель0007 Тестовый", "relation": "мать"}],
    }
    assert again["status"] == "rejected"
    assert again["problems"][0]["message"] == "Этот человек уже есть в базе школы"
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("ФИО", "Дата рождения", "Вид")
    assert len(lines) == ROWS + 1
    assert lines[1][:3] == ("Ученик0000 Тестовый Импортович", datetime(2012, 1, 1), "обучающийся")
    assert "с низкими образовательными результатами" in lines[1]
    region_sheet = load_workbook(io.BytesIO(foreign.content)).active
    assert region_sheet is not None
    assert region_sheet.max_row == 1  # headers only: no names above the school


async def test_an_unreadable_file_is_refused_with_a_message(world: World) -> None:
    job = await upload(world, b"this is not a workbook")

    assert job["status"] == "rejected"
    assert job["problems"] == [
        {
            "row": 0,
            "column": None,
            "message": "Файл не читается как книга Excel (.xlsx)",
            "warning": False,
        }
    ]
