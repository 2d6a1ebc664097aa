"""A school's own stage scheme and its own events."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.kernel.principal import Principal

from ..domain import Attendance, Material, SchoolEventKind
from .common import Title, programs_of

Url = Annotated[str, msgspec.Meta(max_length=2000)]


class SchoolStageIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[
        str, msgspec.Meta(max_length=500, description="The stage's name in the school's words")
    ]
    # the numbers of the seven stages it covers (1–7); none: a stage outside the seven
    stages: Annotated[
        list[int],
        msgspec.Meta(
            max_length=7,
            description=(
                "The numbers of the target model's seven stages it covers (1–7); none for a stage"
                " outside them"
            ),
        ),
    ] = []


class StageSchemeIn(msgspec.Struct, forbid_unknown_fields=True):
    stages: Annotated[
        list[SchoolStageIn],
        msgspec.Meta(
            max_length=20,
            description="The school's stages, in order",
            examples=[[{"name": "Подготовительный", "stages": [1, 2]}]],
        ),
    ]


class MaterialIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[Title, msgspec.Meta(description="The material's title")]
    url: Annotated[Url, msgspec.Meta(description="Where it is published, if anywhere")] = ""


class SchoolEventIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[
        SchoolEventKind,
        msgspec.Meta(
            description="The kind of school event (мероприятие)", examples=["group_meeting"]
        ),
    ]
    held_on: Annotated[
        date, msgspec.Meta(description="The day it was held", examples=["2025-10-15"])
    ]
    title: Annotated[
        Title,
        msgspec.Meta(
            description="Its title", examples=["Групповая встреча наставников 7-х классов"]
        ),
    ]
    pair_ids: Annotated[
        list[UUID], msgspec.Meta(max_length=500, description="The pairs and groups that took part")
    ] = []  # pairs and groups
    classes: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=20)]],
        msgspec.Meta(
            max_length=50,
            description="Whole classes that took part, by name («7А»)",
            examples=[["7А"]],
        ),
    ] = []
    person_ids: Annotated[
        list[UUID],
        msgspec.Meta(max_length=1000, description="People of the school's bases who took part"),
    ] = []
    materials: Annotated[
        list[MaterialIn],
        msgspec.Meta(max_length=50, description="Its materials (a report, a presentation, a page)"),
    ] = []


class SchoolLifeController(Controller):
    path = "/schools/{school_id:uuid}"
    tags = ["stage scheme and school events"]

    @put("/stage-scheme", sync_to_thread=True)
    def write_stage_scheme(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: StageSchemeIn,
    ) -> Position:
        """Write the school's own stages (этапы реализации), each mapped onto the seven.

        Each stage in the school's words with the numbers (1–7) of the stages of the target
        model it covers: several of the school's stages may cover one, one may cover several,
        and a stage outside the seven covers none. Replaces the scheme whole."""
        written = [(stage.name, stage.stages) for stage in data.stages]
        position = programs_of(state).write_stage_scheme(request.user, school_id, written)
        return Position(position=position)

    @post("/events", sync_to_thread=True)
    def record_school_event(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: SchoolEventIn,
    ) -> Created:
        """Record an event of the school (мероприятие школы) held.

        A group meeting of the pairs, an установочная сессия, a conference or seminar, a round
        table, the school's own course for its mentors or a publication of results (with its
        link): who was present by pair or group, class and person, and its materials."""
        present = Attendance(tuple(data.pair_ids), tuple(data.classes), tuple(data.person_ids))
        materials = tuple(Material(m.title, m.url) for m in data.materials)
        event_id, position = programs_of(state).record_school_event(
            request.user, school_id, data.kind, data.held_on, data.title, present, materials
        )
        return Created(id=event_id, position=position)
