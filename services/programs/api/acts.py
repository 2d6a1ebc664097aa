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
    kind: MarkKind
    body: Title
    on: date
    protocol_number: Number = ""
    order_number: Number = ""
    signer: Short = ""

    def mark(self) -> ApprovalMark:
        return ApprovalMark(
            self.kind, self.body, self.on, self.protocol_number, self.order_number, self.signer
        )


class BasisIn(msgspec.Struct, forbid_unknown_fields=True):
    """An act of the register (`act_id`), or an external act by its details."""

    act_id: UUID | None = None
    level: SourceLevel | None = None
    issuer: Short = ""
    kind: Short = ""
    number: Number = ""
    on: date | None = None
    title: Text = ""

    def basis(self) -> BasisRef:
        return BasisRef(
            self.act_id, self.level, self.issuer, self.kind, self.number, self.on, self.title
        )


class ParticipantIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Title
    position: Short = ""
    organisation: Short = ""
    role: Short = ""


class PointIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]
    kind: PointKind = PointKind.TEXT
    people: Annotated[list[ParticipantIn], msgspec.Meta(max_length=100)] = []
    documents: Annotated[list[Title], msgspec.Meta(max_length=30)] = []
    due_on: date | None = None
    refs: Annotated[list[UUID], msgspec.Meta(max_length=1000)] = []

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
    kind: ActKind
    title: Title
    act_date: date
    number: Number = ""
    register: Annotated[
        Short,
        msgspec.Meta(
            description="Журнал, к которому относится номер", examples=["по основной деятельности"]
        ),
    ] = ""
    basis: Annotated[list[BasisIn], msgspec.Meta(max_length=30)] = []
    marks: Annotated[list[MarkIn], msgspec.Meta(max_length=10)] = []
    effective_from: date | None = None
    valid_until: date | None = None
    supersedes: Annotated[list[UUID], msgspec.Meta(max_length=10)] = []
    points: Annotated[list[PointIn], msgspec.Meta(max_length=100)] = []
    published_url: Url = ""
    # the frame the act belongs to where the school keeps its acts apart: «students» (целевая
    # модель наставничества обучающихся) or «teachers» (система наставничества педагогических
    # работников); none for mentoring as a whole. An unknown one: 422 `frame_unknown`
    frame: Annotated[str, msgspec.Meta(max_length=40, examples=["teachers"])] | None = None

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
