"""Organisations: the region's tree, its changes, partners' agreements."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.registry.domain import (
    EducationKind,
    OrganisationKind,
    ParticipantRole,
    PartnerKind,
)
from services.wiring import Created, Position
from shared.dictionaries import MentoringForm
from shared.kernel.principal import Principal

from .common import Name, Text, registry_of


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: OrganisationKind
    name: Name
    parent_id: UUID | None = None
    partner_kind: PartnerKind | None = None
    education_kind: EducationKind | None = None
    # МБОУ, ГКОУ, …: the legal form apart from the name
    legal_form: Annotated[str, msgspec.Meta(min_length=2, max_length=20)] | None = None
    id: UUID | None = None


class OrganisationOut(msgspec.Struct):
    id: UUID
    path: str
    position: int


class RenamingIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name


class ClosureIn(msgspec.Struct, forbid_unknown_fields=True):
    closed_on: date
    reason: Text


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    municipality_id: UUID


class MovedOut(msgspec.Struct):
    path: str
    position: int


class AgreementIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: UUID
    number: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    signed_on: date
    subject: Text
    valid_until: date | None = None


class DutyConsentRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    # the sides whose employees consent in writing: the mentor always, the mentee if the
    # region says so
    sides: Annotated[list[ParticipantRole], msgspec.Meta(min_length=1, max_length=2)]


class OrganisationController(Controller):
    tags = ["organisations"]

    @post("/organisations", sync_to_thread=True)
    def register_organisation(
        self, request: Request[Principal, Any, Any], state: State, data: OrganisationIn
    ) -> OrganisationOut:
        """Register an organisation of the region's tree: a municipality, a school or a partner."""
        organisation, position = registry_of(state).register_organisation(
            request.user,
            data.kind,
            data.name,
            data.parent_id,
            data.id,
            data.partner_kind,
            data.education_kind,
            data.legal_form,
        )
        return OrganisationOut(id=organisation.id, path=organisation.tenant, position=position)

    @post("/organisations/{organisation_id:uuid}/renaming", sync_to_thread=True, status_code=200)
    def rename_organisation(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        organisation_id: UUID,
        data: RenamingIn,
    ) -> Position:
        """Rename an organisation."""
        position = registry_of(state).rename_organisation(request.user, organisation_id, data.name)
        return Position(position=position)

    @post("/organisations/{organisation_id:uuid}/closure", sync_to_thread=True, status_code=200)
    def close_organisation(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        organisation_id: UUID,
        data: ClosureIn,
    ) -> Position:
        """Close an organisation: it stays in history, and nothing new is recorded for it."""
        position = registry_of(state).close_organisation(
            request.user, organisation_id, data.closed_on, data.reason
        )
        return Position(position=position)

    @post("/schools/{school_id:uuid}/move", sync_to_thread=True, status_code=200)
    def move_school(
        self, request: Request[Principal, Any, Any], state: State, school_id: UUID, data: MoveIn
    ) -> MovedOut:
        """Move a school to another municipality, with its people and programmes."""
        path, position = registry_of(state).move_school(
            request.user, school_id, data.municipality_id
        )
        return MovedOut(path=path, position=position)

    @post("/partners/{partner_id:uuid}/agreements", sync_to_thread=True)
    def sign_partner_agreement(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        partner_id: UUID,
        data: AgreementIn,
    ) -> Created:
        """Record an agreement between a school and a partner organisation (соглашение о
        сотрудничестве)."""
        agreement_id, position = registry_of(state).sign_agreement(
            request.user,
            partner_id,
            data.school_id,
            data.number,
            data.signed_on,
            data.valid_until,
            data.subject,
        )
        return Created(id=agreement_id, position=position)

    @put("/regions/{region_id:uuid}/duty-consent-rules/{form:str}", sync_to_thread=True)
    def set_duty_consent_rule(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        region_id: UUID,
        form: MentoringForm,
        data: DutyConsentRuleIn,
    ) -> Position:
        """Set the region's rule for a form of mentoring: which participants of a pair give the
        written consent to the extra duty where it falls on them (the school's employees);
        orders approving pairs check it."""
        position = registry_of(state).set_duty_consent_rule(
            request.user, region_id, form, data.sides
        )
        return Position(position=position)
