"""A school's programmes, and matching for a programme: suggestions per mentee with their reasons,
the optimal whole-programme assignment as a preview, and who stays unmatched."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import asyncpg
import strawberry

from services.programs.labels import STAGE_NAMES
from services.programs.values import Stage, may_be_mentored, may_mentor
from services.reporting import matching
from shared.adapters.settings import region_today
from shared.dictionaries import MentoringForm
from shared.frames import frame_of
from shared.kernel.errors import InvalidInput

from .arguments import OptionalSchoolYear, ProgrammeId
from .context import ReaderInfo, fields_of, reader_of, uuid_of
from .pagination import After, Connection, First, paginate
from .versions import VERSION, version_of

# Mentees of the programme's school not yet in an active pair of it, with a valid consent.
CANDIDATE_MENTEES = """
SELECT p.* FROM people p
WHERE p.is_mentee AND p.school_id = $1 AND p.full_name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pairs a WHERE p.id = ANY(a.mentee_ids) AND a.programme_id = $2
                  AND a.status IN ('proposed', 'active'))
  AND EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.kind = 'personal_data'
              AND c.signed_on <= $3 AND (c.expires_on IS NULL OR c.expires_on >= $3)
              AND (c.withdrawn_on IS NULL OR c.withdrawn_on > $3))
ORDER BY p.id
"""
# Mentors of the school with their free places (capacity less the mentees they work with, in
# a team as well).
CANDIDATE_MENTORS = """
SELECT p.*, p.mentor_capacity - (SELECT coalesce(sum(cardinality(a.mentee_ids)), 0) FROM pairs a
                                 WHERE p.id = ANY(a.mentor_ids)
                                   AND a.status IN ('proposed', 'active')) AS free_places
FROM people p
WHERE p.is_mentor AND p.school_id = $1
  AND EXISTS (SELECT 1 FROM consents c WHERE c.person_id = p.id AND c.kind = 'personal_data'
              AND c.signed_on <= $2 AND (c.expires_on IS NULL OR c.expires_on >= $2)
              AND (c.withdrawn_on IS NULL OR c.withdrawn_on > $2))
ORDER BY p.id
"""


@strawberry.type(
    description="A programme's curator of one form of mentoring (куратор формы наставничества)."
)
class Curator:
    form: str = strawberry.field(
        description="The form of mentoring (форма наставничества) the curator oversees, as a code."
    )
    person_id: strawberry.ID = strawberry.field(
        description="The curator, a staff member of the school."
    )


@strawberry.type(description="A mentoring programme (программа наставничества) of a school.")
class Programme:
    id: strawberry.ID = strawberry.field(description="The programme's id.")
    school_id: strawberry.ID = strawberry.field(description="The school that runs the programme.")
    school_year: str = strawberry.field(description="The school year («2025/2026»).")
    title: str = strawberry.field(description="The programme's title.")
    frame: str = strawberry.field(
        description="The programme's frame: `students` (целевая модель наставничества обучающихся)"
        " or `teachers` (система наставничества педагогических работников)."
    )
    forms: list[str] = strawberry.field(
        description="The forms of mentoring the programme includes, as codes."
    )
    opened_at: datetime = strawberry.field(
        description="When the programme was opened on the platform."
    )
    stage: int = strawberry.field(
        description="The stage reached among the target model's seven (1–7)."
    )
    stage_changed_at: datetime | None = strawberry.field(description="Когда этап внесён")
    stage_since: date | None = strawberry.field(description="С какого дня этап — по документам")
    meeting_every_days: int = strawberry.field(
        description="The meeting rule: each pair meets at least every this many days."
    )
    starts_on: date | None = strawberry.field(description="The programme's first day, if set.")
    ends_on: date | None = strawberry.field(description="The programme's last day, if set.")
    goals: list[str] = strawberry.field(description="The programme's goals.")
    curators: list[Curator] = strawberry.field(description="Куратор каждой формы (id сотрудника)")

    @strawberry.field(description=VERSION)
    async def version(self, info: ReaderInfo) -> int | None:
        return await version_of(info, self.id)

    @strawberry.field(description="Название рамки программы по-русски")
    def frame_name(self) -> str:
        return frame_of(self.frame).name

    @strawberry.field(description="Название текущего этапа")
    def stage_name(self) -> str:
        return STAGE_NAMES[Stage(self.stage)]

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Programme:
        return cls(
            **fields_of(
                cls,
                row,
                id=strawberry.ID(str(row["id"])),
                school_id=strawberry.ID(str(row["school_id"])),
                forms=list(row["forms"]),
                goals=list(row["goals"]),
                curators=[
                    Curator(form=form, person_id=strawberry.ID(person))
                    for form, person in sorted(json.loads(row["curators"]).items())
                ],
            )
        )


async def programmes(
    info: ReaderInfo, school_year: OptionalSchoolYear = None, first: First = 50, after: After = None
) -> Connection[Programme]:
    """Программы наставничества в пределах вашей области."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM programmes WHERE ($1::text IS NULL OR school_year = $1)"
        " ORDER BY school_year DESC, title, id",
        school_year,
    )
    return paginate([(r["id"], Programme.from_row(r)) for r in rows], first, after)


@strawberry.type(
    description="Why a mentor suits a mentee (обоснование) and how many points it gives."
)
class Reason:
    text: str = strawberry.field(description="The reason in Russian («совпадают интересы: …»).")
    points: int = strawberry.field(description="The points it adds to the score.")


@strawberry.type(description="A person offered in matching (кандидат).")
class Candidate:
    id: strawberry.ID = strawberry.field(description="The person's id.")
    full_name: str = strawberry.field(description="The person's full name (ФИО).")


@strawberry.type(description="A suggested mentor for a mentee (вариант подбора) with its score.")
class Suggestion:
    mentee: Candidate = strawberry.field(description="The mentee.")
    mentor: Candidate = strawberry.field(description="The mentor suggested.")
    score: int = strawberry.field(
        description="The suggestion's score: the sum of its reasons' points."
    )
    reasons: list[Reason] = strawberry.field(description="Why the mentor suits the mentee.")


@strawberry.type(description="The mentors offered to one mentee (варианты наставников).")
class MenteeOptions:
    mentee: Candidate = strawberry.field(description="The mentee.")
    options: list[Suggestion] = strawberry.field(
        description="The mentors suggested, best first, each with its score and reasons."
    )


@strawberry.type(
    description=(
        "Mentor matching for a programme (подбор наставников): suggestions, the optimal "
        "assignment and the unmatched."
    )
)
class Matching:
    suggestions: list[MenteeOptions] = strawberry.field(
        description="For each mentee without a pair, the mentors suggested with their scores."
    )
    assignment: list[Suggestion] = strawberry.field(
        description="Оптимальное распределение по всей программе (предпросмотр)"
    )
    assignment_total: int = strawberry.field(description="The assignment's total score.")
    unmatched: list[Candidate] = strawberry.field(
        description="Mentees the assignment leaves without a mentor (for a directive assignment)."
    )
    mentors: list[Candidate] = strawberry.field(
        description="Кто может быть наставником в этой форме (для директивного назначения)"
    )


def _age(row: asyncpg.Record, day: date) -> int | None:
    if row["birth_date"] is not None:
        born: date = row["birth_date"]
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    birth_year: int | None = row["birth_year"]
    return day.year - birth_year if birth_year else None


def _mentee(row: asyncpg.Record, day: date) -> matching.MenteeCandidate:
    return matching.MenteeCandidate(
        id=row["id"],
        age=_age(row, day),
        categories=frozenset(row["mentee_categories"]),
        needs=frozenset(row["mentee_needs"]),
        interests=frozenset(),
    )


def _mentor(row: asyncpg.Record) -> matching.MentorCandidate:
    return matching.MentorCandidate(
        id=row["id"],
        free_places=row["free_places"],
        competences=frozenset(row["competences"]),
        interests=frozenset(row["interests"]),
        preferred_age_min=row["preferred_age_min"],
        preferred_age_max=row["preferred_age_max"],
        preferred_categories=frozenset(row["preferred_categories"]),
        hours_per_month=row["hours_per_month"] or 0,
    )


async def programme_matching(
    info: ReaderInfo,
    programme_id: ProgrammeId,
    per_mentee: Annotated[
        int, strawberry.argument(description="How many candidate mentors to offer each mentee.")
    ] = 3,
    form: Annotated[
        str | None,
        strawberry.argument(
            description=(
                "Only people who may be mentor and mentee in this form of mentoring (форма "
                "наставничества)."
            )
        ),
    ] = None,
) -> Matching | None:
    """Подбор наставников для программы: варианты с баллами и объяснением, оптимальное
    распределение и список тех, кому пара не найдена (только для своей школы); с `form` —
    только те, кто может быть наставником и наставляемым в этой форме наставничества."""
    reader = reader_of(info)
    if not reader.caller().scope.is_school:
        return None  # matching works with names: a school's own work
    found = await reader.fetch("SELECT * FROM programmes WHERE id = $1", uuid_of(programme_id))
    if not found:
        return None
    programme, today = found[0], region_today()
    mentee_rows = await reader.fetch(
        CANDIDATE_MENTEES, programme["school_id"], programme["id"], today
    )
    mentor_rows = await reader.fetch(CANDIDATE_MENTORS, programme["school_id"], today)
    if form is not None:
        chosen = _form(form)
        mentee_rows = [r for r in mentee_rows if may_be_mentored(chosen, r["kind"])]
        mentor_rows = [r for r in mentor_rows if may_mentor(chosen, r["kind"])]
    names = {r["id"]: r["full_name"] for r in [*mentee_rows, *mentor_rows]}

    def candidate(person_id: UUID) -> Candidate:
        return Candidate(id=strawberry.ID(str(person_id)), full_name=names[person_id])

    def suggestion(s: matching.Suggestion) -> Suggestion:
        return Suggestion(
            mentee=candidate(s.mentee_id),
            mentor=candidate(s.mentor_id),
            score=s.score,
            reasons=[Reason(text=r.text, points=r.points) for r in s.reasons],
        )

    mentees = [_mentee(r, today) for r in mentee_rows]
    mentors = [_mentor(r) for r in mentor_rows]
    rejected = frozenset(
        (r["mentee_id"], r["mentor_id"])
        for r in await reader.fetch(
            "SELECT mentee_id, mentor_id FROM rejected_suggestions WHERE programme_id = $1",
            programme["id"],
        )
    )
    options = matching.suggestions(mentees, mentors, max(1, min(per_mentee, 10)), rejected)
    best = matching.assign(mentees, mentors, rejected)
    return Matching(
        suggestions=[
            MenteeOptions(mentee=candidate(m.id), options=[suggestion(s) for s in options[m.id]])
            for m in mentees
        ],
        assignment=[suggestion(s) for s in best.pairs],
        assignment_total=best.total,
        unmatched=[candidate(i) for i in best.unmatched],
        mentors=[candidate(r["id"]) for r in mentor_rows],
    )


def _form(code: str) -> MentoringForm:
    try:
        return MentoringForm(code)
    except ValueError:
        raise InvalidInput("unknown_form", f"Неизвестная форма наставничества «{code}»") from None
