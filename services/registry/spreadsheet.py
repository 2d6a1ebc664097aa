"""A school's base as schools keep it today: an XLSX sheet with Russian headers, one person a row.

`read_base` turns a workbook into rows ready to register, and a list of per-row problems in
Russian that a coordinator can fix in the file. It stores nothing.

Any file may arrive, so the reading is bounded before and while it happens: the unpacked size of
the archive is checked before openpyxl opens it, the sheet is streamed (read-only mode) and
abandoned at the first row or column past a school's base, and one cell holds at most a page of
text. Memory and time stay small whatever the file claims about itself.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from openpyxl import load_workbook

from shared.adapters.settings import region_today
from shared.dictionaries import CATEGORY_NAMES, MenteeCategory
from shared.sheets import unneutralised

from .application import NewConsent, NewPerson
from .columns import COLUMNS, REQUIRED_COLUMNS, Base
from .domain import ConsentKind, ParticipantRole, PersonKind
from .labels import PERSON_KIND_NAMES

__all__ = ["COLUMNS", "Base", "Problem", "Row", "read_base"]

MAX_ROWS = 10_000  # a school's base is a few thousand people
MAX_COLUMNS = 50
MAX_CELL_CHARS = 2_000
MAX_UNPACKED_BYTES = 25 * 1024 * 1024  # ten thousand rows unpack to a few MB
MAX_ARCHIVE_ENTRIES = 1_000
HEADER_SEARCH_ROWS = 10  # a title or two may stand above the header
MAX_SHARED_STRINGS = MAX_ROWS * 15  # a text a cell at most
MAX_CELLS = MAX_ROWS * 30  # cells written in the sheet, empty styled ones too
MAX_ROW_CELLS = 1_000
SHARED_STRING = re.compile(rb"<si[\s>]")
ROW_OR_CELL = re.compile(rb"<row[\s>/]|<c[\s>/]")
UNREADABLE = "Файл не читается как книга Excel (.xlsx)"
TOO_LARGE = (
    f"Книга слишком велика для базы школы (в распакованном виде больше"
    f" {MAX_UNPACKED_BYTES // (1024 * 1024)} МБ, больше {MAX_ARCHIVE_ENTRIES} частей, больше"
    f" {MAX_SHARED_STRINGS} разных текстов или больше {MAX_CELLS} ячеек, больше {MAX_ROW_CELLS}"
    " в строке). Оставьте в файле один лист с базой, без рисунков и лишних листов"
)

KIND_BY_NAME = {name: PersonKind(code) for code, name in PERSON_KIND_NAMES.items()} | {
    "ученик": PersonKind.STUDENT,
    "учитель": PersonKind.TEACHER,
    "сотрудник партнера": PersonKind.PARTNER_EMPLOYEE,
}
CATEGORY_BY_NAME = {name.casefold(): category for category, name in CATEGORY_NAMES.items()}
DATE_TEXT = re.compile(r"\d{1,2}\.\d{1,2}\.\d{4}")
GRADE_NUMBER = re.compile(r"\s*(\d{1,2})(?!\d)")
# Age on the 1st of September of a pupil in class N: N + 5 or N + 6 as a rule; a class skipped
# or repeated twice still fits.
AGE_OVER_GRADE = range(4, 9)


class FileRefused(ValueError):
    """The whole file is refused before its rows are read."""


@dataclass
class Problem:
    row: int
    column: str | None
    message: str
    warning: bool = False  # worth a look, but the row loads


@dataclass
class Row:
    """One person from the sheet, with what goes into the base beyond the registration."""

    number: int
    person: NewPerson
    categories: list[MenteeCategory] = field(default_factory=list)
    requests: str | None = None
    needs: list[str] = field(default_factory=list)
    competences: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (column, message)


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def read_base(content: bytes, base: Base, school_id: Any) -> tuple[list[Row], list[Problem]]:
    try:
        _check_archive(content)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except FileRefused as refusal:
        return [], [Problem(0, None, str(refusal))]
    except Exception:
        return [], [Problem(0, None, UNREADABLE)]
    try:
        return _read_rows(workbook.worksheets[0], base, school_id)
    except FileRefused as refusal:
        return [], [Problem(0, None, str(refusal))]
    except IndexError:  # a book without sheets
        return [], [Problem(0, None, UNREADABLE)]
    finally:
        workbook.close()


def _check_archive(content: bytes) -> None:
    """Refuse a zip bomb from the archive's directory, before anything is unpacked, and what
    openpyxl would hold whole (the shared strings, a row's cells) past what a base can fill."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
        if len(entries) > MAX_ARCHIVE_ENTRIES:
            raise FileRefused(TOO_LARGE)
        if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
            raise FileRefused(TOO_LARGE)
        for entry in entries:
            name = entry.filename.casefold()
            if name.endswith("sharedstrings.xml"):
                if _tag_count(archive.open(entry), SHARED_STRING) > MAX_SHARED_STRINGS:
                    raise FileRefused(TOO_LARGE)
            elif name.startswith("xl/worksheets/"):
                _check_cells(archive.open(entry))
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise FileRefused(UNREADABLE) from None


def _tags(part: IO[bytes], tag: re.Pattern[bytes]) -> Iterator[bytes]:
    """The tags of an XML part as they stream by, a megabyte at a time (a tag cut between two
    chunks is found once: in the second, with the end of the first before it)."""
    tail = b""
    while chunk := part.read(1024 * 1024):
        text = tail + chunk
        yield from (m.group() for m in tag.finditer(text) if m.end() > len(tail))
        tail = text[-6:]


def _tag_count(part: IO[bytes], tag: re.Pattern[bytes]) -> int:
    return sum(1 for _ in _tags(part, tag))


def _check_cells(part: IO[bytes]) -> None:
    """openpyxl holds a whole row at once: bound the cells of a row, and of the sheet."""
    cells = in_row = 0
    for tag in _tags(part, ROW_OR_CELL):
        if tag.startswith(b"<r"):
            in_row = 0
            continue
        cells, in_row = cells + 1, in_row + 1
        if cells > MAX_CELLS or in_row > MAX_ROW_CELLS:
            raise FileRefused(TOO_LARGE)


def _read_rows(sheet: Any, base: Base, school_id: Any) -> tuple[list[Row], list[Problem]]:
    # One column past the limit is read so that a wider sheet is noticed, not cut silently.
    lines = enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1)
    header, header_row = _header(lines)
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, values in lines:
        if number - header_row > MAX_ROWS:
            limit = f"{MAX_ROWS:,}".replace(",", " ")
            raise FileRefused(
                f"В листе больше {limit} строк под заголовками: столько людей в базе школы"
                " не бывает. Проверьте, что на первом листе только база"
            )
        _check_width(values)
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        try:
            row = _row(number, cells, base, school_id)
        except RowError as error:
            problems.append(Problem(number, error.column, str(error)))
            continue
        rows.append(row)
        problems += [Problem(number, column, text, warning=True) for column, text in row.warnings]
    if not rows and not problems:
        raise FileRefused(
            "Под строкой заголовков нет ни одного человека. Если ячейки заполнены формулами,"
            " сохраните файл в Excel или LibreOffice Calc (тогда сохранятся их значения)"
            " или вставьте вместо формул значения"
        )
    return rows, problems


def _header(lines: Any) -> tuple[list[str], int]:
    """The header row among the first rows (a merged title may stand above it) and its number."""
    known = {name.casefold(): name for columns in COLUMNS.values() for name in columns}
    for number, values in lines:
        _check_width(values)
        names = [" ".join(str(v).split()) if v is not None else "" for v in values]
        header = [known.get(name.casefold(), name) for name in names]
        if all(column in header for column in REQUIRED_COLUMNS):
            return header, number
        if number >= HEADER_SEARCH_ROWS:
            break
    required = " и ".join(f"«{c}»" for c in REQUIRED_COLUMNS)
    raise FileRefused(
        f"В первых {HEADER_SEARCH_ROWS} строках листа нет строки заголовков со столбцами {required}"
    )


def _check_width(values: tuple[Any, ...]) -> None:
    if len(values) > MAX_COLUMNS and values[MAX_COLUMNS] not in (None, ""):
        raise FileRefused(
            f"В листе больше {MAX_COLUMNS} столбцов; в базе школы их {len(COLUMNS[Base.MENTEES])}."
            " Уберите лишние столбцы"
        )


def _row(number: int, cells: dict[str, Any], base: Base, school_id: Any) -> Row:
    full_name = _text(cells, "ФИО")
    if not full_name:
        raise RowError("ФИО", "Не указаны фамилия, имя и отчество")
    kind_name = (_text(cells, "Вид") or "").casefold()
    kind = KIND_BY_NAME.get(kind_name)
    if kind is None:
        known = ", ".join(sorted(KIND_BY_NAME))
        raise RowError("Вид", f"Неизвестный вид «{kind_name}»; допустимо: {known}")
    birth_date = _date(cells, "Дата рождения")
    if kind == PersonKind.STUDENT and birth_date is None:
        raise RowError("Дата рождения", "Для обучающегося нужна дата рождения")
    consent = None
    signed_on = _date(cells, "Согласие на обработку ПДн")
    if signed_on is not None:
        consent = NewConsent(
            kind=ConsentKind.PERSONAL_DATA,
            signed_on=signed_on,
            representative_name=_text(cells, "Законный представитель"),
            relation=_text(cells, "Степень родства"),
        )
    role = ParticipantRole.MENTEE if base == Base.MENTEES else ParticipantRole.MENTOR
    person = NewPerson(
        school_id=school_id,
        kind=kind,
        full_name=full_name,
        birth_date=birth_date,
        roles=[role],
        grade=_text(cells, "Класс"),
        contacts=_text(cells, "Контакты"),
        position=_text(cells, "Должность"),
        teaching_since=_date(cells, "Начало педагогического стажа"),
        mentor_capacity=_count(cells, "Число наставляемых") or 1,
        consent=consent,
    )
    return Row(
        number=number,
        person=person,
        categories=_categories(cells),
        requests=_text(cells, "Запрос"),
        needs=_list(cells, "Темы запроса"),
        competences=_list(cells, "Компетенции"),
        interests=_list(cells, "Интересы"),
        warnings=_age_warnings(kind, birth_date, person.grade),
    )


def _text(cells: dict[str, Any], column: str) -> str | None:
    value = cells.get(column)
    text = unneutralised(str(value).strip()) if value is not None else ""
    if len(text) > MAX_CELL_CHARS:
        raise RowError(column, f"В ячейке больше {MAX_CELL_CHARS} знаков; сократите текст")
    return text or None


def _date(cells: dict[str, Any], column: str) -> date | None:
    value = cells.get(column)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not DATE_TEXT.fullmatch(text):
        raise RowError(column, f"Дата «{text}» не в формате ДД.ММ.ГГГГ")
    try:
        return datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        raise RowError(column, f"Даты «{text}» не существует: проверьте день и месяц") from None


def _count(cells: dict[str, Any], column: str) -> int | None:
    value = cells.get(column)
    if value is None or value == "":
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise RowError(column, f"«{value}» — не число") from None
    if not 1 <= count <= 30:
        raise RowError(column, "Число наставляемых — от 1 до 30")
    return count


def _list(cells: dict[str, Any], column: str) -> list[str]:
    text = _text(cells, column) or ""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _categories(cells: dict[str, Any]) -> list[MenteeCategory]:
    categories = []
    for name in _list(cells, "Категории"):
        category = CATEGORY_BY_NAME.get(name.casefold())
        if category is None:
            allowed = "; ".join(CATEGORY_NAMES.values())
            raise RowError("Категории", f"Неизвестная категория «{name}»; допустимо: {allowed}")
        categories.append(category)
    return categories


def _age_warnings(
    kind: PersonKind, birth_date: date | None, grade: str | None, today: date | None = None
) -> list[tuple[str, str]]:
    """A pupil far too young or too old for the class: likely a typo in the date or the class."""
    number = GRADE_NUMBER.match(grade or "")
    if kind != PersonKind.STUDENT or birth_date is None or number is None:
        return []
    year = int(number.group(1))
    today = today or region_today()
    first_of_september = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    age = first_of_september.year - birth_date.year
    if (first_of_september.month, first_of_september.day) < (birth_date.month, birth_date.day):
        age -= 1
    expected = range(year + AGE_OVER_GRADE.start, year + AGE_OVER_GRADE.stop)
    if not 1 <= year <= 11 or age in expected:
        return []
    return [
        (
            "Дата рождения",
            f"Дата рождения {birth_date:%d.%m.%Y} не подходит к классу «{grade}»: на"
            f" {first_of_september:%d.%m.%Y} полных лет — {max(age, 0)}, а в {year} классе"
            f" учатся в {expected.start}–{expected.stop - 1} лет. Проверьте дату и класс",
        )
    ]
