"""An auditor's replay of a programme: its state as it was after any number of its events, or
at any moment, folded from the history projection (`services/reporting/replay.py`).

Names and free text come from the school's read models, so only a caller scoped to the school
sees them (an erased person's read «данные удалены»); above the school, ids only.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID

import strawberry

from services.reporting.replay import (
    FeedbackState,
    HistoryRow,
    MeetingState,
    PairState,
    PlanState,
    ProgrammeFields,
    ProgrammeFold,
    as_documents_say,
    fold,
)
from shared.kernel.errors import InvalidInput, NotFound

from .arguments import ProgrammeId
from .context import Reader, ReaderInfo, reader_of, uuid_of
from .history import HISTORY_READERS
from .pairs import PairClass, Plan, PlanTask
from .programmes import Curator, Programme


@strawberry.type(description="A person a past state names (человек).")
class ReplayPerson:
    id: strawberry.ID = strawberry.field(description="The person's id.")
    full_name: str | None = strawberry.field(description="ФИО — только для школы")


@strawberry.type(
    description="Feedback on a meeting as the platform knew it then (отзыв о встрече)."
)
class ReplayFeedback:
    author_id: strawberry.ID = strawberry.field(description="The participant the feedback is of.")
    side: str = strawberry.field(description="The author's side (mentor or mentee).")
    rating: int | None = strawberry.field(description="The rating (1–10), if given.")
    comment: str | None = strawberry.field(description="Текст отзыва — только для школы")
    given_at: datetime = strawberry.field(description="When it was recorded.")


@strawberry.type(description="A meeting as the platform knew it then (встреча).")
class ReplayMeeting:
    id: strawberry.ID = strawberry.field(description="The meeting's id.")
    kind: str = strawberry.field(
        description="The meeting's kind (introduction, trial, planning, regular, final) as a code."
    )
    held_on: date = strawberry.field(description="The day it was held.")
    duration_minutes: int = strawberry.field(description="How long it lasted, in minutes.")
    meeting_format: str = strawberry.field(
        description="How the pair met (in person, online) as a code."
    )
    topic: str = strawberry.field(description="The meeting's topic.")
    mentor_rating: int | None = strawberry.field(
        description="The mentor's rating (1–10), if given."
    )
    mentee_rating: int | None = strawberry.field(
        description="The mentee's rating (1–10), if given."
    )
    feedback: list[ReplayFeedback] = strawberry.field(
        description="Every participant's feedback as it stood then."
    )


@strawberry.type(description="A pair as the platform knew it then (пара).")
class ReplayPair:
    id: strawberry.ID = strawberry.field(description="The pair's id.")
    programme_id: strawberry.ID = strawberry.field(description="The programme it belongs to.")
    form: str = strawberry.field(description="The form of mentoring as a code.")
    status: str = strawberry.field(
        description="The pair's status then (proposed, active, ended, dissolved)."
    )
    basis: str = strawberry.field(
        description="How the pair came about: suggested, chosen or directive."
    )
    formed_at: datetime = strawberry.field(description="When the curator formed it.")
    order_number: str | None = strawberry.field(
        description="The number of the order that approved it, if any then."
    )
    order_date: date | None = strawberry.field(description="The date of that order.")
    outcome: str | None = strawberry.field(
        description="How it ended (completed, ended_early), if it had."
    )
    ended_on: date | None = strawberry.field(description="The day it ended.")
    ended_by: str | None = strawberry.field(description="The user who ended it.")
    end_reason: str | None = strawberry.field(description="Why it ended early, as a code.")
    summary: str | None = strawberry.field(description="Итог куратора — только для школы")
    is_group: bool = strawberry.field(
        description="A group: several mentees, or a team or class on a side."
    )
    mentor: ReplayPerson = strawberry.field(description="The (first) mentor.")
    mentees: list[ReplayPerson] = strawberry.field(description="The mentees.")
    mentors: list[ReplayPerson] = strawberry.field(
        description="Вся сторона наставников: команда, ученики класса-наставника"
    )
    supporting_teachers: list[ReplayPerson] = strawberry.field(
        description="Сопровождающие педагоги группы (не наставники)"
    )
    classes: list[PairClass] = strawberry.field(description="Классы в сторонах группы")
    plan: Plan | None = strawberry.field(description="The individual plan as it was then.")
    meetings: list[ReplayMeeting] = strawberry.field(description="The meetings recorded by then.")


@strawberry.type(description="An order approving pairs as the platform knew it then (приказ).")
class ReplayOrder:
    id: strawberry.ID = strawberry.field(description="The order's id.")
    number: str = strawberry.field(description="The order's number.")
    order_date: date = strawberry.field(description="The order's date.")
    pair_ids: list[strawberry.ID] = strawberry.field(
        description="The pairs and groups it approved."
    )


@strawberry.type(
    description=(
        "A programme as the platform knew it at a chosen version or moment (состояние программы)."
    )
)
class ProgrammeState:
    version: int = strawberry.field(description="Сколько событий программы учтено")
    versions: int = strawberry.field(description="Сколько событий у программы сейчас")
    at: datetime | None = strawberry.field(description="Время последнего учтённого события")
    programme: Programme | None = strawberry.field(
        description="The programme as it was; null before it was opened."
    )
    pairs: list[ReplayPair] = strawberry.field(description="Пары и группы, по id")
    orders: list[ReplayOrder] = strawberry.field(
        description="The orders approving pairs, as they were."
    )


EVENTS = """
SELECT position, event_type, aggregate_id, occurred_at, changes FROM event_history
WHERE programme_id = $1 ORDER BY upstream, position
"""


async def programme_state(
    info: ReaderInfo,
    programme_id: ProgrammeId,
    at_version: Annotated[
        int | None,
        strawberry.argument(
            description="The state after this many of the programme's events (версия)."
        ),
    ] = None,
    at_date: Annotated[
        date | None, strawberry.argument(description="The state at the end of this day (UTC).")
    ] = None,
    at_time: Annotated[
        datetime | None, strawberry.argument(description="The state at this moment.")
    ] = None,
    as_of: Annotated[
        date | None,
        strawberry.argument(
            description=(
                "The state as the documents tell it on this day (dates of orders, stages, "
                "meetings), from what was known at the chosen moment."
            )
        ),
    ] = None,
) -> ProgrammeState:
    """Состояние программы — этап, пары и группы, приказы, планы, встречи, отзывы, завершение —
    как платформа знала его после `atVersion` её событий, на конец дня `atDate` (UTC) или на
    момент `atTime` (без них — сейчас); с `asOf` — как говорят документы на этот день (даты
    приказов, начала этапов, встреч, завершения), из того, что было известно к тому моменту.
    Собирается из истории событий."""
    reader = reader_of(info)
    reader.caller().require(HISTORY_READERS, "просматривать историю программы")
    until = _until(at_version, at_date, at_time)
    rows = [_row(r) for r in await reader.fetch(EVENTS, uuid_of(programme_id))]
    if not rows:
        raise NotFound("programme_not_found", "Программа не найдена")
    chosen = rows[:at_version] if at_version is not None else rows
    if until is not None:
        chosen = [r for r in rows if r.occurred_at <= until]
    if as_of is not None:
        chosen = as_documents_say(chosen, as_of)
    return await _state(reader, fold(chosen), len(rows))


def _until(
    at_version: int | None, at_date: date | None, at_time: datetime | None
) -> datetime | None:
    """The moment asked for, if any; at most one way of asking."""
    if sum(x is not None for x in (at_version, at_date, at_time)) > 1:
        raise InvalidInput("one_point_in_time", "Укажите что-то одно: atVersion, atDate или atTime")
    if at_version is not None and at_version < 0:
        raise InvalidInput("bad_version", "Номер версии не может быть отрицательным")
    if at_date is not None:
        return datetime.combine(at_date + timedelta(days=1), time(), UTC) - timedelta(
            microseconds=1
        )
    if at_time is not None and at_time.tzinfo is None:
        return at_time.replace(tzinfo=UTC)
    return at_time


def _row(record: Any) -> HistoryRow:
    return HistoryRow(
        position=record["position"],
        event_type=record["event_type"],
        aggregate_id=str(record["aggregate_id"]),
        occurred_at=record["occurred_at"],
        changes=json.loads(record["changes"]),
    )


async def _state(reader: Reader, folded: ProgrammeFold, versions: int) -> ProgrammeState:
    pairs = sorted(folded.pairs.values(), key=lambda p: UUID(p.id))
    texts = await _texts(reader, pairs)
    return ProgrammeState(
        version=folded.version,
        versions=versions,
        at=folded.at,
        programme=_programme(folded.programme) if folded.programme else None,
        pairs=[_pair(pair, texts) for pair in pairs],
        orders=[
            ReplayOrder(
                id=strawberry.ID(o.id),
                number=o.number,
                order_date=o.order_date,
                pair_ids=[strawberry.ID(p) for p in o.pair_ids],
            )
            for o in folded.orders
        ],
    )


class Texts:
    """Names, feedback comments and summaries as the school's read models hold them today
    (empty for a caller above the school: row-level security shows them nothing)."""

    def __init__(
        self,
        names: dict[str, str],
        comments: dict[tuple[str, str], str | None],
        summaries: dict[str, str | None],
    ) -> None:
        self.names = names
        self.comments = comments
        self.summaries = summaries

    def person(self, person_id: str) -> ReplayPerson:
        return ReplayPerson(id=strawberry.ID(person_id), full_name=self.names.get(person_id))


async def _texts(reader: Reader, pairs: list[PairState]) -> Texts:
    people = list(
        {
            UUID(p)
            for pair in pairs
            for p in (*pair.mentor_ids, *pair.mentee_ids, *pair.supporting_ids)
        }
    )
    meetings = [UUID(m) for pair in pairs for m in pair.meetings]
    names = await reader.fetch(
        "SELECT id, full_name FROM people WHERE id = ANY($1::uuid[])", people
    )
    comments = await reader.fetch(
        "SELECT meeting_id, author_id, comment FROM meeting_feedback"
        " WHERE meeting_id = ANY($1::uuid[])",
        meetings,
    )
    summaries = await reader.fetch(
        "SELECT id, summary FROM pairs WHERE id = ANY($1::uuid[])", [UUID(p.id) for p in pairs]
    )
    return Texts(
        names={str(r["id"]): r["full_name"] for r in names},
        comments={(str(r["meeting_id"]), str(r["author_id"])): r["comment"] for r in comments},
        summaries={str(r["id"]): r["summary"] for r in summaries},
    )


def _programme(fields: ProgrammeFields) -> Programme:
    return Programme(
        id=strawberry.ID(fields.id),
        school_id=strawberry.ID(fields.school_id),
        school_year=fields.school_year,
        title=fields.title,
        frame=fields.frame,
        forms=fields.forms,
        opened_at=fields.opened_at,
        stage=fields.stage,
        stage_changed_at=fields.stage_changed_at,
        stage_since=fields.stage_since,
        meeting_every_days=fields.meeting_every_days,
        starts_on=fields.starts_on,
        ends_on=fields.ends_on,
        goals=fields.goals,
        curators=[
            Curator(form=form, person_id=strawberry.ID(person))
            for form, person in sorted(fields.curators.items())
        ],
    )


def _pair(pair: PairState, texts: Texts) -> ReplayPair:
    return ReplayPair(
        id=strawberry.ID(pair.id),
        programme_id=strawberry.ID(pair.programme_id),
        form=pair.form,
        status=pair.status,
        basis=pair.basis,
        formed_at=pair.formed_at,
        order_number=pair.order_number,
        order_date=pair.order_date,
        outcome=pair.outcome,
        ended_on=pair.ended_on,
        ended_by=pair.ended_by,
        end_reason=pair.end_reason,
        summary=texts.summaries.get(pair.id) if pair.has_summary else None,
        is_group=len(pair.mentee_ids) > 1 or len(pair.mentor_ids) > 1 or bool(pair.classes),
        mentor=texts.person(pair.mentor_ids[0]),
        mentees=[texts.person(m) for m in pair.mentee_ids],
        mentors=[texts.person(m) for m in pair.mentor_ids],
        supporting_teachers=[texts.person(t) for t in pair.supporting_ids],
        classes=[
            PairClass(
                side=c["side"],
                label=c["label"],
                pupil_ids=[strawberry.ID(p) for p in c["pupil_ids"]],
            )
            for c in pair.classes
        ],
        plan=_plan(pair.plan) if pair.plan else None,
        meetings=[
            _meeting(m, texts)
            for m in sorted(pair.meetings.values(), key=lambda m: (m.held_on, UUID(m.id)))
        ],
    )


def _plan(plan: PlanState) -> Plan:
    return Plan(
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        goals=plan.goals,
        tasks=[
            PlanTask(
                id=strawberry.ID(t.id), title=t.title, due_on=t.due_on, completed_on=t.completed_on
            )
            for t in sorted(plan.tasks, key=lambda t: (t.due_on, UUID(t.id)))
        ],
    )


def _meeting(meeting: MeetingState, texts: Texts) -> ReplayMeeting:
    return ReplayMeeting(
        id=strawberry.ID(meeting.id),
        kind=meeting.kind,
        held_on=meeting.held_on,
        duration_minutes=meeting.duration_minutes,
        meeting_format=meeting.meeting_format,
        topic=meeting.topic,
        mentor_rating=meeting.mentor_rating,
        mentee_rating=meeting.mentee_rating,
        feedback=[
            _feedback(meeting.id, f, texts)
            for f in sorted(meeting.feedback, key=lambda f: (f.given_at, UUID(f.author_id)))
        ],
    )


def _feedback(meeting_id: str, feedback: FeedbackState, texts: Texts) -> ReplayFeedback:
    return ReplayFeedback(
        author_id=strawberry.ID(feedback.author_id),
        side=feedback.side,
        rating=feedback.rating,
        comment=texts.comments.get((meeting_id, feedback.author_id))
        if feedback.has_comment
        else None,
        given_at=feedback.given_at,
    )
