"""Writing the XLSX files people open in Excel or LibreOffice Calc.

Every text cell is written as text and one that a spreadsheet would take for a formula (it begins
with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading apostrophe, as the OWASP
guidance on CSV/formula injection says: a name like `=HYPERLINK(…)` must never become a live link.
Dates are real dates shown as ДД.ММ.ГГГГ, and every column is wide enough for what it holds.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD.MM.YYYY"
MOMENT_FORMAT = "DD.MM.YYYY HH:MM"
MIN_WIDTH, MAX_WIDTH = 10, 60


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as typed and never evaluates."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)  # control characters XLSX cannot hold
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unneutralised(text: str) -> str:
    """What `neutralised` was given: the way back when a file the platform wrote is loaded."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def append_rows(sheet: Worksheet, rows: Iterable[Sequence[Any]]) -> None:
    """Append rows of plain values: text neutralised, dates and moments as real dates."""
    for values in rows:
        sheet.append([neutralised(v) if isinstance(v, str) else v for v in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = MOMENT_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT


def fit_columns(sheet: Worksheet) -> None:
    """Each column as wide as its longest value (within bounds), as a person would set it."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                shown = 10 if isinstance(cell.value, date) else len(str(cell.value))
                widths[cell.column] = max(widths.get(cell.column, 0), shown)
    for column, width in widths.items():
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet XLSX file: the header row, then the rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    fill_table(sheet, title, header, rows)
    return saved(book)


def fill_table(
    sheet: Worksheet, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """A sheet titled, with the header row, then the rows."""
    sheet.title = title[:31]  # Excel's limit for a sheet name
    append_rows(sheet, [header, *rows])
    fit_columns(sheet)
