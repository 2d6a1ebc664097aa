"""Exports of a school's bases to XLSX with Russian headers, read under the caller's scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg
import strawberry
from litestar import Request, get
from litestar.datastructures import State
from litestar.response import Response
from openpyxl import Workbook

from services.registry.columns import COLUMNS, FILE_NAMES, SHEET_TITLES, Base
from services.registry.labels import PERSON_KIND_NAMES
from shared.adapters.database import scoped_reads
from shared.dictionaries import CATEGORY_NAMES, MenteeCategory
from shared.kernel.principal import Principal
from shared.kernel.scope import Level, depth
from shared.sheets import XLSX, append_rows, fill_table, fit_columns, saved, table_workbook

from .graphql.context import Reader
from .graphql.indicators import breakdown, indicator_table
from .projections.people import SELF_SIGNED

# The export writes the very columns the import reads (one set, `services.registry.columns`),
# so that an exported base loads back into a school as it is; each column's value below.
VALUES: dict[str, Callable[[asyncpg.Record], Any]] = {
    "ФИО": lambda r: r["full_name"],
    "Дата рождения": lambda r: r["birth_date"],
    "Вид": lambda r: PERSON_KIND_NAMES.get(r["kind"], r["kind"]),
    "Класс": lambda r: r["grade"],
    "Должность": lambda r: r["position"],
    "Начало педагогического стажа": lambda r: r["teaching_since"],
    "Контакты": lambda r: r["contacts"],
    "Согласие на обработку ПДн": lambda r: r["consent_signed_on"],
    "Законный представитель": lambda r: (
        None if r["consent_signed_by"] == SELF_SIGNED else r["consent_signed_by"]
    ),
    "Степень родства": lambda r: r["consent_relation"],
    "Категории": lambda r: ", ".join(
        CATEGORY_NAMES[MenteeCategory(c)] for c in r["mentee_categories"]
    ),
    "Запрос": lambda r: r["requests"],
    "Темы запроса": lambda r: ", ".join(r["mentee_needs"]),
    "Компетенции": lambda r: ", ".join(r["competences"]),
    "Интересы": lambda r: ", ".join(r["interests"]),
    "Число наставляемых": lambda r: r["mentor_capacity"],
}

PEOPLE_WITH_CONSENT = """
SELECT p.*, c.signed_on AS consent_signed_on, c.signed_by AS consent_signed_by,
       c.relation AS consent_relation
FROM people p
LEFT JOIN LATERAL (
    SELECT signed_on, signed_by, relation FROM consents
    WHERE person_id = p.id AND kind = 'personal_data' AND withdrawn_on IS NULL
    ORDER BY signed_on DESC LIMIT 1
) c ON true
WHERE {role} ORDER BY p.full_name, p.id
"""


# The bank of requests, every school year's apart: a second sheet, which the import does not
# read (it takes the first), so the base still loads back as it is.
REQUESTS_SHEET = "Банк запросов"
REQUEST_COLUMNS = ("ФИО", "Учебный год", "Категории", "Запрос", "Темы запроса")
REQUESTS_BY_YEAR = """
SELECT p.full_name, r.school_year, r.categories, r.requests, r.needs
FROM mentee_requests r JOIN people p ON p.id = r.person_id
ORDER BY p.full_name, p.id, r.school_year
"""


def workbook_of(
    base: Base, rows: list[asyncpg.Record], requests: list[asyncpg.Record] | None = None
) -> bytes:
    columns = COLUMNS[base]
    values = [[VALUES[column](row) for column in columns] for row in rows]
    if requests is None:
        return table_workbook(SHEET_TITLES[base], columns, values)
    book = Workbook()
    assert book.active is not None
    fill_table(book.active, SHEET_TITLES[base], columns, values)
    fill_table(book.create_sheet(), REQUESTS_SHEET, REQUEST_COLUMNS, map(_request, requests))
    return saved(book)


def _request(row: asyncpg.Record) -> tuple[Any, ...]:
    categories = ", ".join(CATEGORY_NAMES[MenteeCategory(c)] for c in row["categories"])
    needs = ", ".join(row["needs"])
    return (row["full_name"], row["school_year"], categories, row["requests"], needs)


@get("/exports/{base:str}", media_type=XLSX)
async def export_base(
    request: Request[Principal, Any, Any], state: State, base: Base
) -> Response[bytes]:
    """A school's base of mentees or mentors as an XLSX file, in the columns the import reads."""
    role = "p.is_mentee" if base == Base.MENTEES else "p.is_mentor"
    async with scoped_reads(state.pool, request.user.scope.path) as fetch:
        rows = await fetch(PEOPLE_WITH_CONSENT.format(role=role))
        requests = await fetch(REQUESTS_BY_YEAR) if base == Base.MENTEES else None
    return Response(
        workbook_of(base, rows, requests),
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{FILE_NAMES[base]}"'},
    )


def _cell(value: Any) -> Any:
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else value


INDICATOR_COLUMNS = (
    ("Код", lambda r: r.code),
    ("Показатель", lambda r: r.name),
    ("Определение", lambda r: r.definition),
    ("Совокупность", lambda r: r.population),
    ("Единица", lambda r: r.unit_name),
    ("Отчётная дата", lambda r: r.reference_date),
    ("Числитель", lambda r: r.numerator),
    ("Знаменатель", lambda r: r.denominator),
    ("Значение", lambda r: r.value),
    ("Цель региона", lambda r: r.target),
    ("Цель достигнута", lambda r: None if r.met is None else ("да" if r.met else "нет")),
    ("Примечание", lambda r: r.note),
)
LEVEL_SHEETS = {Level.SCHOOL: "По школам", Level.MUNICIPALITY: "По муниципалитетам"}


@get("/exports/indicators", media_type=XLSX)
async def export_indicators(
    request: Request[Principal, Any, Any],
    state: State,
    school_year: str,
    organisation_id: UUID | None = None,
    on: date | None = None,
) -> Response[bytes]:
    """The indicator table of a school, municipality or region as XLSX with Russian headers;
    above a school, a sheet of values per school (and per municipality for a region)."""
    reader = Reader(request.user, state.pool)
    table = await indicator_table(
        reader, school_year, strawberry.ID(str(organisation_id)) if organisation_id else None, on
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Показатели"
    append_rows(sheet, [[f"{table.organisation.name}, {table.school_year} учебный год"]])
    append_rows(sheet, [[title for title, _ in INDICATOR_COLUMNS]])
    append_rows(
        sheet, ([_cell(value(row)) for _, value in INDICATOR_COLUMNS] for row in table.rows)
    )
    for level, title in LEVEL_SHEETS.items():
        if depth(table.organisation.path) >= level.value:
            continue
        breakdown_sheet = book.create_sheet(title)
        header = "Школа" if level == Level.SCHOOL else "Муниципалитет или подчинение"
        groups = await breakdown(reader, table, level)
        append_rows(breakdown_sheet, [[header, *(row.name for row in table.rows)]])
        append_rows(
            breakdown_sheet, ([name, *(row.value for row in rows)] for name, rows in groups)
        )
        fit_columns(breakdown_sheet)
    return Response(
        saved(book),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="indicators.xlsx"'},
    )
