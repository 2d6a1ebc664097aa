"""Personal links: the coordinator issues and revokes them; opening one (no token: the link is
the credential) answers a short-lived token for its holder."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State

from services.wiring import Position
from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings
from shared.kernel.principal import PARTICIPANTS, Principal, Role

from .common import registry_of

# A session a link opens lasts this long: a pupil opens the link again from the QR sheet.
LINK_SESSION_SECONDS = 2 * 3600

LinkRole = Annotated[str, msgspec.Meta(pattern="^(mentor|mentee|legal_representative)$")]


class LinkIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Annotated[
        LinkRole,
        msgspec.Meta(
            description="The role the link signs in with: mentor, mentee or parent",
            examples=["mentee"],
        ),
    ]
    expires_on: Annotated[
        date,
        msgspec.Meta(
            description="Its last day (at most 120 days ahead, never past 31 August)",
            examples=["2026-03-31"],
        ),
    ]


class IssuedLink(msgspec.Struct):
    id: Annotated[UUID, msgspec.Meta(description="The link's id (to revoke it)")]
    link: Annotated[
        str,
        msgspec.Meta(
            description="The personal link itself, shown this once (only its hash is kept)"
        ),
    ]  # shown once: only its hash is stored
    position: Annotated[int, msgspec.Meta(description="The position of the command's last event")]


class OpeningIn(msgspec.Struct, forbid_unknown_fields=True):
    link: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=200,
            description="The personal link opened",
            examples=["3e6a9c124b7d4f0a8c2e5d1f3a7b9e04kQ7vX2mZp9LrT4wYc8NbJ1sHd6Fg3AeU"],
        ),
    ]


class Opened(msgspec.Struct):
    token: Annotated[str, msgspec.Meta(description="The session's bearer token")]
    role: Annotated[str, msgspec.Meta(description="The role the session acts in")]
    expires_in: Annotated[int, msgspec.Meta(description="Seconds until the session ends")]
    position: Annotated[int, msgspec.Meta(description="The position of the command's last event")]


class LinksController(Controller):
    tags = ["personal links"]

    @post("/people/{person_id:uuid}/links", sync_to_thread=True)
    def issue(
        self, request: Request[Principal, Any, Any], state: State, person_id: UUID, data: LinkIn
    ) -> IssuedLink:
        link, link_id, position = registry_of(state).issue_link(
            request.user, person_id, Role(data.role), data.expires_on
        )
        return IssuedLink(id=link_id, link=link, position=position)

    @post(
        "/people/{person_id:uuid}/links/{link_id:uuid}/revocation",
        sync_to_thread=True,
        status_code=200,
    )
    def revoke(
        self, request: Request[Principal, Any, Any], state: State, person_id: UUID, link_id: UUID
    ) -> Position:
        return Position(registry_of(state).revoke_link(request.user, person_id, link_id))

    @post("/personal-links/opening", sync_to_thread=True, status_code=200)
    def open(self, state: State, data: OpeningIn) -> Opened:
        role, scope, position = registry_of(state).open_link(data.link)
        assert role in PARTICIPANTS
        settings: Settings = state.settings
        token = issue_token(settings, role, scope, ttl_seconds=LINK_SESSION_SECONDS)
        return Opened(token, str(role), LINK_SESSION_SECONDS, position)
