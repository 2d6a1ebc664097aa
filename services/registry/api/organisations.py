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
    kind: Annotated[
        OrganisationKind,
        msgspec.Meta(
            description="Its kind: region, institute, municipality, school or partner",
            examples=["school"],
        ),
    ]
    name: Annotated[
        Name,
        msgspec.Meta(description="Its name", examples=["Средняя общеобразовательная школа № 12"]),
    ]
    parent_id: Annotated[
        UUID | None,
        msgspec.Meta(
            description="The organisation above it; none for a region",
            examples=["96a9e702-4193-489d-9c2a-dd256d9cd4fe"],
        ),
    ] = None
    partner_kind: Annotated[
        PartnerKind | None, msgspec.Meta(description="For a partner, its kind")
    ] = None
    education_kind: Annotated[
        EducationKind | None,
        msgspec.Meta(description="For a school, its kind of education", examples=["school"]),
    ] = None
    # МБОУ, ГКОУ, …: the legal form apart from the name
    legal_form: Annotated[
        Annotated[str, msgspec.Meta(min_length=2, max_length=20)] | None,
        msgspec.Meta(description="Its legal form", examples=["МБОУ"]),
    ] = None
    id: Annotated[UUID | None, msgspec.Meta(description="Its id, when the caller chooses it")] = (
        None
    )


class OrganisationOut(msgspec.Struct):
    id: Annotated[UUID, msgspec.Meta(description="The organisation's id")]
    path: Annotated[str, msgspec.Meta(description="Its place in the region's tree")]
    position: Annotated[int, msgspec.Meta(description="The position of the command's last event")]


class RenamingIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[
        Name,
        msgspec.Meta(
            description="The new name (the old one is kept)",
            examples=["Средняя общеобразовательная школа № 12 имени А. С. Пушкина"],
        ),
    ]


class ClosureIn(msgspec.Struct, forbid_unknown_fields=True):
    closed_on: Annotated[
        date, msgspec.Meta(description="The day the organisation closed", examples=["2025-08-31"])
    ]
    reason: Annotated[
        Text,
        msgspec.Meta(
            description="Why: liquidation, merger, reorganisation…",
            examples=[
                "Реорганизация в форме присоединения к МБОУ «Средняя общеобразовательная школа № 5»"
            ],
        ),
    ]


class MoveIn(msgspec.Struct, forbid_unknown_fields=True):
    municipality_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The municipality the school moves to",
            examples=["96a9e702-4193-489d-9c2a-dd256d9cd4fe"],
        ),
    ]


class MovedOut(msgspec.Struct):
    path: Annotated[str, msgspec.Meta(description="The school's new place in the region's tree")]
    position: Annotated[int, msgspec.Meta(description="The position of the command's last event")]


class AgreementIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The school the partner supplies mentors to",
            examples=["3e6a9c12-4b7d-4f0a-8c2e-5d1f3a7b9e04"],
        ),
    ]
    number: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=50,
            description="The agreement's number as written on it",
            examples=["15/2025-Н"],
        ),
    ]
    signed_on: Annotated[
        date, msgspec.Meta(description="The day it was signed", examples=["2025-09-05"])
    ]
    subject: Annotated[
        Text,
        msgspec.Meta(
            description="What the partners agree to do (предмет соглашения)",
            examples=[
                "Наставничество сотрудников предприятия над обучающимися 8–11 классов по форме"
                " «работодатель — ученик»"
            ],
        ),
    ]
    valid_until: Annotated[
        date | None,
        msgspec.Meta(description="Its last day; none when open-ended", examples=["2026-08-31"]),
    ] = None


class DutyConsentRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    sides: Annotated[
        list[ParticipantRole],
        msgspec.Meta(
            min_length=1,
            max_length=2,
            description="The sides whose employees consent in writing to the extra duty: the"
            " mentor always, the mentee if the region says so",
            examples=[["mentor", "mentee"]],
        ),
    ]


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
