"""A roadmap read from the table a school already has (DOCX or XLSX): columns recognised by
their Russian headers (№, мероприятие, сроки, ответственные, результат; a stage's name column
when the roadmap has one), block rows told from activities, each deadline parsed. Nothing is
stored: the draft goes back to the coordinator, who settles the unread deadlines, maps the
blocks to stages and saves it (`POST /schools/{id}/roadmap/written`)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from docx import Document
from openpyxl import load_workbook

from shared.kernel.errors import InvalidInput

from .deadlines import Unread, is_control_point, parse_deadline
from .labels import DEADLINE_KIND_NAMES

MAX_UNPACKED_BYTES = 10 * 1024 * 1024  # a zip bomb stops here, before any XML is parsed
MAX_ROWS = 2000
MAX_COLUMNS = 30
MAX_CELL = 4000

_COLUMNS = (  # the first header a cell matches names its column
    ("number", ("№", "номер")),
    ("deadline", ("срок", "длительность", "дата")),
    ("responsible", ("ответствен", "исполнител")),
    ("result", ("результат",)),
    ("block", ("наименование этапа", "этап")),
    ("activity", ("мероприят", "содержание", "наименование", "действ")),
)
_NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*)\.?\s+(.+)$", re.S)
_STAGE_ROW = re.compile(r"^этап\s+(\d{1,2})\.?\s*(.*)$", re.S | re.I)


@dataclass
class Draft:
    """What the table says, shaped as the API takes a roadmap, and what a person must settle."""

    blocks: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    unread: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, str]] = field(default_factory=list)  # how each was read
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "blocks": list(self.blocks.values()),
            "items": self.items,
            "unread": self.unread,
            "deadlines": self.deadlines,
            "skipped": self.skipped,
        }


def read_roadmap(content: bytes) -> Draft:
    """The draft of the roadmap in the first table of a DOCX, or the first sheet of an XLSX,
    that has a deadline column."""
    names = _zip_names(content)
    rows = _docx_rows(content) if "word/document.xml" in names else _xlsx_rows(content)
    return recognise(rows)


def _zip_names(content: bytes) -> set[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise InvalidInput(
            "roadmap_file_unreadable",
            "Файл не читается: нужен документ Word (.docx) или Excel (.xlsx)",
        ) from None
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise InvalidInput("roadmap_file_too_large", "Файл в распакованном виде больше 10 МБ")
    return {e.filename for e in entries}


def _docx_rows(content: bytes) -> list[list[str]]:
    tables = Document(io.BytesIO(content)).tables
    table = next((t for t in tables if _header(_docx_row(t.rows[0])) if t.rows), None)
    if table is None:
        return []
    return [_docx_row(row) for row in table.rows[:MAX_ROWS]]


def _docx_row(row: Any) -> list[str]:
    """The row's cells, a cell merged across columns counted once."""
    seen: list[Any] = []
    cells = []
    for cell in row.cells:
        if any(cell._tc is other for other in seen):
            cells.append("")
            continue
        seen.append(cell._tc)
        cells.append(cell.text[:MAX_CELL].strip())
    return cells


def _xlsx_rows(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise InvalidInput(
            "roadmap_file_unreadable",
            "Файл не читается: нужен документ Word (.docx) или Excel (.xlsx)",
        ) from None
    try:
        rows = workbook.worksheets[0].iter_rows(
            max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True
        )
        return [[_text(value) for value in row] for row in rows]
    finally:
        workbook.close()


def _text(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)[:MAX_CELL].strip()


def _header(cells: list[str]) -> dict[str, int]:
    """Columns by their role, when these cells are a header with activities and deadlines."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        text = " ".join(cell.lower().split())
        role = next((r for r, words in _COLUMNS if any(w in text for w in words)), None)
        if role == "block" and any(w in text for w in ("мероприят", "содержание")):
            role = "activity"  # «Этап, мероприятия этапа»
        if role is not None and role not in columns:
            columns[role] = index
    return columns if {"activity", "deadline"} <= columns.keys() else {}


def recognise(rows: list[list[str]]) -> Draft:
    """Block rows (a number without a dot, or «Этап N.», and nothing else filled) and numbered
    activities, each in the block of its number's first part."""
    start = next((i for i, row in enumerate(rows) if _header(row)), None)
    if start is None:
        raise InvalidInput(
            "roadmap_columns_missing",
            "В таблице не найдены столбцы «Мероприятие» и «Сроки»",
        )
    columns = _header(rows[start])
    draft = Draft()
    for line, row in enumerate(rows[start + 1 :], start=start + 2):
        _take(draft, line, {role: _cell(row, index) for role, index in columns.items()})
    return draft


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def _take(draft: Draft, line: int, cells: dict[str, str]) -> None:
    number, activity = cells.get("number", "").strip().rstrip("."), cells["activity"]
    if stage := _STAGE_ROW.match(activity):
        _block(draft, stage[1], stage[2])
        return
    if not number and (numbered := _NUMBERED.match(activity)):
        number, activity = numbered[1], numbered[2]
    rest = tuple(cells.get(c, "") for c in ("deadline", "responsible", "result"))
    if not number or not activity:
        if any((activity, *rest)):
            draft.skipped.append({"row": line, "message": "Строка без номера мероприятия"})
        return
    if "." not in number and not any(rest):
        _block(draft, number, activity)
        return
    block = number.split(".")[0]
    if cells.get("block"):
        _block(draft, block, cells["block"])
    elif block not in draft.blocks:
        _block(draft, block, activity)
    _item(draft, line, number, block, activity, cells)


def _block(draft: Draft, number: str, title: str) -> None:
    draft.blocks.setdefault(
        number, {"number": number, "title": " ".join(title.split()), "stage": None}
    )


def _item(
    draft: Draft, line: int, number: str, block: str, activity: str, cells: dict[str, str]
) -> None:
    words = " ".join(cells["deadline"].split())
    parsed = parse_deadline(words)
    index = len(draft.items)
    draft.items.append(
        {
            "number": number,
            "block": block,
            "activity": " ".join(activity.split()),
            "deadline": {"words": words},
            "responsible": [r for r in [" ".join(cells.get("responsible", "").split())] if r],
            "expected_result": " ".join(cells.get("result", "").split()),
            "control_point": is_control_point(words),
        }
    )
    if isinstance(parsed, Unread):
        draft.unread.append(
            {
                "row": line,
                "number": number,
                "field": f"items[{index}].deadline",
                "words": words,
                "message": parsed.reason,
            }
        )
    else:
        draft.deadlines.append({"number": number, "kind": DEADLINE_KIND_NAMES[parsed.kind]})
