"""The auditor's pages: a programme's history as a timeline (when, who in which role, what
changed) from `programmeHistory`, and its state at a chosen date or after any of its events,
replayed by reporting's `programmeState`. Read-only; names only for the school's own director."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.response import Template

from services.programs.labels import (
    AWARD_RESULT_NAMES,
    BASIS_NAMES,
    EARLY_END_REASON_NAMES,
    EVENT_NAMES,
    ITEM_STATUS_NAMES,
    MEETING_FORMAT_NAMES,
    MEETING_KIND_NAMES,
    NOMINATION_NAMES,
    OUTCOME_NAMES,
    PURPOSE_NAMES,
    SIDE_NAMES,
    STAGE_NAMES,
)
from shared.adapters.settings import region_today
from shared.dictionaries import FORM_NAMES
from shared.kernel.principal import Role

from ..backend import Backend
from ..pages import page
from ..reads import Connection, Date, DateTime, ProgrammeStage, Read
from ..session import WebUser
from ..templating import ru_date
from .oversight import allow, parse_day, query_string, school_years

# Who may replay a programme's history (reporting checks the same roles).
HISTORY_READERS = frozenset({Role.AUDITOR, Role.INSTITUTE_METHODOLOGIST, Role.SCHOOL_DIRECTOR})
PAGE_SIZE = 50

PROGRAMME = "id title stage stageName"
# Above the school: schools found by name, a page at a time, each with its programmes.
BY_SCHOOL = f"""
query($year: String!, $search: String, $after: String) {{
  schoolComparison(schoolYear: $year, filter: {{search: $search}}, first: 25, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }}
    edges {{ node {{ organisation {{ name }} programmes {{ {PROGRAMME} }} }} }}
  }}
}}
"""
# A school's director: the school's own programmes.
OWN = f"""
query($year: String) {{
  programmes(schoolYear: $year, first: 50) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {PROGRAMME} }} }}
  }}
}}
"""
HISTORY = """
query($programme: ID!, $first: Int!, $after: String) {
  programmeState(programmeId: $programme, atVersion: 1) {
    programme { title schoolYear }
  }
  programmeHistory(programmeId: $programme, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { occurredAt effectiveOn eventType actorUser actorRole changes } }
  }
}
"""
STATE = """
query($programme: ID!, $version: Int, $on: Date, $asOf: Date) {
  programmeState(programmeId: $programme, atVersion: $version, atDate: $on, asOf: $asOf) {
    version versions at
    programme { title schoolYear stage stageName stageChangedAt stageSince meetingEveryDays
                startsOn endsOn goals forms }
    pairs { form status basis orderNumber orderDate endedOn mentor { id fullName }
            mentees { id fullName } plan { progress } meetings { id } }
    orders { number orderDate pairIds }
  }
}
"""


class SchoolName(Read):
    name: str


class SchoolProgrammes(Read):
    organisation: SchoolName
    programmes: list[ProgrammeStage]


class BySchool(Read):
    schoolComparison: Connection[SchoolProgrammes]


class Own(Read):
    programmes: Connection[ProgrammeStage]


class ProgrammeTitle(Read):
    title: str
    schoolYear: str


class Replayed(Read):
    programme: ProgrammeTitle | None


class HistoryEvent(Read):
    """One stored event of the programme: when, by whom in which role, what it changed."""

    occurredAt: DateTime
    effectiveOn: Date | None  # the day its document gives, where it has one
    eventType: str
    actorUser: str
    actorRole: str
    changes: dict[str, Any]


class History(Read):
    programmeState: Replayed
    programmeHistory: Connection[HistoryEvent]


class StateProgramme(Read):
    title: str
    schoolYear: str
    stage: int
    stageName: str
    stageChangedAt: DateTime | None
    stageSince: Date | None
    meetingEveryDays: int
    startsOn: Date | None
    endsOn: Date | None
    goals: list[str]
    forms: list[str]


class Participant(Read):
    """A pair's mentor or mentee: no name above the school."""

    id: str
    fullName: str | None


class PlanProgress(Read):
    progress: int


class MeetingId(Read):
    id: str


class StatePair(Read):
    form: str
    status: str
    basis: str
    orderNumber: str | None
    orderDate: Date | None
    endedOn: Date | None
    mentor: Participant
    mentees: list[Participant]
    plan: PlanProgress | None
    meetings: list[MeetingId]


class StateOrder(Read):
    number: str
    orderDate: Date
    pairIds: list[str]


class ProgrammeState(Read):
    """The programme replayed up to a version or a date."""

    version: int
    versions: int
    at: DateTime | None
    programme: StateProgramme | None
    pairs: list[StatePair]
    orders: list[StateOrder]


class State(Read):
    programmeState: ProgrammeState


@dataclass(frozen=True)
class TimelineEntry:
    """An event as the timeline shows it: its name, who in which role, its fields in words."""

    occurred_at: DateTime
    effective_on: Date | None
    version: int
    name: str
    actor_user: str
    actor_role: str  # its code: the template names it
    fields: list[tuple[str, str]]


def aliases(state: ProgrammeState) -> dict[str, str]:
    """Names are the school's alone: above it each participant is numbered instead, one number a
    person across the page, so that rows can still be told apart and followed."""
    numbered: dict[str, str] = {}
    counts = {"наставник": 0, "наставляемый": 0}
    for pair in state.pairs:
        for who, person in [("наставник", pair.mentor)] + [
            ("наставляемый", m) for m in pair.mentees
        ]:
            if person.fullName is None and person.id not in numbered:
                counts[who] += 1
                numbered[person.id] = f"{who} № {counts[who]}"
    return numbered


# What a change's fields are called; a field not named here is not shown (codes are not read).
FIELD_NAMES = {
    "title": "название",
    "school_year": "учебный год",
    "forms": "формы",
    "stage": "этап",
    "effective_on": "с какого дня (по документам)",
    "former_stage": "прежний этап",
    "every_days": "встречи не реже, дней",
    "meeting_every_days": "встречи не реже, дней",
    "form": "форма",
    "mentor_id": "наставник",
    "mentor_ids": "наставники",
    "mentee_ids": "наставляемые",
    "supporting_ids": "сопровождающие педагоги",
    "basis": "основание",
    "number": "номер",
    "order_date": "дата приказа",
    "order_number": "номер приказа",
    "kind": "вид",
    "held_on": "дата",
    "duration_minutes": "минут",
    "topic": "тема",
    "rating": "оценка",
    "comment": "комментарий",
    "side": "сторона",
    "outcome": "итог",
    "ended_on": "дата завершения",
    "reason": "причина",
    "summary": "итог куратора",
    "goals": "цели",
    "starts_on": "начало",
    "ends_on": "окончание",
    "purpose": "анкета",
    "respondent_id": "респондент",
    "respondent": "кто отвечает",
    "mentee_id": "наставляемый",
    "author_id": "автор",
    "mentor_rating": "оценка наставника",
    "mentee_rating": "оценка наставляемого",
    "mentor_comment": "комментарий наставника",
    "mentee_comment": "комментарий наставляемого",
    "meeting_format": "формат",
    "format": "формат",
    "completed_on": "выполнено",
    "answered_on": "дата ответа",
    "answers": "ответы",
    "early_end_reason": "причина досрочного завершения",
    "ended_by": "кто завершил",
    "tasks": "задачи",
    "due_on": "срок",
    "evidence": "подтверждение",
    "status": "статус",
    "nomination": "номинация",
    "result": "результат",
    "results": "результаты",
    "published_on": "опубликовано",
    "decided_on": "дата решения",
    "curators": "кураторы",
    "initiator": "инициатор",
    "level": "уровень",
}
# Ids of people: above the school their names are not shown, so each is numbered on the page.
PERSON_FIELDS = {
    "mentor_id",
    "mentor_ids",
    "mentee_id",
    "mentee_ids",
    "supporting_ids",
    "respondent_id",
    "author_id",
}
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# The dictionaries whose codes a change carries, by field.
VALUE_NAMES: dict[str, dict[str, str]] = {
    "form": {str(k): v for k, v in FORM_NAMES.items()},
    "forms": {str(k): v for k, v in FORM_NAMES.items()},
    "kind": MEETING_KIND_NAMES,
    "basis": BASIS_NAMES,
    "stage": {str(k): f"{k}. {v}" for k, v in STAGE_NAMES.items()},
    "former_stage": {str(k): f"{k}. {v}" for k, v in STAGE_NAMES.items()},
    "purpose": PURPOSE_NAMES,
    "side": SIDE_NAMES,
    "respondent": SIDE_NAMES,
    "initiator": SIDE_NAMES,
    "ended_by": SIDE_NAMES,
    "outcome": OUTCOME_NAMES,
    "reason": EARLY_END_REASON_NAMES,
    "early_end_reason": EARLY_END_REASON_NAMES,
    "status": ITEM_STATUS_NAMES,
    "nomination": NOMINATION_NAMES,
    "result": AWARD_RESULT_NAMES,
    "meeting_format": MEETING_FORMAT_NAMES,
    "format": MEETING_FORMAT_NAMES,
}


def changed_fields(changes: dict[str, Any], people: dict[str, str]) -> list[tuple[str, str]]:
    """A change's fields in Russian words, its codes named, dates as ДД.ММ.ГГГГ, people numbered
    (`people`: the page's numbering, shared by its events), nested values flattened to text.
    Other ids and fields without a name are left out: the timeline names the event itself."""
    return [
        (FIELD_NAMES[key], _text(key, value, people))
        for key, value in changes.items()
        if key in FIELD_NAMES and value not in (None, [], {}, "")
    ]


def _text(key: str, value: Any, people: dict[str, str]) -> str:
    if isinstance(value, list):
        return ", ".join(_text(key, v, people) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{FIELD_NAMES[k]}: {_text(k, v, people)}" for k, v in value.items() if k in FIELD_NAMES
        )
    if value is True:
        return "да"
    if value is False:
        return "нет"
    if key in PERSON_FIELDS:
        return people.setdefault(str(value), f"участник № {len(people) + 1}")
    if isinstance(value, str) and _DAY.match(value):
        return ru_date(value)
    return VALUE_NAMES.get(key, {}).get(str(value), str(value))


def moment(value: str | None) -> str:
    """«24.11.2026 13:20 UTC»: events are stamped in UTC, and the platform keeps no region's
    time zone, so the page says which time it shows."""
    if not value:
        return "—"
    return f"{datetime.fromisoformat(value).astimezone(UTC):%d.%m.%Y %H:%M} UTC"


class AuditController(Controller):
    path = "/audit"

    @get("/programmes")
    async def programmes(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        year: str = "",
        q: str = "",
        after: str | None = None,
    ) -> Template:
        allow(user, HISTORY_READERS)
        years = await school_years(request, backend, user, year or None)
        found: Connection[Any]
        if user.school_id is not None:
            found = (await backend.query(user.token, OWN, Own, year=years.chosen)).programmes
            rows = [("", programme) for programme in found.nodes]
        else:
            found = (
                await backend.query(
                    user.token,
                    BY_SCHOOL,
                    BySchool,
                    year=years.chosen,
                    search=q.strip() or None,
                    after=after or None,
                )
            ).schoolComparison
            rows = [
                (school.organisation.name, programme)
                for school in found.nodes
                for programme in school.programmes
            ]
        return page(
            "audit/programmes.html",
            user,
            years=years,
            q=q,
            rows=rows,
            listing=found,
            params={"year": years.chosen, "q": q},
            query_string=query_string,
            first_page=after is None,
        )

    @get("/programmes/{programme_id:uuid}")
    async def history(
        self,
        user: WebUser,
        backend: Backend,
        programme_id: UUID,
        after: str | None = None,
        seen: int = 0,
    ) -> Template:
        allow(user, HISTORY_READERS)
        data = await backend.query(
            user.token, HISTORY, History, programme=str(programme_id), first=PAGE_SIZE, after=after
        )
        history = data.programmeHistory
        people: dict[str, str] = {}
        events = [
            TimelineEntry(
                occurred_at=event.occurredAt,
                effective_on=event.effectiveOn,
                version=max(seen, 0) + number,
                name=EVENT_NAMES.get(event.eventType, event.eventType),
                actor_user=event.actorUser,
                actor_role=event.actorRole,
                fields=changed_fields(event.changes, people),
            )
            for number, event in enumerate(history.nodes, start=1)
        ]
        return page(
            "audit/history.html",
            user,
            programme_id=programme_id,
            about=data.programmeState,
            history=history,
            events=events,
            next_page=query_string(
                {}, after=history.pageInfo.endCursor, seen=max(seen, 0) + len(events)
            ),
            first_page=after is None,
            on="",
            asof="",
            errors={},
            moment=moment,
        )

    @get("/programmes/{programme_id:uuid}/state")
    async def state(
        self,
        user: WebUser,
        backend: Backend,
        programme_id: UUID,
        on: str = "",
        asof: str = "",
        version: int | None = None,
    ) -> Template:
        """The programme as the platform knew it on a day (`on`) or after an event (`version`),
        and, with `asof`, as the documents say on that day: the two axes of its history."""
        allow(user, HISTORY_READERS)
        errors: dict[str, str] = {}
        day = _day_asked(on, "on", errors)
        as_of = _day_asked(asof, "asof", errors)
        if version is not None and version < 0:
            errors["version"] = "Номер события не может быть отрицательным"
            version = None
        data = await backend.query(
            user.token,
            STATE,
            State,
            programme=str(programme_id),
            version=None if day else version,
            on=day and day.isoformat(),
            asOf=as_of and as_of.isoformat(),
        )
        return page(
            "audit/state.html",
            user,
            status_code=400 if errors else 200,
            programme_id=programme_id,
            state=data.programmeState,
            aliases=aliases(data.programmeState),
            day=day,
            as_of=as_of,
            version=None if day else version,
            on=on,
            asof=asof,
            errors=errors,
            moment=moment,
        )


def _day_asked(typed: str, name: str, errors: dict[str, str]) -> date | None:
    """A day of the state form, ДД.ММ.ГГГГ and not in the future; an error beside it if not."""
    day = parse_day(typed.strip()) if typed.strip() else None
    if typed.strip() and day is None:
        errors[name] = "Укажите дату в формате ДД.ММ.ГГГГ"
    elif day is not None and day > region_today():
        errors[name] = "Дата ещё не наступила: состояние на сегодня — в истории программы"
        return None
    return day
