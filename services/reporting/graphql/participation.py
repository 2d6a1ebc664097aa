"""A participant's own page: their pairs and groups, meetings, plan, consents and surveys.

Read in one transaction scoped to the participant's person (`Reader.own`), so row-level security
shows only their own rows. Of the feedback, the participant sees what they gave themselves: the
other side's ratings and comments are never selected."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
import strawberry

from shared.adapters.database import Fetch

from .attention import LIMIT, SURVEYS_DUE
from .context import ReaderInfo, fields_of, reader_of
from .people import Consent
from .surveys import TEMPLATES, SurveyTemplate, template_of


@strawberry.type(description="A meeting of the participant's own pair (своя встреча).")
class OwnMeeting:
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
    my_rating: int | None = strawberry.field(
        description="The participant's own rating of the meeting (1–10), if given."
    )
    my_comment: str | None = strawberry.field(
        description="The participant's own comment on the meeting, if given."
    )


@strawberry.type(description="A meeting planned for the participant (запланированная встреча).")
class PlannedMeeting:
    id: strawberry.ID = strawberry.field(description="The planned meeting's id.")
    starts_on: date = strawberry.field(description="The day of the meeting.")
    start_time: str = strawberry.field(
        description="The time it starts, «ЧЧ:ММ» (the region's time)."
    )
    duration_minutes: int = strawberry.field(
        description="How long it is planned to last, in minutes."
    )
    place: str = strawberry.field(description="Where the pair meets (a room, an address, a link).")
    topic: str = strawberry.field(description="The meeting's topic.")


@strawberry.type(description="A task of the participant's plan (задача плана).")
class OwnTask:
    id: strawberry.ID = strawberry.field(description="The task's id.")
    title: str = strawberry.field(description="What is to be done.")
    due_on: date = strawberry.field(description="The task's deadline.")
    completed_on: date | None = strawberry.field(
        description="The day the task was done; null while it is open."
    )


@strawberry.type(description="The participant's pair's individual plan (индивидуальный план).")
class OwnPlan:
    starts_on: date = strawberry.field(description="The plan's first day.")
    ends_on: date = strawberry.field(description="The plan's last day.")
    goals: list[str] = strawberry.field(description="The plan's goals.")
    tasks: list[OwnTask] = strawberry.field(description="The plan's tasks, by deadline.")


@strawberry.type(description="A pair the participant belongs to (своя пара).")
class OwnPair:
    id: strawberry.ID = strawberry.field(description="The pair's id.")
    programme_id: strawberry.ID = strawberry.field(description="The programme the pair belongs to.")
    form: str = strawberry.field(
        description="The form of mentoring (форма наставничества) as a code."
    )
    status: str = strawberry.field(
        description="The pair's status (proposed, active, ended, dissolved) as a code."
    )
    order_number: str | None = strawberry.field(
        description="The number of the order that approved the pair; null before the order."
    )
    order_date: date | None = strawberry.field(description="The date of that order.")
    mentor_name: str = strawberry.field(description="The mentor's full name.")
    mentee_names: list[str] = strawberry.field(
        description="The mentees' full names (one for a pair, several for a group)."
    )
    i_am_mentor: bool = strawberry.field(
        description=(
            "The participant is the pair's mentor (otherwise a mentee, or a mentee's parent)."
        )
    )
    meetings: list[OwnMeeting] = strawberry.field(
        description="The pair's meetings held, latest first."
    )
    plan: OwnPlan | None = strawberry.field(
        description="The pair's individual plan, once drawn up."
    )
    next_meeting: PlannedMeeting | None = strawberry.field(
        description="The next meeting planned, if any."
    )


@strawberry.type(description="A questionnaire the participant answered (своя анкета).")
class OwnSurvey:
    id: strawberry.ID = strawberry.field(description="The response's id.")
    template_id: strawberry.ID = strawberry.field(description="The questionnaire answered.")
    purpose: str = strawberry.field(
        description="What the questionnaire measures (entry, final, satisfaction…) as a code."
    )
    answered_on: date = strawberry.field(description="The day it was answered.")


@strawberry.type(
    description="A questionnaire the participant still has to answer (анкета к заполнению)."
)
class OwnSurveyDue:
    pair_id: strawberry.ID = strawberry.field(description="The pair the questionnaire is about.")
    programme_id: strawberry.ID = strawberry.field(description="The programme of that pair.")
    template: SurveyTemplate = strawberry.field(
        description=(
            "The questionnaire to answer, with its questions (the platform's for its purpose)."
        )
    )


@strawberry.type(description="A programme participant's own page (участие в программе).")
class Participation:
    role: str = strawberry.field(
        description=(
            "Whom the page is for: mentor, mentee or parent (a mentee's legal representative)."
        )
    )
    person_id: strawberry.ID = strawberry.field(
        description="The participant (for a parent, the child)."
    )
    full_name: str = strawberry.field(description="The participant's full name.")
    kind: str = strawberry.field(
        description=(
            "The kind of person (student, teacher, parent, alumnus, partner_employee, veteran)."
        )
    )
    birth_date: date | None = strawberry.field(
        description="The participant's birth date, if recorded."
    )
    grade: str | None = strawberry.field(description="A pupil's class («7Б»).")
    mail_reminders: bool = strawberry.field(description="Получает напоминания по почте")
    pairs: list[OwnPair] = strawberry.field(description="The participant's pairs and groups.")
    consents: list[Consent] = strawberry.field(
        description="The participant's consents, with who signed them."
    )
    surveys: list[OwnSurvey] = strawberry.field(
        description="The questionnaires the participant has answered."
    )
    surveys_due: list[OwnSurveyDue] = strawberry.field(
        description="The questionnaires the participant still has to answer."
    )


async def participation(info: ReaderInfo) -> Participation | None:
    """Своё участника программы: пары, встречи, план, согласия и анкеты (только свои)."""
    reader = reader_of(info)
    person = reader.participant().scope.person_id
    async with reader.own() as fetch:
        people = await fetch("SELECT * FROM people")  # the person and their pairs' other sides
        me = next((p for p in people if p["id"] == person), None)
        if me is None:
            return None
        names = {p["id"]: p["full_name"] for p in people}
        pairs = [
            _pair(row, names, person, *await _of_pair(fetch, row["id"]))
            for row in await fetch(  # the working ones first, the latest first
                "SELECT * FROM pairs ORDER BY status = 'active' DESC, formed_at DESC, id"
            )
        ]
        consents = await fetch("SELECT * FROM consents ORDER BY signed_on, id")
        surveys = await fetch("SELECT * FROM survey_responses ORDER BY answered_on, id")
        due = await _surveys_due(fetch, person, pairs)
    return Participation(
        role=str(reader.participant().role),
        person_id=strawberry.ID(str(person)),
        full_name=me["full_name"],
        kind=me["kind"],
        birth_date=me["birth_date"],
        grade=me["grade"],
        mail_reminders=me["mail_reminders"],
        pairs=pairs,
        consents=[Consent.from_row(c) for c in consents],
        surveys=[
            OwnSurvey(
                id=strawberry.ID(str(s["id"])),
                template_id=strawberry.ID(str(s["template_id"])),
                purpose=s["purpose"],
                answered_on=s["answered_on"],
            )
            for s in surveys
        ],
        surveys_due=due,
    )


async def _surveys_due(
    fetch: Fetch, person: UUID | None, pairs: list[OwnPair]
) -> list[OwnSurveyDue]:
    """The surveys the person is due to answer (as the school's attention counts them), each
    on the platform's template for its purpose."""
    templates = {
        t["purpose"]: template_of(t) for t in await fetch(f"{TEMPLATES} WHERE t.tenant = ''")
    }
    due = []
    for programme in dict.fromkeys(p.programme_id for p in pairs):
        for row in await fetch(SURVEYS_DUE, UUID(programme), LIMIT):
            if row["respondent_id"] == person and row["purpose"] in templates:
                due.append(
                    OwnSurveyDue(
                        pair_id=strawberry.ID(str(row["pair_id"])),
                        programme_id=programme,
                        template=templates[row["purpose"]],
                    )
                )
    return due


async def _of_pair(
    fetch: Fetch, pair_id: UUID
) -> tuple[list[OwnMeeting], OwnPlan | None, PlannedMeeting | None]:
    meetings = await fetch(
        "SELECT m.id, m.kind, m.held_on, m.duration_minutes, m.meeting_format, m.topic,"
        " f.rating AS my_rating, f.comment AS my_comment FROM meetings m"
        " LEFT JOIN meeting_feedback f ON f.meeting_id = m.id"  # the participant's own only
        " WHERE m.pair_id = $1 ORDER BY m.held_on, m.id",
        pair_id,
    )
    plans = await fetch("SELECT * FROM plans WHERE pair_id = $1", pair_id)
    tasks = await fetch("SELECT * FROM plan_tasks WHERE pair_id = $1 ORDER BY due_on, id", pair_id)
    plan = None
    if plans:
        plan = OwnPlan(
            starts_on=plans[0]["starts_on"],
            ends_on=plans[0]["ends_on"],
            goals=list(plans[0]["goals"]),
            tasks=[OwnTask(**fields_of(OwnTask, t, id=strawberry.ID(str(t["id"])))) for t in tasks],
        )
    planned = await fetch(
        "SELECT * FROM planned_meetings WHERE pair_id = $1 AND starts_on >= current_date"
        " ORDER BY starts_on, start_time LIMIT 1",
        pair_id,
    )
    upcoming = [
        PlannedMeeting(**fields_of(PlannedMeeting, p, id=strawberry.ID(str(p["id"]))))
        for p in planned
    ]
    return (
        [OwnMeeting(**fields_of(OwnMeeting, m, id=strawberry.ID(str(m["id"])))) for m in meetings],
        plan,
        upcoming[0] if upcoming else None,
    )


def _pair(
    row: asyncpg.Record,
    names: dict[UUID, str],
    person: UUID | None,
    meetings: list[OwnMeeting],
    plan: OwnPlan | None,
    next_meeting: PlannedMeeting | None,
) -> OwnPair:
    return OwnPair(
        id=strawberry.ID(str(row["id"])),
        programme_id=strawberry.ID(str(row["programme_id"])),
        form=row["form"],
        status=row["status"],
        order_number=row["order_number"],
        order_date=row["order_date"],
        mentor_name=names.get(row["mentor_id"], ""),
        mentee_names=[names[m] for m in row["mentee_ids"] if m in names],
        i_am_mentor=person in row["mentor_ids"],
        meetings=meetings,
        plan=plan,
        next_meeting=next_meeting,
    )
