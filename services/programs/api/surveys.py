"""Survey templates with typed questions, and responses to them."""

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

from ..domain import Purpose, Question, QuestionKind, Respondent
from .common import Title, programs_of

Answer = int | bool | str | list[str]


class QuestionIn(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[
        str,
        msgspec.Meta(
            pattern=r"^[a-z][a-z0-9_]{0,39}$",
            description="The question's code, stable across versions",
        ),
    ]
    text: Annotated[
        str, msgspec.Meta(min_length=1, max_length=500, description="The question as asked")
    ]
    kind: Annotated[
        QuestionKind,
        msgspec.Meta(
            description="How it is answered: scale 1–10, choice, several choices, yes/no, text"
        ),
    ]
    options: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=200)]],
        msgspec.Meta(max_length=30, description="The choices, for a question answered by choice"),
    ] = []
    required: Annotated[bool, msgspec.Meta(description="An answer is required")] = True


Questions = Annotated[list[QuestionIn], msgspec.Meta(min_length=1, max_length=100)]
# A questionnaire's questions as a school writes them: the example of the bodies that carry them.
QUESTIONS_EXAMPLE = [
    {
        "code": "satisfaction",
        "text": "Насколько вы довольны работой с наставником?",
        "kind": "scale",
    },
    {"code": "helped", "text": "Помог ли наставник достичь вашей цели?", "kind": "yes_no"},
    {
        "code": "topics",
        "text": "Над чем вы работали с наставником?",
        "kind": "multiple",
        "options": ["учёба", "выбор профессии", "проекты", "общение"],
        "required": False,
    },
]


class TemplateIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[
        Title,
        msgspec.Meta(
            description="The questionnaire's title",
            examples=["Анкета удовлетворённости наставляемого"],
        ),
    ]
    purpose: Annotated[
        Purpose, msgspec.Meta(description="What it measures", examples=["mentee_satisfaction"])
    ]
    respondent: Annotated[
        Respondent, msgspec.Meta(description="Who answers it", examples=["mentee"])
    ]
    questions: Annotated[
        Questions, msgspec.Meta(description="Its questions, in order", examples=[QUESTIONS_EXAMPLE])
    ]
    forms: Annotated[
        list[MentoringForm],
        msgspec.Meta(
            description="The forms of mentoring it is for", examples=[["student_student"]]
        ),
    ] = []
    stage: Annotated[
        Annotated[int, msgspec.Meta(ge=1, le=7)] | None,
        msgspec.Meta(description="The programme stage it is given at, if any"),
    ] = None


class RevisionIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[
        Title,
        msgspec.Meta(
            description="The questionnaire's title",
            examples=["Анкета удовлетворённости наставляемого"],
        ),
    ]
    questions: Annotated[
        Questions, msgspec.Meta(description="Its questions, in order", examples=[QUESTIONS_EXAMPLE])
    ]


class ResponseIn(msgspec.Struct, forbid_unknown_fields=True):
    template_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The questionnaire answered",
            examples=["ca496bdd-8d0d-404d-b4de-efe25d5f9cae"],
        ),
    ]
    respondent_id: Annotated[
        UUID,
        msgspec.Meta(description="Who answered", examples=["5d2e7a90-8b1c-4e6f-a3d4-7c9b0e1f2a02"]),
    ]
    answered_on: Annotated[
        date, msgspec.Meta(description="The day it was answered", examples=["2026-05-20"])
    ]
    answers: Annotated[
        dict[str, Answer],
        msgspec.Meta(
            description="The answers, by question code",
            examples=[{"satisfaction": 9, "helped": True, "topics": ["учёба", "выбор профессии"]}],
        ),
    ]
    pair_id: Annotated[
        UUID | None,
        msgspec.Meta(
            description="The pair the questionnaire is about, if any",
            examples=["7a1c3e5f-2b4d-4c6e-8f0a-1b3d5f7a9c03"],
        ),
    ] = None


def _questions(data: list[QuestionIn]) -> list[Question]:
    return [Question(q.code, q.text, q.kind, tuple(q.options), q.required) for q in data]


class SurveyController(Controller):
    tags = ["surveys"]

    @post("/survey-templates", sync_to_thread=True)
    def publish_survey_template(
        self, request: Request[Principal, Any, Any], state: State, data: TemplateIn
    ) -> Created:
        """Publish a survey template (анкета): its purpose, forms and questions.

        A template of the caller's organisation; the platform's defaults are always there."""
        template_id, position = programs_of(state).publish_template(
            request.user,
            data.title,
            data.purpose,
            data.respondent,
            data.forms,
            data.stage,
            _questions(data.questions),
        )
        return Created(id=template_id, position=position)

    @put("/survey-templates/{template_id:uuid}", sync_to_thread=True)
    def revise_survey_template(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        template_id: UUID,
        data: RevisionIn,
    ) -> Position:
        """Revise a survey template: a new version, the answers to earlier ones kept.

        A new version: earlier responses keep the questions they answered."""
        position = programs_of(state).revise_template(
            request.user, template_id, data.title, _questions(data.questions)
        )
        return Position(position=position)

    @post("/programmes/{programme_id:uuid}/survey-responses", sync_to_thread=True)
    def submit_survey_response(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: ResponseIn,
    ) -> Created:
        """Submit a response to a survey of the programme."""
        response_id, position = programs_of(state).submit_response(
            request.user,
            data.template_id,
            programme_id,
            data.respondent_id,
            data.answered_on,
            data.answers,
            data.pair_id,
        )
        return Created(id=response_id, position=position)
