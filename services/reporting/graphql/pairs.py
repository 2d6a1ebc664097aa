"""A school's pairs and groups with their mentor, mentees, plan, meetings and feedback."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import asyncpg
import strawberry

from services.programs.labels import class_name
from shared.adapters.database import Fetch
from shared.adapters.settings import region_today

from .arguments import Id, On
from .context import Reader, ReaderInfo, fields_of, reader_of, uuid_of
from .pagination import After, Connection, First, connection, decode_cursor, page_size, paginate
from .people import Person, people_by_id
from .versions import VERSION, version_of


@strawberry.type(
    description="Feedback on a meeting (отзыв о встрече) from the mentor's or the mentee's side."
)
class MeetingFeedback:
    author_id: strawberry.ID = strawberry.field(description="The participant the feedback is of.")
    side: str = strawberry.field(description="The author's side (mentor or mentee) as a code.")
    rating: int | None = strawberry.field(description="The rating of the meeting (1–10), if given.")
    comment: str | None = strawberry.field(description="The comment, if given.")
    given_at: datetime = strawberry.field(description="When the feedback was recorded.")
    by_participant: bool = strawberry.field(
        description="Оставил сам участник (а не сотрудник школы за него)"
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> MeetingFeedback:
        return cls(**fields_of(cls, row, author_id=strawberry.ID(str(row["author_id"]))))


async def _feedback(reader: Reader, meeting_ids: list[UUID]) -> list[list[MeetingFeedback]]:
    return await reader.grouped(
        "meeting_feedback",
        "meeting_id",
        "given_at, author_id",
        MeetingFeedback.from_row,
        meeting_ids,
    )


@strawberry.type(description="A meeting of a pair or group (встреча).")
class Meeting:
    id: strawberry.ID = strawberry.field(description="The meeting's id.")
    kind: str = strawberry.field(
        description="The meeting's kind (introduction, trial, planning, regular, final) as a code."
    )
    held_on: date = strawberry.field(description="The day the meeting was held.")
    duration_minutes: int = strawberry.field(description="How long the meeting lasted, in minutes.")
    meeting_format: str = strawberry.field(
        description="How the pair met (in person, online) as a code."
    )
    topic: str = strawberry.field(description="The meeting's topic.")
    mentor_rating: int | None = strawberry.field(
        description="The mentor's rating of the meeting (1–10), if given."
    )
    mentor_comment: str | None = strawberry.field(
        description="The mentor's comment on the meeting, if given."
    )
    mentee_rating: int | None = strawberry.field(
        description=("The mentee's rating of the meeting (1–10), if given.")
    )
    mentee_comment: str | None = strawberry.field(
        description="The mentee's comment on the meeting, if given."
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Meeting:
        return cls(**fields_of(cls, row, id=strawberry.ID(str(row["id"]))))

    @strawberry.field(description="Отзывы всех участников (в группе — каждого наставляемого)")
    async def feedback(self, info: ReaderInfo) -> list[MeetingFeedback]:
        found: list[MeetingFeedback] = await reader_of(info).loader(_feedback).load(UUID(self.id))
        return found


async def _meetings(reader: Reader, pair_ids: list[UUID]) -> list[list[Meeting]]:
    return await reader.grouped("meetings", "pair_id", "held_on, id", Meeting.from_row, pair_ids)


@strawberry.type(description="A task of an individual plan (задача плана).")
class PlanTask:
    id: strawberry.ID = strawberry.field(description="The task's id.")
    title: str = strawberry.field(description="What is to be done.")
    due_on: date = strawberry.field(description="The task's deadline.")
    completed_on: date | None = strawberry.field(
        description="The day the task was done; null while it is open."
    )

    @strawberry.field(description="Срок прошёл, а задача не выполнена")
    def overdue(self) -> bool:
        return self.completed_on is None and self.due_on < region_today()


@strawberry.type(description="A pair's individual development plan (индивидуальный план развития).")
class Plan:
    starts_on: date = strawberry.field(description="The plan's first day.")
    ends_on: date = strawberry.field(description="The plan's last day.")
    goals: list[str] = strawberry.field(description="The plan's goals.")
    tasks: list[PlanTask] = strawberry.field(description="The plan's tasks, by deadline.")

    @strawberry.field(description="Доля выполненных задач, %")
    def progress(self) -> int:
        done = sum(1 for t in self.tasks if t.completed_on is not None)
        return round(100 * done / len(self.tasks)) if self.tasks else 0


async def _plans(reader: Reader, pair_ids: list[UUID]) -> list[Plan | None]:
    plans = await reader.fetch("SELECT * FROM plans WHERE pair_id = ANY($1::uuid[])", pair_ids)
    tasks = await reader.grouped(
        "plan_tasks",
        "pair_id",
        "due_on, id",
        lambda r: PlanTask(
            id=strawberry.ID(str(r["id"])),
            title=r["title"],
            due_on=r["due_on"],
            completed_on=r["completed_on"],
        ),
        pair_ids,
    )
    by_pair = dict(zip(pair_ids, tasks, strict=True))
    found = {
        p["pair_id"]: Plan(
            starts_on=p["starts_on"],
            ends_on=p["ends_on"],
            goals=list(p["goals"]),
            tasks=by_pair[p["pair_id"]],
        )
        for p in plans
    }
    return [found.get(i) for i in pair_ids]


@strawberry.type(
    description="A class of the school on one side of a group («класс – классу»), with its"
    " pupils as of the day the group was formed."
)
class PairClass:
    side: str = strawberry.field(description="Сторона: mentor (наставники) или mentee")
    label: str = strawberry.field(description="Класс, как он записан у обучающихся («7А»)")
    pupil_ids: list[strawberry.ID] = strawberry.field(
        description="Обучающиеся класса в группе, на день её формирования"
    )

    @strawberry.field(description="Класс, как его пишут в приказе: «7 «А» класс»")
    def name(self) -> str:
        return class_name(self.label)

    @strawberry.field(description="Число обучающихся класса в группе")
    def pupils(self) -> int:
        return len(self.pupil_ids)


@strawberry.type(description="A mentoring pair or group (наставническая пара или группа).")
class Pair:
    id: strawberry.ID = strawberry.field(description="The pair's id.")
    programme_id: strawberry.ID = strawberry.field(description="The programme the pair belongs to.")
    form: str = strawberry.field(
        description=(
            "The form of mentoring (форма наставничества: «ученик — ученик», «учитель — "
            "учитель»…) as a code."
        )
    )
    status: str = strawberry.field(
        description=(
            "The pair's status: proposed (waiting for the director's order), active, ended or "
            "dissolved."
        )
    )
    formed_at: datetime = strawberry.field(description="When the curator formed the pair.")
    order_number: str | None = strawberry.field(
        description="The number of the order that approved the pair; null while it is proposed."
    )
    order_date: date | None = strawberry.field(description="The date of that order.")
    basis: str = strawberry.field(
        description="How the pair came about: suggested (the platform's suggestion accepted),"
        " chosen (the curator's override) or directive."
    )
    outcome: str | None = strawberry.field(
        description="How the pair ended: completed or ended_early; null while it works."
    )
    ended_on: date | None = strawberry.field(description="The day the pair ended.")
    ended_by: str | None = strawberry.field(description="The user who ended the pair.")
    end_reason: str | None = strawberry.field(
        description="Why a pair ended early (relocation, health…) as a code."
    )
    summary: str | None = strawberry.field(
        description=(
            "The curator's summary of the pair's work (итог), visible within the school only."
        )
    )
    mentee_ids: strawberry.Private[list[UUID]]
    # Read with the pairs, in the same transaction: resolving them one by one through a loader
    # was two awaited resolvers a pair, a third of the CPU of a school's page of 50 pairs.
    mentor: Person | None = strawberry.field(
        description="The pair's mentor; null when the caller may not see the person."
    )
    mentee: Person | None = strawberry.field(description="Наставляемый пары (в группе — первый)")
    mentees: list[Person | None] = strawberry.field(
        description=(
            "All mentees of the pair or group; an entry is null when the caller may not see the "
            "person."
        )
    )
    mentors: list[Person | None] = strawberry.field(
        description="Вся сторона наставников: команда наставников, ученики класса-наставника"
    )
    supporting_teachers: list[Person | None] = strawberry.field(
        description="Сопровождающие педагоги группы (не наставники)"
    )
    classes: list[PairClass] = strawberry.field(
        description="Классы в сторонах группы (каждый — со своими учениками)"
    )

    @strawberry.field(description=VERSION)
    async def version(self, info: ReaderInfo) -> int | None:
        return await version_of(info, self.id)

    @classmethod
    def from_row(cls, row: asyncpg.Record, people: dict[UUID, Person]) -> Pair:
        mentees = [people.get(mentee) for mentee in row["mentee_ids"]]
        return cls(
            **fields_of(
                cls,
                row,
                id=strawberry.ID(str(row["id"])),
                programme_id=strawberry.ID(str(row["programme_id"])),
                mentee_ids=list(row["mentee_ids"]),
                mentor=people.get(row["mentor_id"]),
                mentee=mentees[0],
                mentees=mentees,
                mentors=[people.get(mentor) for mentor in row["mentor_ids"]],
                supporting_teachers=[people.get(t) for t in row["supporting_ids"]],
                classes=[
                    PairClass(
                        side=c["side"],
                        label=c["label"],
                        pupil_ids=[strawberry.ID(p) for p in c["pupil_ids"]],
                    )
                    for c in json.loads(row["classes"])
                ],
            )
        )

    @strawberry.field(
        description="Группа: несколько наставляемых, команда наставников или класс в стороне"
    )
    def is_group(self) -> bool:
        return len(self.mentee_ids) > 1 or len(self.mentors) > 1 or bool(self.classes)

    @strawberry.field(description="Индивидуальный план (персонализированная программа)")
    async def plan(self, info: ReaderInfo) -> Plan | None:
        found: Plan | None = await reader_of(info).loader(_plans).load(UUID(self.id))
        return found

    @strawberry.field(description="The meetings held, by date.")
    async def meetings(self, info: ReaderInfo) -> list[Meeting]:
        result: list[Meeting] = await reader_of(info).loader(_meetings).load(UUID(self.id))
        return result


async def pairs(
    info: ReaderInfo,
    programme_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="Only the pairs of this mentoring programme (программа наставничества)."
        ),
    ] = None,
    first: First = 50,
    after: After = None,
) -> Connection[Pair]:
    """Пары школы с наставником, наставляемым и встречами."""
    reader = reader_of(info)
    size = page_size(first)
    programme = uuid_of(programme_id) if programme_id else None
    where = "($1::uuid IS NULL OR programme_id = $1)"
    async with reader.session() as fetch:
        rows = await fetch(  # the count and the page in one read (one row without pairs)
            f"SELECT c.total, p.* FROM (SELECT count(*) AS total FROM pairs WHERE {where}) c"
            f" LEFT JOIN LATERAL (SELECT * FROM pairs WHERE {where} AND id > $2 ORDER BY id"
            " LIMIT $3) p ON true",
            programme,
            decode_cursor(after),
            size + 1,
        )
        page = await with_people(fetch, [r for r in rows if r["id"] is not None])
    return connection([(UUID(p.id), p) for p in page], size, rows[0]["total"], after)


async def with_people(fetch: Fetch, rows: list[asyncpg.Record]) -> list[Pair]:
    """Pairs with their mentors, mentees and supporting teachers, read in one query."""
    ids = {p for row in rows for p in (*row["mentor_ids"], *row["mentee_ids"])}
    ids |= {p for row in rows for p in row["supporting_ids"]}
    people = await people_by_id(fetch, list(ids)) if ids else {}
    return [Pair.from_row(row, people) for row in rows]


async def pair(info: ReaderInfo, id: Id) -> Pair | None:
    """Пара или группа школы по id (чужая не видна)."""
    async with reader_of(info).session() as fetch:
        rows = await fetch("SELECT * FROM pairs WHERE id = $1", uuid_of(id))
        found = await with_people(fetch, rows)
    return found[0] if found else None


@strawberry.type(description="A pair behind its programme's meeting frequency (отстающая пара).")
class LaggingPair:
    pair: Pair = strawberry.field(description="The pair.")
    last_meeting_on: date | None = strawberry.field(
        description="The day of the pair's last meeting; null before the first."
    )
    days_without_meeting: int = strawberry.field(
        description="Days since the last meeting (or since the pair was formed)."
    )
    meeting_every_days: int = strawberry.field(
        description="The programme's meeting rule: a meeting at least every this many days."
    )


LAGGING = """
SELECT a.*, g.meeting_every_days, m.last_met,
       ($1::date - coalesce(m.last_met, a.order_date)) AS days_without
FROM pairs a
JOIN programmes g ON g.id = a.programme_id
LEFT JOIN LATERAL (
    SELECT max(held_on) AS last_met FROM meetings WHERE pair_id = a.id AND held_on <= $1
) m ON true
WHERE a.status = 'active' AND ($2::uuid IS NULL OR a.programme_id = $2)
  AND ($1::date - coalesce(m.last_met, a.order_date)) > g.meeting_every_days
  AND NOT EXISTS (  -- its work is done: no meeting is due after the final one
      SELECT FROM meetings f WHERE f.pair_id = a.id AND f.kind = 'final' AND f.held_on <= $1)
ORDER BY days_without DESC, a.id
"""


async def lagging_pairs(
    info: ReaderInfo,
    programme_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="Only the pairs of this mentoring programme (программа наставничества)."
        ),
    ] = None,
    on: On = None,
    first: First = 50,
    after: After = None,
) -> Connection[LaggingPair]:
    """Пары, отстающие от правила частоты встреч программы (по умолчанию — не реже раза в
    неделю), считая от последней встречи или от приказа об утверждении; пара, провёвшая
    итоговую встречу, не отстаёт."""
    async with reader_of(info).session() as fetch:
        rows = await fetch(
            LAGGING, on or region_today(), uuid_of(programme_id) if programme_id else None
        )
        found = await with_people(fetch, rows)
    return paginate(
        [
            (
                r["id"],
                LaggingPair(
                    pair=lagging,
                    last_meeting_on=r["last_met"],
                    days_without_meeting=r["days_without"],
                    meeting_every_days=r["meeting_every_days"],
                ),
            )
            for r, lagging in zip(rows, found, strict=True)
        ],
        first,
        after,
    )
