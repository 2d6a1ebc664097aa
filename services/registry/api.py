"""Registry over HTTP: commands as JSON, answered once their events are stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Litestar, Request, post
from litestar.datastructures import State

from services.wiring import Created, EventStoreResources, Position
from shared.auth import Principal
from shared.http import create_service_app
from shared.settings import Settings, get_settings

from .application import NewConsent, NewPerson, Registry
from .domain import ConsentKind, OrganisationKind, ParticipantRole, PersonKind

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: OrganisationKind
    name: Name
    parent_id: UUID | None = None
    id: UUID | None = None


class OrganisationOut(msgspec.Struct):
    id: UUID
    path: str
    position: int


class ConsentIn(msgspec.Struct, forbid_unknown_fields=True):
    signed_on: date
    kind: ConsentKind = ConsentKind.PERSONAL_DATA
    expires_on: date | None = None
    # Set when a legal representative signs for the person (always, for a minor).
    representative_name: Name | None = None
    relation: Annotated[str, msgspec.Meta(max_length=100)] | None = None

    def to_command(self) -> NewConsent:
        return NewConsent(**msgspec.structs.asdict(self))


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: UUID
    kind: PersonKind
    full_name: Name
    roles: Annotated[list[ParticipantRole], msgspec.Meta(min_length=1)]
    birth_date: date | None = None
    grade: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    contacts: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    mentor_capacity: Annotated[int, msgspec.Meta(ge=1, le=30)] = 1
    consent: ConsentIn | None = None
    id: UUID | None = None


class WithdrawalIn(msgspec.Struct, forbid_unknown_fields=True):
    withdrawn_on: date


def registry_of(state: State) -> Registry:
    registry: Registry = state.registry
    return registry


@post("/organisations", sync_to_thread=True)
def register_organisation(
    request: Request[Principal, Any, Any], state: State, data: OrganisationIn
) -> OrganisationOut:
    organisation, position = registry_of(state).register_organisation(
        request.user, data.kind, data.name, data.parent_id, data.id
    )
    return OrganisationOut(id=organisation.id, path=organisation.tenant, position=position)


@post("/people", sync_to_thread=True)
def register_person(request: Request[Principal, Any, Any], state: State, data: PersonIn) -> Created:
    command = NewPerson(
        school_id=data.school_id,
        kind=data.kind,
        full_name=data.full_name,
        birth_date=data.birth_date,
        roles=data.roles,
        grade=data.grade,
        contacts=data.contacts,
        mentor_capacity=data.mentor_capacity,
        consent=data.consent.to_command() if data.consent else None,
        id=data.id,
    )
    person, position = registry_of(state).register_person(request.user, command)
    return Created(id=person.id, position=position)


@post("/people/{person_id:uuid}/consents", sync_to_thread=True)
def sign_consent(
    request: Request[Principal, Any, Any], state: State, person_id: UUID, data: ConsentIn
) -> Created:
    consent_id, position = registry_of(state).sign_consent(
        request.user, person_id, data.to_command()
    )
    return Created(id=consent_id, position=position)


@post(
    "/people/{person_id:uuid}/consents/{consent_id:uuid}/withdrawal",
    sync_to_thread=True,
    status_code=200,
)
def withdraw_consent(
    request: Request[Principal, Any, Any],
    state: State,
    person_id: UUID,
    consent_id: UUID,
    data: WithdrawalIn,
) -> Position:
    position = registry_of(state).withdraw_consent(
        request.user, person_id, consent_id, data.withdrawn_on
    )
    return Position(position=position)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    resources = EventStoreResources(settings, "registry")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        keys = resources.open()
        app.state.registry = Registry(resources.address, keys=keys)
        try:
            yield
        finally:
            app.state.registry.close()
            resources.close()

    return create_service_app(
        title="registry",
        settings=settings,
        route_handlers=[register_organisation, register_person, sign_consent, withdraw_consent],
        health_check=resources.healthy,
        lifespan=[lifespan],
    )
