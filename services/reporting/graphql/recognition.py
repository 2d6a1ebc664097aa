"""The region's base of best practices, and nominations with their results."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import asyncpg
import strawberry

from services.programs.labels import AWARD_RESULT_NAMES, NOMINATION_NAMES
from services.programs.values import AwardResult, Nomination

from .arguments import OptionalSchoolYear
from .context import ReaderInfo, fields_of, reader_of
from .pagination import After, Connection, First, paginate


@strawberry.type(description="A school's mentoring practice (практика наставничества).")
class PracticeCase:
    id: strawberry.ID
    school_id: strawberry.ID
    programme_id: strawberry.ID
    form: str
    title: str
    summary: str
    results: str
    proposed_at: datetime
    published_on: date | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> PracticeCase:
        ids = {n: strawberry.ID(str(row[n])) for n in ("id", "school_id", "programme_id")}
        return cls(**fields_of(cls, row, **ids))


async def practice_cases(
    info: ReaderInfo,
    published: Annotated[
        bool | None,
        strawberry.argument(
            description="Only published (опубликованные) practices, or only unpublished ones."
        ),
    ] = None,
    first: First = 50,
    after: After = None,
) -> Connection[PracticeCase]:
    """Практики наставничества школ вашей области (опубликованные — региональная база)."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM practice_cases WHERE ($1::boolean IS NULL"
        " OR (published_on IS NOT NULL) = $1) ORDER BY proposed_at DESC, id",
        published,
    )
    return paginate([(r["id"], PracticeCase.from_row(r)) for r in rows], first, after)


@strawberry.type(description="A nomination for a contest (выдвижение на конкурс) and its result.")
class Candidacy:
    id: strawberry.ID
    school_id: strawberry.ID
    nomination: str
    school_year: str
    mentor_id: strawberry.ID = strawberry.field(description="Наставник (id; имя — в школе)")
    pair_id: strawberry.ID | None
    result: str | None
    decided_on: date | None
    decided_at_level: str | None

    @strawberry.field
    def nomination_name(self) -> str:
        return NOMINATION_NAMES[Nomination(self.nomination)]

    @strawberry.field
    def result_name(self) -> str | None:
        return AWARD_RESULT_NAMES[AwardResult(self.result)] if self.result else None


async def candidacies(
    info: ReaderInfo, school_year: OptionalSchoolYear = None, first: First = 50, after: After = None
) -> Connection[Candidacy]:
    """Выдвижения на конкурсы («Наставник года» и др.) и их итоги."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM candidacies WHERE ($1::text IS NULL OR school_year = $1)"
        " ORDER BY school_year DESC, nomination, id",
        school_year,
    )
    found = [
        (
            r["id"],
            Candidacy(
                **fields_of(
                    Candidacy,
                    r,
                    id=strawberry.ID(str(r["id"])),
                    school_id=strawberry.ID(str(r["school_id"])),
                    mentor_id=strawberry.ID(str(r["mentor_id"])),
                    pair_id=strawberry.ID(str(r["pair_id"])) if r["pair_id"] else None,
                ),
            ),
        )
        for r in rows
    ]
    return paginate(found, first, after)
