"""The regional base of mentors, kept by name by the institute: courses and approved mentors."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import asyncpg
import strawberry
from strawberry.types.nodes import SelectedField

from shared.kernel.errors import PermissionDenied
from shared.kernel.principal import SCHOOL_STAFF, Principal, Role

from .access_log import record_reads
from .context import Reader, ReaderInfo, fields_of, reader_of
from .pagination import After, Connection, First, connection, decode_cursor, page_size, paginate
from .search import folded_sql, name_pattern


@strawberry.type(description="A mentor training course (курс подготовки наставников).")
class TrainingCourse:
    id: strawberry.ID = strawberry.field(description="The course's id.")
    name: str = strawberry.field(description="The course's title.")
    hours: int = strawberry.field(description="Its length in academic hours.")
    provider: str = strawberry.field(description="Who teaches it (the institute, a university…).")
    starts_on: date = strawberry.field(description="Its first day.")
    ends_on: date = strawberry.field(description="Its last day.")
    completed_by: int = strawberry.field(description="How many mentors completed it.")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> TrainingCourse:
        return cls(**fields_of(cls, row, id=strawberry.ID(str(row["id"]))))


@strawberry.type(description="A training course a mentor completed (пройденное обучение).")
class CompletedCourse:
    course: str = strawberry.field(description="The course's title.")
    hours: int = strawberry.field(description="The course's length in academic hours.")
    completed_on: date = strawberry.field(description="The day the mentor completed the course.")
    certificate: str = strawberry.field(
        description="The number of the certificate (удостоверение) the mentor received."
    )


async def _completed_courses(reader: Reader, ids: list[UUID]) -> list[list[CompletedCourse]]:
    rows = await reader.fetch(
        "SELECT c.person_id, t.name, t.hours, c.completed_on, c.certificate"
        " FROM course_completions c JOIN training_courses t ON t.id = c.course_id"
        " WHERE c.person_id = ANY($1::uuid[]) ORDER BY c.completed_on",
        ids,
    )
    by_person: dict[UUID, list[CompletedCourse]] = {i: [] for i in ids}
    for r in rows:
        by_person[r["person_id"]].append(
            CompletedCourse(
                course=r["name"],
                hours=r["hours"],
                completed_on=r["completed_on"],
                certificate=r["certificate"],
            )
        )
    return [by_person[i] for i in ids]


@strawberry.type(
    description="A mentor of the regional register (единая региональная база наставников)."
)
class RegisteredMentor:
    person_id: strawberry.ID = strawberry.field(description="The mentor.")
    full_name: str = strawberry.field(description="The mentor's full name.")
    kind: str = strawberry.field(
        description="The kind of person (teacher, student, alumnus, partner_employee…)."
    )
    position: str | None = strawberry.field(description="The mentor's position, if any.")
    school_id: strawberry.ID = strawberry.field(description="The mentor's school.")
    school_name: str | None = strawberry.field(description="The school's name.")
    order_number: str | None = strawberry.field(
        description="The number of the director's order approving the register of mentors"
        " (реестр наставников) that holds the mentor."
    )
    order_date: date | None = strawberry.field(description="The date of that order.")
    school_year: str | None = strawberry.field(description="The school year of that register.")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> RegisteredMentor:
        return cls(
            **fields_of(
                cls,
                row,
                person_id=strawberry.ID(str(row["person_id"])),
                school_id=strawberry.ID(str(row["school_id"])),
            )
        )

    @strawberry.field(description="The training courses the mentor completed.")
    async def courses(self, info: ReaderInfo) -> list[CompletedCourse]:
        result: list[CompletedCourse] = (
            await reader_of(info).loader(_completed_courses).load(UUID(self.person_id))
        )
        return result


# Who reads the register by name: the institute keeps it, and a school's staff see their own
# school's mentors (row-level security). The region, a municipality and an auditor read how many
# mentors it holds: a list, a cursor (a person's id) or a search by name would tell them who.
NAME_READERS = SCHOOL_STAFF | {Role.INSTITUTE_METHODOLOGIST}
COUNT_FIELDS = frozenset({"totalCount", "__typename"})


def _check_register_reader(caller: Principal, search: str | None, info: ReaderInfo) -> None:
    if caller.role in NAME_READERS:
        return
    # A fragment counts as asking for more (its name is the fragment's, not a field's).
    asked = {
        f.name if isinstance(f, SelectedField) else "" for f in info.selected_fields[0].selections
    }
    if search is not None or not asked <= COUNT_FIELDS:
        raise PermissionDenied(
            "register_counts_only",
            "Из региональной базы наставников вам доступно только их число (без имён и поиска)",
        )


async def training_courses(
    info: ReaderInfo, first: First = 50, after: After = None
) -> Connection[TrainingCourse]:
    """Курсы подготовки наставников в региональной базе."""
    rows = await reader_of(info).fetch(
        "SELECT t.*, (SELECT count(*) FROM course_completions c WHERE c.course_id = t.id)"
        " AS completed_by FROM training_courses t ORDER BY t.starts_on, t.id"
    )
    return paginate([(r["id"], TrainingCourse.from_row(r)) for r in rows], first, after)


async def regional_register(
    info: ReaderInfo,
    search: Annotated[
        str | None,
        strawberry.argument(description="Only mentors whose full name (ФИО) contains this text."),
    ] = None,
    first: First = 50,
    after: After = None,
) -> Connection[RegisteredMentor]:
    """Единая региональная база наставников: утверждённые приказом и прошедшие обучение.
    По именам её читают институт развития образования и школа (свои наставники); остальным
    доступно только число наставников."""
    reader = reader_of(info)
    _check_register_reader(reader.caller(), search, info)
    size = page_size(first)
    pattern = name_pattern(search) if search else None
    where = f"($1::text IS NULL OR {folded_sql('m.full_name')} LIKE $1)"
    rows = await reader.fetch(
        "SELECT m.*, o.name AS school_name FROM regional_mentors m"
        f" LEFT JOIN organisations o ON o.id = m.school_id WHERE {where} AND m.person_id > $2"
        " ORDER BY m.person_id LIMIT $3",
        pattern,
        decode_cursor(after),
        size + 1,
    )
    total = await reader.fetch(
        f"SELECT count(*) AS n FROM regional_mentors m WHERE {where}", pattern
    )
    await record_reads(
        reader,
        [(r["person_id"], str(r["tenant"])) for r in rows[:size]],
        "региональная база наставников",
    )
    return connection(
        [(r["person_id"], RegisteredMentor.from_row(r)) for r in rows], size, total[0]["n"], after
    )
