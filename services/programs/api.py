"""Programs over HTTP: programmes, pairs and meetings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Litestar, Request, post, put
from litestar.datastructures import State

from services.registry.application import RegistryState
from services.wiring import Created, EventStoreResources, Position
from shared.auth import Principal
from shared.dictionaries import MentoringForm, SchoolYear
from shared.http import create_service_app
from shared.settings import Settings, get_settings

from .application import Feedback, NewMeeting, Programs
from .domain import MeetingFormat, MeetingKind, Stage

Rating = Annotated[int, msgspec.Meta(ge=1, le=10)]


class ProgrammeIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: UUID
    school_year: SchoolYear
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    forms: Annotated[list[MentoringForm], msgspec.Meta(min_length=1)]
    id: UUID | None = None


class StageIn(msgspec.Struct, forbid_unknown_fields=True):
    stage: Annotated[int, msgspec.Meta(ge=1, le=7)]


class MeetingRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    every_days: int


class PairIn(msgspec.Struct, forbid_unknown_fields=True):
    form: MentoringForm
    mentor_id: UUID
    mentee_id: UUID
    id: UUID | None = None


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    order_date: date
    pair_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=500)]


class TaskIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    due_on: date


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_on: date
    ends_on: date
    goals: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=500)]],
        msgspec.Meta(max_length=20),
    ]
    tasks: Annotated[list[TaskIn], msgspec.Meta(max_length=100)] = []


class TaskDoneIn(msgspec.Struct, forbid_unknown_fields=True):
    completed_on: date


class FeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    rating: Rating | None = None
    comment: Annotated[str, msgspec.Meta(max_length=4000)] | None = None


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: MeetingKind
    held_on: date
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=600)]
    format: MeetingFormat = MeetingFormat.IN_PERSON
    topic: Annotated[str, msgspec.Meta(max_length=500)] = ""
    mentor_feedback: FeedbackIn | None = None
    mentee_feedback: FeedbackIn | None = None
    id: UUID | None = None


def programs_of(state: State) -> Programs:
    programs: Programs = state.programs
    return programs


def _feedback(data: FeedbackIn | None) -> Feedback | None:
    return Feedback(rating=data.rating, comment=data.comment) if data else None


@post("/programmes", sync_to_thread=True)
def open_programme(
    request: Request[Principal, Any, Any], state: State, data: ProgrammeIn
) -> Created:
    programme, position = programs_of(state).open_programme(
        request.user, data.school_id, data.school_year, data.title, data.forms, data.id
    )
    return Created(id=programme.id, position=position)


@post("/programmes/{programme_id:uuid}/stage", sync_to_thread=True, status_code=200)
def move_to_stage(
    request: Request[Principal, Any, Any], state: State, programme_id: UUID, data: StageIn
) -> Position:
    position = programs_of(state).move_to_stage(request.user, programme_id, Stage(data.stage))
    return Position(position=position)


@post("/programmes/{programme_id:uuid}/meeting-rule", sync_to_thread=True, status_code=200)
def set_meeting_rule(
    request: Request[Principal, Any, Any], state: State, programme_id: UUID, data: MeetingRuleIn
) -> Position:
    position = programs_of(state).set_meeting_rule(request.user, programme_id, data.every_days)
    return Position(position=position)


@post("/programmes/{programme_id:uuid}/pairs", sync_to_thread=True)
def form_pair(
    request: Request[Principal, Any, Any], state: State, programme_id: UUID, data: PairIn
) -> Created:
    pair, position = programs_of(state).form_pair(
        request.user, programme_id, data.form, data.mentor_id, data.mentee_id, data.id
    )
    return Created(id=pair.id, position=position)


@post("/programmes/{programme_id:uuid}/orders", sync_to_thread=True)
def approve_pairs(
    request: Request[Principal, Any, Any], state: State, programme_id: UUID, data: OrderIn
) -> Created:
    """The director's order approving pairs: only approved pairs start working."""
    order_id, position = programs_of(state).approve_pairs(
        request.user, programme_id, data.number, data.order_date, data.pair_ids
    )
    return Created(id=order_id, position=position)


@put("/pairs/{pair_id:uuid}/plan", sync_to_thread=True)
def draw_up_plan(
    request: Request[Principal, Any, Any], state: State, pair_id: UUID, data: PlanIn
) -> Position:
    """The pair's individual plan: goals, tasks with deadlines (3 months to a year)."""
    position = programs_of(state).draw_up_plan(
        request.user,
        pair_id,
        data.starts_on,
        data.ends_on,
        data.goals,
        [(t.title, t.due_on) for t in data.tasks],
    )
    return Position(position=position)


@post(
    "/pairs/{pair_id:uuid}/plan/tasks/{task_id:uuid}/completion",
    sync_to_thread=True,
    status_code=200,
)
def complete_task(
    request: Request[Principal, Any, Any],
    state: State,
    pair_id: UUID,
    task_id: UUID,
    data: TaskDoneIn,
) -> Position:
    position = programs_of(state).complete_task(request.user, pair_id, task_id, data.completed_on)
    return Position(position=position)


@post("/pairs/{pair_id:uuid}/meetings", sync_to_thread=True)
def record_meeting(
    request: Request[Principal, Any, Any], state: State, pair_id: UUID, data: MeetingIn
) -> Created:
    meeting = NewMeeting(
        kind=data.kind,
        held_on=data.held_on,
        duration_minutes=data.duration_minutes,
        meeting_format=data.format,
        topic=data.topic,
        mentor=_feedback(data.mentor_feedback),
        mentee=_feedback(data.mentee_feedback),
        id=data.id,
    )
    meeting_id, position = programs_of(state).record_meeting(request.user, pair_id, meeting)
    return Created(id=meeting_id, position=position)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    resources = EventStoreResources(settings, "programs")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        keys = resources.open()
        registry = RegistryState(resources.address)
        app.state.programs = Programs(resources.address, keys=keys, registry=registry)
        try:
            yield
        finally:
            app.state.programs.close()
            registry.close()
            resources.close()

    return create_service_app(
        title="programs",
        settings=settings,
        route_handlers=[
            open_programme,
            move_to_stage,
            set_meeting_rule,
            form_pair,
            approve_pairs,
            draw_up_plan,
            complete_task,
            record_meeting,
        ],
        health_check=resources.healthy,
        lifespan=[lifespan],
    )
