"""Best-practice cases and nominations («Наставник года» and others)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.dictionaries import MentoringForm
from shared.kernel.principal import Principal

from ..domain import AwardResult, Nomination
from .common import Text, Title, programs_of


class CaseIn(msgspec.Struct, forbid_unknown_fields=True):
    form: Annotated[
        MentoringForm,
        msgspec.Meta(
            description="The form of mentoring the practice is of", examples=["student_student"]
        ),
    ]
    title: Annotated[
        Title,
        msgspec.Meta(
            description="The practice's title",
            examples=["Клуб «Старший друг»: девятиклассники помогают пятиклассникам"],
        ),
    ]
    summary: Annotated[
        Text,
        msgspec.Meta(
            description="What the practice is, in short",
            examples=[
                "Девятиклассники раз в неделю занимаются с пятиклассниками, которым трудно дался"
                " переход в основную школу"
            ],
        ),
    ]
    results: Annotated[
        Text,
        msgspec.Meta(
            description="What it achieved",
            examples=["У 14 из 18 наставляемых выросли оценки по русскому языку и математике"],
        ),
    ] = ""


class PublicationIn(msgspec.Struct, forbid_unknown_fields=True):
    published_on: Annotated[
        date, msgspec.Meta(description="The day the practice is published", examples=["2026-05-25"])
    ]


class CandidacyIn(msgspec.Struct, forbid_unknown_fields=True):
    nomination: Annotated[
        Nomination,
        msgspec.Meta(description="The contest's nomination", examples=["mentor_of_the_year"]),
    ]
    mentor_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The mentor nominated", examples=["0b9f6c1e-3c2a-4f1e-9a57-2d6b8e4f1a01"]
        ),
    ]
    pair_id: Annotated[
        UUID | None,
        msgspec.Meta(description="The pair nominated with the mentor, for a pair's nomination"),
    ] = None


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True):
    result: Annotated[
        AwardResult,
        msgspec.Meta(
            description="The contest's result: winner, prize-winner, participant",
            examples=["prize"],
        ),
    ]
    decided_on: Annotated[
        date, msgspec.Meta(description="The day it was decided", examples=["2026-04-15"])
    ]


class RecognitionController(Controller):
    tags = ["best practices and awards"]

    @post("/programmes/{programme_id:uuid}/practice-cases", sync_to_thread=True)
    def propose_practice_case(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: CaseIn,
    ) -> Created:
        """Propose a case of the programme for the base of best practices (лучшие практики).

        A case for the region's base of best practices (written without personal data)."""
        case_id, position = programs_of(state).propose_case(
            request.user, programme_id, data.form, data.title, data.summary, data.results
        )
        return Created(id=case_id, position=position)

    @post("/practice-cases/{case_id:uuid}/publication", sync_to_thread=True, status_code=200)
    def publish_practice_case(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        case_id: UUID,
        data: PublicationIn,
    ) -> Position:
        """Publish a practice case in the base of best practices."""
        position = programs_of(state).publish_case(request.user, case_id, data.published_on)
        return Position(position=position)

    @post("/programmes/{programme_id:uuid}/candidacies", sync_to_thread=True)
    def nominate_candidacy(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        programme_id: UUID,
        data: CandidacyIn,
    ) -> Created:
        """Put a mentor or a pair forward for a nomination of the school year (конкурс
        наставников)."""
        candidacy_id, position = programs_of(state).nominate(
            request.user, programme_id, data.nomination, data.mentor_id, data.pair_id
        )
        return Created(id=candidacy_id, position=position)

    @post("/candidacies/{candidacy_id:uuid}/decision", sync_to_thread=True, status_code=200)
    def decide_candidacy(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        candidacy_id: UUID,
        data: DecisionIn,
    ) -> Position:
        """Record the result of a candidacy: winner, prize-winner or participant."""
        position = programs_of(state).decide_candidacy(
            request.user, candidacy_id, data.result, data.decided_on
        )
        return Position(position=position)
