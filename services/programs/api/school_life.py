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
    name: Annotated[str, msgspec.Meta(max_length=500)]
    # the numbers of the seven stages it covers (1–7); none: a stage outside the seven
    stages: Annotated[list[int], msgspec.Meta(max_length=7)] = []


class StageSchemeIn(msgspec.Struct, forbid_unknown_fields=True):
    stages: Annotated[list[SchoolStageIn], msgspec.Meta(max_length=20)]


class MaterialIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    url: Url = ""


class SchoolEventIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: SchoolEventKind
    held_on: date
    title: Title
    pair_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] = []  # pairs and groups
    classes: Annotated[
        list[Annotated[str, msgspec.Meta(min_length=1, max_length=20)]],
        msgspec.Meta(max_length=50),
    ] = []  # whole classes by name, «7А»
    person_ids: Annotated[list[UUID], msgspec.Meta(max_length=1000)] = []
    materials: Annotated[list[MaterialIn], msgspec.Meta(max_length=50)] = []


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
