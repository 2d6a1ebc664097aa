"""The organisation tree: regions, the institute, municipalities, schools and partners."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from shared.dictionaries import MentoringForm
from shared.kernel.command import Caller, allowed, caller_of
from shared.kernel.errors import InvalidInput
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import child_path, region_of

from ..domain import (
    EducationKind,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    PartnerKind,
    check_parent,
    education_kind_of,
)
from ..labels import ORGANISATION_KIND_NAMES
from .base import (
    ORGANISATION_MANAGERS,
    PARTNER_ATTRACTORS,
    TARGET_SETTERS,
    RegistryBase,
)


class OrganisationCommands(RegistryBase):
    def register_organisation(
        self,
        principal: Principal,
        kind: OrganisationKind,
        name: str,
        parent_id: UUID | None,
        organisation_id: UUID | None = None,
        partner_kind: PartnerKind | None = None,
        education_kind: EducationKind | None = None,
        legal_form: str | None = None,
    ) -> tuple[Organisation, int]:
        caller = caller_of(
            principal, ORGANISATION_MANAGERS[kind], f"создавать: {ORGANISATION_KIND_NAMES[kind]}"
        )
        parent = (
            self.load(Organisation, parent_id, "Вышестоящая организация") if parent_id else None
        )
        check_parent(kind, parent.kind if parent else None)
        if parent is not None:
            caller.require_scope(parent.tenant)
            parent.check_open()
        if kind == OrganisationKind.PARTNER and partner_kind is None:
            raise InvalidInput("partner_kind_missing", "Укажите вид организации-партнёра")
        education_kind = education_kind_of(kind, education_kind)
        new_id = organisation_id or uuid4()
        organisation = Organisation(
            id=new_id,
            tenant=child_path(parent.tenant if parent else "", new_id),
            actor=caller.actor,
            kind=kind,
            name=name,
            parent_id=parent_id,
            partner_kind=partner_kind,
            education_kind=education_kind,
            legal_form=legal_form,
        )
        return organisation, self.store(organisation)

    def rename_organisation(self, principal: Principal, organisation_id: UUID, name: str) -> int:
        organisation, caller = self._managed(principal, organisation_id, "переименовывать")
        organisation.rename(caller.actor, name)
        return self.store(organisation)

    def close_organisation(
        self, principal: Principal, organisation_id: UUID, closed_on: date, reason: str
    ) -> int:
        organisation, caller = self._managed(principal, organisation_id, "закрывать")
        organisation.close(caller.actor, closed_on, reason)
        return self.store(organisation)

    @allowed(
        frozenset({Role.OPERATOR, Role.REGION_OFFICER}), "переводить школы между муниципалитетами"
    )
    def move_school(
        self, caller: Caller, school_id: UUID, municipality_id: UUID
    ) -> tuple[str, int]:
        school = self.school(school_id)
        municipality = self.load(Organisation, municipality_id, "Муниципалитет")
        caller.require_scope(region_of(school.tenant))
        school.move(caller.actor, municipality, child_path(municipality.tenant, school.id))
        return school.tenant, self.store(school)

    @allowed(PARTNER_ATTRACTORS, "заключать соглашения с партнёрами")
    def sign_agreement(
        self,
        caller: Caller,
        partner_id: UUID,
        school_id: UUID,
        number: str,
        signed_on: date,
        valid_until: date | None,
        subject: str,
    ) -> tuple[UUID, int]:
        partner = self.load(Organisation, partner_id, "Организация-партнёр")
        school = self.school(school_id)
        caller.require_scope(school.tenant)
        agreement_id = uuid4()
        partner.sign_agreement(
            caller.actor, agreement_id, school, number, signed_on, valid_until, subject
        )
        return agreement_id, self.store(partner)

    @allowed(TARGET_SETTERS, "задавать правила о согласиях на дополнительную работу")
    def set_duty_consent_rule(
        self, caller: Caller, region_id: UUID, form: MentoringForm, sides: list[ParticipantRole]
    ) -> int:
        region = self.load(Organisation, region_id, "Регион")
        caller.require_scope(region.tenant)
        region.set_duty_consent_rule(caller.actor, form, [str(side) for side in sides])
        return self.store(region)

    def _managed(
        self, principal: Principal, organisation_id: UUID, action: str
    ) -> tuple[Organisation, Caller]:
        """An organisation the caller's role may manage (it depends on the kind), in scope."""
        organisation = self.load(Organisation, organisation_id, "Организация")
        caller = caller_of(principal, ORGANISATION_MANAGERS[organisation.kind], action)
        caller.require_scope(organisation.tenant)
        return organisation, caller
