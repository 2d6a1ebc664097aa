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
    id: strawberry.ID = strawberry.field(description="The practice's id.")
    school_id: strawberry.ID = strawberry.field(description="The school whose practice it is.")
    programme_id: strawberry.ID = strawberry.field(
        description="The programme the practice comes from."
    )
    form: str = strawberry.field(description="The form of mentoring the practice is of, as a code.")
    title: str = strawberry.field(description="The practice's title.")
    summary: str = strawberry.field(description="What the practice is, in short.")
    results: str = strawberry.field(description="What the practice achieved.")
    proposed_at: datetime = strawberry.field(description="When the school proposed it.")
    published_on: date | None = strawberry.field(
        description="The day it was published in the region's bank of practices; null until then."
    )

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
    id: strawberry.ID = strawberry.field(description="The nomination's id.")
    school_id: strawberry.ID = strawberry.field(description="The school that nominated.")
    nomination: str = strawberry.field(
        description="The contest's nomination as a code; `nominationName` says it in Russian."
    )
    school_year: str = strawberry.field(description="The school year of the contest («2025/2026»).")
    mentor_id: strawberry.ID = strawberry.field(description="Наставник (id; имя — в школе)")
    pair_id: strawberry.ID | None = strawberry.field(
        description="The pair nominated with the mentor, for a pair's nomination."
    )
    result: str | None = strawberry.field(
        description="The result (winner, prize-winner, participant) as a code; null until decided."
    )
    decided_on: date | None = strawberry.field(description="The day the result was decided.")
    decided_at_level: str | None = strawberry.field(
        description="The level at which the result was decided (school, municipality, region)."
    )

    @strawberry.field(description="The nomination in Russian words.")
    def nomination_name(self) -> str:
        return NOMINATION_NAMES[Nomination(self.nomination)]

    @strawberry.field(description="The result in Russian words; null until decided.")
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
