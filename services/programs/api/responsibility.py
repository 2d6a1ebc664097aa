"""What a school made its staff responsible for: grants and their revocation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.kernel.principal import Principal

from ..domain import Part
from ..values import ResponsibilityPart
from .common import programs_of


class PartIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Annotated[
        ResponsibilityPart,
        msgspec.Meta(
            description="What is granted: a stage, a form of mentoring, a roadmap block or a pair",
            examples=["stage"],
        ),
    ]
    subject: Annotated[
        str,
        msgspec.Meta(
            max_length=100,
            description="A stage's number («2»), a form's code, a roadmap block's number or a"
            " pair's id",
            examples=["2"],
        ),
    ] = ""


class GrantIn(msgspec.Struct, forbid_unknown_fields=True):
    person_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The staff person of the school made responsible",
            examples=["0b6f3f7e-6a0e-4d1e-9a53-1d2c3b4a5f60"],
        ),
    ]
    parts: Annotated[
        list[PartIn],
        msgspec.Meta(
            max_length=50,
            description="What the person is responsible for",
            examples=[[{"kind": "stage", "subject": "2"}, {"kind": "stage", "subject": "3"}]],
        ),
    ]
    granted_on: Annotated[
        date | None,
        msgspec.Meta(description="The day the appointing document gives; today if none"),
    ] = None
    act_id: Annotated[
        UUID | None, msgspec.Meta(description="The act of the school's register that appointed")
    ] = None
    id: Annotated[UUID | None, msgspec.Meta(description="Its id, when the caller chooses it")] = (
        None
    )


class RevocationIn(msgspec.Struct, forbid_unknown_fields=True):
    revoked_on: Annotated[
        date | None,
        msgspec.Meta(description="The day the grant ends; today if none", examples=["2024-06-30"]),
    ] = None


class ResponsibilityController(Controller):
    path = "/schools/{school_id:uuid}/responsibilities"
    tags = ["responsibilities"]

    @post("/", sync_to_thread=True)
    def grant_responsibility(
        self, request: Request[Principal, Any, Any], state: State, school_id: UUID, data: GrantIn
    ) -> Created:
        """Make a staff person of the school responsible for stages, forms, roadmap blocks or
        pairs of its programmes (the director's approving of orders is never granted)."""
        grant_id, position = programs_of(state).grant_responsibility(
            request.user,
            school_id,
            data.person_id,
            [Part(part.kind, part.subject) for part in data.parts],
            data.granted_on,
            data.act_id,
            data.id,
        )
        return Created(id=grant_id, position=position)

    @post("/{grant_id:uuid}/revocation", sync_to_thread=True, status_code=200)
    def revoke_responsibility(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        grant_id: UUID,
        data: RevocationIn,
    ) -> Position:
        """Revoke a grant of responsibility from the day the document gives."""
        position = programs_of(state).revoke_responsibility(
            request.user, school_id, grant_id, data.revoked_on
        )
        return Position(position=position)
