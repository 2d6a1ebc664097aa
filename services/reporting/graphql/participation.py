"""A participant's own page: their pairs and groups, meetings, plan, consents and surveys.

Read in one transaction scoped to the participant's person (`Reader.own`), so row-level security
shows only their own rows. Of the feedback, the participant sees what they gave themselves: the
other side's ratings and comments are never selected."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import asyncpg
import strawberry

from .attention import LIMIT, SURVEYS_DUE
from .context import Fetch, ReaderInfo, fields_of, reader_of
from .people import Consent
from .surveys import TEMPLATES, SurveyTemplate, template_of


@strawberry.type(description="A meeting of the participant's own pair (своя встреча).")
class OwnMeeting:
    id: strawberry.ID
    kind: str
    held_on: date
    duration_minutes: int
    meeting_format: str
    topic: str
    my_rating: int | None
    my_comment: str | None


@strawberry.type(description="A meeting planned for the participant (запланированная встреча).")
class PlannedMeeting:
    id: strawberry.ID
    starts_on: date
    start_time: str
    duration_minutes: int
    place: str
    topic: str


@strawberry.type(description="A task of the participant's plan (задача плана).")
class OwnTask:
    id: strawberry.ID
    title: str
    due_on: date
    completed_on: date | None


@strawberry.type(description="The participant's pair's individual plan (индивидуальный план).")
class OwnPlan:
    starts_on: date
    ends_on: date
    goals: list[str]
    tasks: list[OwnTask]


@strawberry.type(description="A pair the participant belongs to (своя пара).")
class OwnPair:
    id: strawberry.ID
    programme_id: strawberry.ID
    form: str
    status: str
    order_number: str | None
    order_date: date | None
    mentor_name: str
    mentee_names: list[str]
    i_am_mentor: bool
    meetings: list[OwnMeeting]
    plan: OwnPlan | None
    next_meeting: PlannedMeeting | None


@strawberry.type(description="A questionnaire the participant answered (своя анкета).")
class OwnSurvey:
    id: strawberry.ID
    template_id: strawberry.ID
    purpose: str
    answered_on: date


@strawberry.type(
    description="A questionnaire the participant still has to answer (анкета к заполнению)."
)
class OwnSurveyDue:
    pair_id: strawberry.ID
    programme_id: strawberry.ID
    template: SurveyTemplate  # the platform's for its purpose


@strawberry.type(description="A programme participant's own page (участие в программе).")
class Participation:
    role: str
    person_id: strawberry.ID
    full_name: str
    kind: str
    birth_date: date | None
    grade: str | None
    mail_reminders: bool = strawberry.field(description="Получает напоминания по почте")
    pairs: list[OwnPair]
    consents: list[Consent]
    surveys: list[OwnSurvey]
    surveys_due: list[OwnSurveyDue]


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
