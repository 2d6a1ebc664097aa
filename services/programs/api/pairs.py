"""Pairs and groups: forming, the director's order, plans, meetings with feedback, the end."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.dictionaries import MentoringForm
from shared.kernel.principal import Principal

from ..application import ClassSide, Ending, Feedback, NewMeeting, NewPair, PlannedMeeting
from ..domain import (
    MAX_GROUP_SIZE,
    Basis,
    EarlyEndReason,
    MeetingFormat,
    MeetingKind,
    Outcome,
    Side,
)
from .common import Goals, OrderNumber, Rating, Text, programs_of

People = Annotated[list[UUID], msgspec.Meta(max_length=MAX_GROUP_SIZE)]


class ClassIn(msgspec.Struct, forbid_unknown_fields=True):
    """A class on one side: its label as the school's base writes a pupil's class («7А») and
    its pupils on the day (each checked against the registry)."""

    label: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=20,
            description="The class as the school's base writes a pupil's class («7А»)",
        ),
    ]
    pupil_ids: Annotated[
        list[UUID], msgspec.Meta(min_length=1, max_length=60, description="Its pupils on the day")
    ]


Classes = Annotated[list[ClassIn], msgspec.Meta(max_length=5)]


class PairIn(msgspec.Struct, forbid_unknown_fields=True):
    """A pair or group: its mentor side is `mentor_id` and `mentor_ids` (a team) and the
    `mentor_classes`; its mentee side `mentee_ids` and the `mentee_classes`; `supporting_ids`
    are its supporting teachers (not mentors)."""

    form: Annotated[
        MentoringForm,
        msgspec.Meta(
            description="The form of mentoring (форма наставничества), one the programme runs",
            examples=["teacher_student"],
        ),
    ]
    mentor_id: Annotated[
        UUID | None,
        msgspec.Meta(
            description="The mentor: a person of the school's base of mentors",
            examples=["0b9f6c1e-3c2a-4f1e-9a57-2d6b8e4f1a01"],
        ),
    ] = None
    mentee_ids: Annotated[
        People,
        msgspec.Meta(
            description="The mentee, or a group's mentees (наставляемые), of the school's base",
            examples=[["5d2e7a90-8b1c-4e6f-a3d4-7c9b0e1f2a02"]],
        ),
    ] = []
    basis: Annotated[
        Basis,
        msgspec.Meta(
            description="How the pair came about: `chosen` by the curator (the default),"
            " `suggested` by matching or `directive` for a mentee left unmatched"
        ),
    ] = Basis.CHOSEN
    id: Annotated[
        UUID | None,
        msgspec.Meta(description="The pair's id, when the caller chooses it (a retry keeps it)"),
    ] = None
    mentor_ids: Annotated[
        list[UUID],
        msgspec.Meta(max_length=5, description="More mentors of a team (команда наставников)"),
    ] = []
    mentor_classes: Annotated[
        Classes, msgspec.Meta(description="Classes whose pupils mentor (класс-наставник)")
    ] = []
    mentee_classes: Annotated[
        Classes, msgspec.Meta(description="Classes whose pupils are the mentees")
    ] = []
    supporting_ids: Annotated[
        list[UUID],
        msgspec.Meta(max_length=5, description="Supporting teachers of a group (not mentors)"),
    ] = []


class DissolutionIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[
        str,
        msgspec.Meta(
            max_length=300,
            description="Why the proposed pair is withdrawn",
            examples=["Наставник переведён в другую школу до начала работы пары"],
        ),
    ] = ""


class OrderIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[
        OrderNumber,
        msgspec.Meta(description="The order's number (номер приказа)", examples=["121-о"]),
    ]
    order_date: Annotated[
        date,
        msgspec.Meta(description="The order's date, not in the future", examples=["2025-09-15"]),
    ]
    pair_ids: Annotated[
        list[UUID],
        msgspec.Meta(
            min_length=1,
            max_length=500,
            description="The proposed pairs and groups the order approves",
            examples=[["7a1c3e5f-2b4d-4c6e-8f0a-1b3d5f7a9c03"]],
        ),
    ]


class TaskIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[
        str, msgspec.Meta(min_length=1, max_length=500, description="What is to be done")
    ]
    due_on: Annotated[date, msgspec.Meta(description="The task's deadline")]


class PlanIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_on: Annotated[
        date, msgspec.Meta(description="The plan's first day", examples=["2025-09-22"])
    ]
    ends_on: Annotated[
        date, msgspec.Meta(description="The plan's last day", examples=["2026-05-29"])
    ]
    goals: Annotated[
        Goals,
        msgspec.Meta(
            description="The plan's goals",
            examples=[["Повысить оценку по алгебре до «4»", "Подготовиться к ОГЭ по математике"]],
        ),
    ]
    tasks: Annotated[
        list[TaskIn],
        msgspec.Meta(
            max_length=100,
            description="The plan's tasks",
            examples=[
                [
                    {
                        "title": "Разобрать ошибки контрольной работы за I четверть",
                        "due_on": "2025-11-07",
                    }
                ]
            ],
        ),
    ] = []


class TaskDoneIn(msgspec.Struct, forbid_unknown_fields=True):
    completed_on: Annotated[
        date, msgspec.Meta(description="The day the task was done", examples=["2025-11-05"])
    ]


class FeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    rating: Annotated[
        Rating | None, msgspec.Meta(description="The meeting rated from 1 to 10", examples=[9])
    ] = None
    comment: Annotated[
        Text | None,
        msgspec.Meta(description="A comment on the meeting", examples=["Хороший старт"]),
    ] = None


class MeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[
        MeetingKind,
        msgspec.Meta(
            description="The meeting's place in the standard sequence: introduction, trial,"
            " planning, regular, final",
            examples=["introduction"],
        ),
    ]
    held_on: Annotated[
        date,
        msgspec.Meta(description="The day it was held, not in the future", examples=["2025-09-22"]),
    ]
    duration_minutes: Annotated[
        int, msgspec.Meta(ge=5, le=600, description="How long it lasted, in minutes", examples=[40])
    ]
    format: Annotated[
        MeetingFormat, msgspec.Meta(description="How the pair met (in person by default)")
    ] = MeetingFormat.IN_PERSON
    topic: Annotated[
        str,
        msgspec.Meta(max_length=500, description="The meeting's topic", examples=["Знакомство"]),
    ] = ""
    mentor_feedback: Annotated[
        FeedbackIn | None,
        msgspec.Meta(
            description="The mentor's feedback, if given now (it may be added later)",
            examples=[{"rating": 9, "comment": "Хороший старт"}],
        ),
    ] = None
    mentee_feedback: Annotated[
        FeedbackIn | None,
        msgspec.Meta(
            description="The mentee's feedback, if given now (it may be added later)",
            examples=[{"rating": 8}],
        ),
    ] = None
    id: Annotated[
        UUID | None,
        msgspec.Meta(description="The meeting's id, when the caller chooses it"),
    ] = None


class PlannedMeetingIn(msgspec.Struct, forbid_unknown_fields=True):
    starts_on: Annotated[
        date, msgspec.Meta(description="The day of the meeting", examples=["2025-10-07"])
    ]
    start_time: Annotated[
        Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")],
        msgspec.Meta(description="The time it starts, ЧЧ:ММ", examples=["15:30"]),
    ]
    duration_minutes: Annotated[
        int,
        msgspec.Meta(
            ge=5, le=600, description="How long it is planned to last, in minutes", examples=[45]
        ),
    ] = 45
    place: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=500,
            description="Where the pair meets",
            examples=["кабинет 214"],
        ),
    ] = "в школе"
    topic: Annotated[
        str,
        msgspec.Meta(
            max_length=500,
            description="The meeting's topic",
            examples=["Разбор задач школьного этапа олимпиады"],
        ),
    ] = ""


class AuthoredFeedbackIn(msgspec.Struct, forbid_unknown_fields=True):
    author_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The participant whose feedback it is",
            examples=["5d2e7a90-8b1c-4e6f-a3d4-7c9b0e1f2a02"],
        ),
    ]
    rating: Annotated[
        Rating | None, msgspec.Meta(description="The meeting rated from 1 to 10", examples=[9])
    ] = None
    comment: Annotated[
        Text | None,
        msgspec.Meta(
            description="A comment on the meeting",
            examples=["Разобрались с квадратными уравнениями"],
        ),
    ] = None


class EndingIn(msgspec.Struct, forbid_unknown_fields=True):
    outcome: Annotated[
        Outcome,
        msgspec.Meta(
            description="How the pair ends: completed or ended early", examples=["completed"]
        ),
    ]
    ended_on: Annotated[date, msgspec.Meta(description="The day it ended", examples=["2026-05-29"])]
    initiator: Annotated[Side, msgspec.Meta(description="Whose side ended it early")] = Side.SCHOOL
    reason: Annotated[EarlyEndReason | None, msgspec.Meta(description="Why it ended early")] = None
    summary: Annotated[
        Text,
        msgspec.Meta(
            description="The curator's summary of the pair's work",
            examples=["План выполнен: годовая оценка по алгебре — «4», ОГЭ сдан на «4»"],
        ),
    ] = ""


def _classes(data: list[ClassIn]) -> tuple[ClassSide, ...]:
    return tuple(ClassSide(c.label.strip(), tuple(c.pupil_ids)) for c in data)


def _feedback(data: FeedbackIn | None) -> Feedback | None:
    return Feedback(rating=data.rating, comment=data.comment) if data else None


class PairController(Controller):
    tags = ["pairs and groups"]

    @post("/programmes/{programme_id:uuid}/pairs", sync_to_thread=True)
    def form_pair(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: PairIn,
    ) -> Created:
        """Form a pair or group (наставническая пара или группа): a mentor side (a mentor, a
        team of mentors, a class) and a mentee side (one or more mentees, a class), proposed
        until the director's order."""
        new = NewPair(
            form=data.form,
            mentor_id=data.mentor_id,
            mentee_ids=data.mentee_ids,
            basis=data.basis,
            id=data.id,
            mentor_ids=tuple(data.mentor_ids),
            mentor_classes=_classes(data.mentor_classes),
            mentee_classes=_classes(data.mentee_classes),
            supporting_ids=tuple(data.supporting_ids),
        )
        pair, position = programs_of(state).form_group(request.user, programme_id, new)
        return Created(id=pair.id, position=position)

    @post("/pairs/{pair_id:uuid}/dissolution", sync_to_thread=True, status_code=200)
    def dissolve_pair(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        pair_id: UUID,
        data: DissolutionIn,
    ) -> Position:
        """Dissolve a pair not yet approved by an order."""
        position = programs_of(state).dissolve_pair(request.user, pair_id, data.reason)
        return Position(position=position)

    @post("/programmes/{programme_id:uuid}/orders", sync_to_thread=True)
    def approve_pairs(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: OrderIn,
    ) -> Created:
        """Approve pairs by the director's order (приказ о закреплении наставнических пар).

        Only approved pairs start working."""
        order_id, position = programs_of(state).approve_pairs(
            request.user, programme_id, data.number, data.order_date, data.pair_ids
        )
        return Created(id=order_id, position=position)

    @put("/pairs/{pair_id:uuid}/plan", sync_to_thread=True)
    def draw_up_plan(
        self, request: Request[Principal, Any, Any], state: State, pair_id: UUID, data: PlanIn
    ) -> Position:
        """Draw up a pair's individual plan (индивидуальный план): its period, goals and tasks.

        The period is 3 months to a year; each task has its deadline."""
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
    def complete_plan_task(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        pair_id: UUID,
        task_id: UUID,
        data: TaskDoneIn,
    ) -> Position:
        """Mark a task of a pair's plan done."""
        position = programs_of(state).complete_task(
            request.user, pair_id, task_id, data.completed_on
        )
        return Position(position=position)

    @post("/pairs/{pair_id:uuid}/planned-meetings", sync_to_thread=True)
    def plan_meeting(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        pair_id: UUID,
        data: PlannedMeetingIn,
    ) -> Created:
        planned = PlannedMeeting(**msgspec.structs.asdict(data))
        meeting_id, position = programs_of(state).plan_meeting(request.user, pair_id, planned)
        return Created(id=meeting_id, position=position)

    @post("/pairs/{pair_id:uuid}/meetings", sync_to_thread=True)
    def record_meeting(
        self, request: Request[Principal, Any, Any], state: State, pair_id: UUID, data: MeetingIn
    ) -> Created:
        """Record a meeting of a pair: its kind, date, length, format and topic."""
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

    @post("/pairs/{pair_id:uuid}/meetings/{meeting_id:uuid}/feedback", sync_to_thread=True)
    def give_meeting_feedback(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        pair_id: UUID,
        meeting_id: UUID,
        data: AuthoredFeedbackIn,
    ) -> Position:
        """Give feedback on a meeting, as its mentor or mentee: a rating and a comment.

        A participant's feedback given after the meeting (each mentee of a group)."""
        position = programs_of(state).give_feedback(
            request.user,
            pair_id,
            meeting_id,
            data.author_id,
            Feedback(rating=data.rating, comment=data.comment),
        )
        return Position(position=position)

    @post("/pairs/{pair_id:uuid}/ending", sync_to_thread=True, status_code=200)
    def end_pair(
        self, request: Request[Principal, Any, Any], state: State, pair_id: UUID, data: EndingIn
    ) -> Position:
        """End a pair's mentoring, on time or early, with its outcome.

        Completed after the final meeting, or ended early by a side with a reason."""
        ending = Ending(data.outcome, data.ended_on, data.initiator, data.reason, data.summary)
        position = programs_of(state).end_pair(request.user, pair_id, ending)
        return Position(position=position)
