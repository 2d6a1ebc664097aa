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
    kind: ResponsibilityPart
    # a stage's number («2»), a form's code, a roadmap block's number, a pair's id
    subject: Annotated[str, msgspec.Meta(max_length=100)] = ""


class GrantIn(msgspec.Struct, forbid_unknown_fields=True):
    person_id: UUID
    parts: Annotated[list[PartIn], msgspec.Meta(max_length=50)]
    granted_on: date | None = None  # the day the appointing document gives
    act_id: UUID | None = None  # the act of the school's register that appointed
    id: UUID | None = None


class RevocationIn(msgspec.Struct, forbid_unknown_fields=True):
    revoked_on: date | None = None


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
