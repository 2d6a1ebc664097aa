"""A school's base as schools keep it today: an XLSX sheet with Russian headers, one person a row.

`read_base` turns a workbook into rows ready to register, and a list of per-row problems in
Russian that a coordinator can fix in the file. It stores nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from openpyxl import load_workbook

from shared.dictionaries import CATEGORY_NAMES, MenteeCategory

from .application import NewConsent, NewPerson
from .domain import ConsentKind, ParticipantRole, PersonKind
from .labels import PERSON_KIND_NAMES


class Base(StrEnum):
    MENTEES = "mentees"
    MENTORS = "mentors"


KIND_BY_NAME = {name: PersonKind(code) for code, name in PERSON_KIND_NAMES.items()} | {
    "ученик": PersonKind.STUDENT,
    "учитель": PersonKind.TEACHER,
    "сотрудник партнера": PersonKind.PARTNER_EMPLOYEE,
}
CATEGORY_BY_NAME = {name: category for category, name in CATEGORY_NAMES.items()}


@dataclass
class Problem:
    row: int
    column: str | None
    message: str


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


class RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def read_base(content: bytes, base: Base, school_id: Any) -> tuple[list[Row], list[Problem]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        return [], [Problem(0, None, "Файл не читается как книга Excel (.xlsx)")]
    sheet = workbook.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(lines, ())]
    missing = [c for c in ("ФИО", "Вид") if c not in header]
    if missing:
        return [], [Problem(1, None, f"В первой строке нет столбцов: {', '.join(missing)}")]
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, values in enumerate(lines, start=2):
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        try:
            rows.append(_row(number, cells, base, school_id))
        except RowError as error:
            problems.append(Problem(number, error.column, str(error)))
    workbook.close()
    return rows, problems


def _row(number: int, cells: dict[str, Any], base: Base, school_id: Any) -> Row:
    full_name = _text(cells, "ФИО")
    if not full_name:
        raise RowError("ФИО", "Не указаны фамилия, имя и отчество")
    kind_name = (_text(cells, "Вид") or "").lower()
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
        competences=_list(cells, "Компетенции"),
        interests=_list(cells, "Интересы"),
    )


def _text(cells: dict[str, Any], column: str) -> str | None:
    value = cells.get(column)
    text = str(value).strip() if value is not None else ""
    return text or None


def _date(cells: dict[str, Any], column: str) -> date | None:
    value = cells.get(column)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d.%m.%Y").date()
    except ValueError:
        raise RowError(column, f"Дата «{value}» не в формате ДД.ММ.ГГГГ") from None


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
        category = CATEGORY_BY_NAME.get(name.lower())
        if category is None:
            raise RowError("Категории", f"Неизвестная категория «{name}»")
        categories.append(category)
    return categories
