"""An organisation's register of acts over HTTP: an act is entered whole, as its document says."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State

from services.wiring import Created
from shared.kernel.principal import Principal

from ..domain.acts import (
    ActDraft,
    ActKind,
    ApprovalMark,
    BasisRef,
    MarkKind,
    Participant,
    Point,
    PointKind,
    SourceLevel,
)
from .common import Text, Title, programs_of

Short = Annotated[str, msgspec.Meta(max_length=300)]
Number = Annotated[str, msgspec.Meta(max_length=50)]  # as text; blank where the kind has none
Url = Annotated[str, msgspec.Meta(pattern=r"^(https?://\S+)?$", max_length=1000)]


class MarkIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[MarkKind, msgspec.Meta(description="The mark: adopted, agreed or approved")]
    body: Annotated[Title, msgspec.Meta(description="The body that adopted or agreed the act")]
    on: Annotated[date, msgspec.Meta(description="The day of the mark")]
    protocol_number: Annotated[
        Number, msgspec.Meta(description="The number of the body's protocol")
    ] = ""
    order_number: Annotated[
        Number, msgspec.Meta(description="The number of the approving order")
    ] = ""
    signer: Annotated[Short, msgspec.Meta(description="Who signed, with the position")] = ""

    def mark(self) -> ApprovalMark:
        return ApprovalMark(
            self.kind, self.body, self.on, self.protocol_number, self.order_number, self.signer
        )


class BasisIn(msgspec.Struct, forbid_unknown_fields=True):
    """An act of the register (`act_id`), or an external act by its details."""

    act_id: Annotated[
        UUID | None,
        msgspec.Meta(
            description="An act of the register this basis is; absent for an external act"
        ),
    ] = None
    level: Annotated[
        SourceLevel | None,
        msgspec.Meta(description="The external act's level: federal, regional, municipal…"),
    ] = None
    issuer: Annotated[Short, msgspec.Meta(description="Who issued the external act")] = ""
    kind: Annotated[Short, msgspec.Meta(description="The external act's kind («распоряжение»)")] = (
        ""
    )
    number: Annotated[Number, msgspec.Meta(description="The external act's number")] = ""
    on: Annotated[date | None, msgspec.Meta(description="The external act's date")] = None
    title: Annotated[Text, msgspec.Meta(description="The external act's title")] = ""

    def basis(self) -> BasisRef:
        return BasisRef(
            self.act_id, self.level, self.issuer, self.kind, self.number, self.on, self.title
        )


class ParticipantIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[Title, msgspec.Meta(description="The person's full name as the act writes it")]
    position: Annotated[Short, msgspec.Meta(description="The person's position")] = ""
    organisation: Annotated[Short, msgspec.Meta(description="The person's organisation")] = ""
    role: Annotated[
        Short,
        msgspec.Meta(description="What the act makes the person: responsible, executor, member…"),
    ] = ""


class PointIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[
        str, msgspec.Meta(min_length=1, max_length=4000, description="The point's text")
    ]
    kind: Annotated[
        PointKind, msgspec.Meta(description="The point's kind: assign, approve, control…")
    ] = PointKind.TEXT
    people: Annotated[
        list[ParticipantIn], msgspec.Meta(max_length=100, description="The people the point names")
    ] = []
    documents: Annotated[
        list[Title],
        msgspec.Meta(max_length=30, description="The documents the point approves or refers to"),
    ] = []
    due_on: Annotated[date | None, msgspec.Meta(description="The point's deadline, if any")] = None
    refs: Annotated[
        list[UUID],
        msgspec.Meta(max_length=1000, description="Acts of the register the point refers to"),
    ] = []

    def point(self) -> Point:
        return Point(
            kind=self.kind,
            text=self.text,
            people=tuple(
                Participant(p.name, p.position, p.organisation, p.role) for p in self.people
            ),
            documents=tuple(self.documents),
            due_on=self.due_on,
            refs=tuple(self.refs),
        )


class ActIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[
        ActKind,
        msgspec.Meta(
            description="The kind of act: order, regulation, plan, protocol…", examples=["order"]
        ),
    ]
    title: Annotated[
        Title,
        msgspec.Meta(
            description="The act's title as written",
            examples=["О внедрении целевой модели наставничества"],
        ),
    ]
    act_date: Annotated[
        date, msgspec.Meta(description="The date the act bears", examples=["2025-08-28"])
    ]
    number: Annotated[
        Number, msgspec.Meta(description="Its number in its journal", examples=["118-о"])
    ] = ""
    register: Annotated[
        Short,
        msgspec.Meta(
            description="Журнал, к которому относится номер", examples=["по основной деятельности"]
        ),
    ] = ""
    basis: Annotated[
        list[BasisIn],
        msgspec.Meta(
            max_length=30,
            description="What it rests on: acts of the register or external acts' details",
        ),
    ] = []
    marks: Annotated[
        list[MarkIn],
        msgspec.Meta(
            max_length=10, description="Its approval marks («Принято», «Согласовано», «Утверждено»)"
        ),
    ] = []
    effective_from: Annotated[
        date | None, msgspec.Meta(description="The day it takes effect; its date when absent")
    ] = None
    valid_until: Annotated[
        date | None, msgspec.Meta(description="The last day of its term, if it has one")
    ] = None
    supersedes: Annotated[
        list[UUID], msgspec.Meta(max_length=10, description="Acts of the register it replaces")
    ] = []
    points: Annotated[
        list[PointIn],
        msgspec.Meta(
            max_length=100,
            description="Its points, in order",
            examples=[[{"text": "Утвердить Положение о программе наставничества (приложение 1)"}]],
        ),
    ] = []
    published_url: Annotated[
        Url, msgspec.Meta(description="Where it is published on the organisation's website")
    ] = ""
    frame: Annotated[
        Annotated[str, msgspec.Meta(max_length=40, examples=["teachers"])] | None,
        msgspec.Meta(
            description="The frame the act belongs to where the school keeps its acts apart:"
            " «students» (целевая модель наставничества обучающихся) or «teachers» (система"
            " наставничества педагогических работников); none for mentoring as a whole. An"
            " unknown one: 422 `frame_unknown`",
        ),
    ] = None

    def draft(self) -> ActDraft:
        return ActDraft(
            kind=self.kind,
            title=self.title,
            act_date=self.act_date,
            number=self.number,
            register=self.register,
            basis=tuple(b.basis() for b in self.basis),
            marks=tuple(m.mark() for m in self.marks),
            effective_from=self.effective_from,
            valid_until=self.valid_until,
            supersedes=tuple(self.supersedes),
            points=tuple(p.point() for p in self.points),
            published_url=self.published_url,
            frame=self.frame,
        )


class ActController(Controller):
    path = "/organisations/{organisation_id:uuid}/acts"
    tags = ["register of acts"]

    @post("/", sync_to_thread=True)
    def record(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        organisation_id: UUID,
        data: ActIn,
    ) -> Created:
        """An act of the organisation (school, municipality, region, institute): kind, number
        in its journal, date, title, basis, approval marks, effective date and term, what it
        decides, where it is published."""
        act_id, position = programs_of(state).record_act(
            request.user, organisation_id, data.draft()
        )
        return Created(id=act_id, position=position)
