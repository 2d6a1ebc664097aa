"""Organisations of a region's tree, and partners' agreements with schools (external contour)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from services.registry import events
from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated

from ..labels import ORGANISATION_KIND_NAMES


class OrganisationKind(StrEnum):
    REGION = "region"
    INSTITUTE = "institute"  # ИРО / ЦНППМ / regional mentoring centre
    MUNICIPALITY = "municipality"
    # The region's own node at the municipality level: the organisations it founds itself
    # (ГКОУ, ГБПОУ …) sit under it, so every school stays three levels deep and no
    # municipality's officer covers them.
    REGIONAL = "regional"
    SCHOOL = "school"
    PARTNER = "partner"  # an enterprise, institution or private person supplying mentors


class EducationKind(StrEnum):
    """What kind of educational organisation a node of kind `school` is."""

    PRESCHOOL = "preschool"  # ДОО, детский сад
    SCHOOL = "school"
    ADDITIONAL = "additional"  # организация дополнительного образования
    COLLEGE = "college"  # СПО


class PartnerKind(StrEnum):
    ENTERPRISE = "enterprise"
    COLLEGE = "college"
    UNIVERSITY = "university"
    NGO = "ngo"
    CULTURE = "culture"  # государственное учреждение культуры: музей, библиотека, театр
    SPORT = "sport"  # государственное учреждение спорта: спортивная школа, стадион
    PRIVATE_PERSON = "private_person"  # физическое лицо


# The sides of a pair a region's consent rule names (ParticipantRole's values).
MENTOR_SIDE, MENTEE_SIDE = "mentor", "mentee"

# Which kind of organisation may stand directly under which.
ALLOWED_PARENTS: dict[OrganisationKind, set[OrganisationKind | None]] = {
    OrganisationKind.REGION: {None},
    OrganisationKind.INSTITUTE: {OrganisationKind.REGION},
    OrganisationKind.MUNICIPALITY: {OrganisationKind.REGION},
    OrganisationKind.REGIONAL: {OrganisationKind.REGION},
    OrganisationKind.SCHOOL: {OrganisationKind.MUNICIPALITY, OrganisationKind.REGIONAL},
    OrganisationKind.PARTNER: {OrganisationKind.REGION, OrganisationKind.MUNICIPALITY},
}


def education_kind_of(
    kind: OrganisationKind, education_kind: EducationKind | None
) -> EducationKind | None:
    """An educational organisation is a school unless said otherwise; no other node is one."""
    if kind != OrganisationKind.SCHOOL:
        if education_kind is not None:
            raise RuleViolated(
                "not_educational",
                f"Вид образовательной организации указывают только для школы, не для: "
                f"{ORGANISATION_KIND_NAMES[kind]}",
                field="education_kind",
            )
        return None
    return education_kind or EducationKind.SCHOOL


def check_parent(kind: OrganisationKind, parent_kind: OrganisationKind | None) -> None:
    if parent_kind not in ALLOWED_PARENTS[kind]:
        where = ORGANISATION_KIND_NAMES[parent_kind] if parent_kind else "верхний уровень"
        raise RuleViolated(
            "wrong_parent",
            f"Организацию вида «{ORGANISATION_KIND_NAMES[kind]}» нельзя создать внутри: {where}",
            kind=str(kind),
        )


class Organisation(TenantAggregate):
    """A node of the region's tree; its tenant path is its own place in the tree.

    Renames, closures and moves are events, so history keeps every former name and place.
    """

    class Registered(TenantAggregate.Created):
        kind: OrganisationKind
        name: str
        parent_id: UUID | None
        partner_kind: PartnerKind | None
        education_kind: EducationKind | None
        legal_form: str | None
        class_version = 2

        upcast_v1_v2 = staticmethod(events.schools_were_schools)

    @event(Registered)
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        kind: OrganisationKind,
        name: str,
        parent_id: UUID | None,
        partner_kind: PartnerKind | None = None,
        education_kind: EducationKind | None = None,
        legal_form: str | None = None,
    ) -> None:
        self.tenant = tenant
        self.kind = OrganisationKind(kind)
        self.name = name
        self.parent_id = parent_id
        self.partner_kind = PartnerKind(partner_kind) if partner_kind else None
        self.education_kind = EducationKind(education_kind) if education_kind else None
        self.legal_form = legal_form
        self.closed_on: date | None = None
        self.agreements: set[UUID] = set()
        # A region's rule: which sides of a pair of each form give the written consent to the
        # extra duty of mentoring (the mentor alone, unless the region says otherwise).
        self.duty_consent_sides: dict[MentoringForm, set[str]] = {}

    def check_open(self) -> None:
        if self.closed_on is not None:
            raise RuleViolated(
                "organisation_closed",
                f"Организация «{self.name}» закрыта {self.closed_on:%d.%m.%Y}",
            )

    def rename(self, actor: Actor, name: str) -> None:
        self.check_open()
        if name == self.name:
            raise RuleViolated("same_name", "Новое название совпадает с текущим")
        self._renamed(actor=actor, name=name, former_name=self.name)

    @event("Renamed")
    def _renamed(self, actor: Actor, name: str, former_name: str) -> None:
        self.name = name

    def close(self, actor: Actor, closed_on: date, reason: str) -> None:
        self.check_open()
        self._closed(actor=actor, closed_on=closed_on, reason=reason)

    @event("Closed")
    def _closed(self, actor: Actor, closed_on: date, reason: str) -> None:
        self.closed_on = closed_on

    def set_duty_consent_rule(self, actor: Actor, form: MentoringForm, sides: list[str]) -> None:
        """Which participants of a pair of this form give their written consent to the extra
        duty where it falls on them (the school's employees): the mentor always (ТК РФ,
        ст. 351.8), the mentee as well if the region says so (the teachers' recommendations)."""
        self.check_open()
        if self.kind != OrganisationKind.REGION:
            raise RuleViolated(
                "not_a_region", "Правило о согласиях на дополнительную работу задаёт регион"
            )
        if MENTOR_SIDE not in sides:
            raise RuleViolated(
                "mentor_consent_required",
                "Письменное согласие наставника-работника на дополнительную работу нужно всегда"
                " (ст. 351.8 ТК РФ)",
                field="sides",
            )
        self._duty_consent_rule_set(actor=actor, form=form, sides=sorted(set(sides)))

    @event("DutyConsentRuleSet")
    def _duty_consent_rule_set(self, actor: Actor, form: MentoringForm, sides: list[str]) -> None:
        self.duty_consent_sides[MentoringForm(form)] = set(sides)

    def sides_consenting_to_duty(self, form: MentoringForm) -> set[str]:
        """The sides of a pair of this form whose employees give the written consent."""
        return self.duty_consent_sides.get(form, {MENTOR_SIDE})

    def move(self, actor: Actor, new_parent: Organisation, new_tenant: str) -> None:
        """A school moves to another municipality of the same region, or into the region's own
        node (handed over to regional subordination) and back; its path changes."""
        self.check_open()
        new_parent.check_open()
        if self.kind != OrganisationKind.SCHOOL:
            raise RuleViolated(
                "only_schools_move", "Переводить можно только образовательные организации"
            )
        check_parent(self.kind, new_parent.kind)
        if new_parent.tenant.split(".")[0] != self.tenant.split(".")[0]:
            raise RuleViolated("other_region", "Организацию нельзя перевести в другой регион")
        if new_parent.id == self.parent_id:
            raise RuleViolated("same_parent", f"Организация уже относится к: {new_parent.name}")
        self._moved(
            actor=actor,
            tenant=new_tenant,
            parent_id=new_parent.id,
            former_tenant=self.tenant,
            former_parent_id=self.parent_id,
        )

    @event("Moved")
    def _moved(
        self,
        actor: Actor,
        tenant: str,
        parent_id: UUID,
        former_tenant: str,
        former_parent_id: UUID | None,
    ) -> None:
        self.tenant = tenant
        self.parent_id = parent_id

    def sign_agreement(
        self,
        actor: Actor,
        agreement_id: UUID,
        school: Organisation,
        number: str,
        signed_on: date,
        valid_until: date | None,
        subject: str,
    ) -> None:
        """A partner agrees to supply mentors to a school (external contour)."""
        self.check_open()
        school.check_open()
        if self.kind != OrganisationKind.PARTNER:
            raise RuleViolated("not_a_partner", "Соглашение заключает организация-партнёр")
        if school.kind != OrganisationKind.SCHOOL:
            raise RuleViolated("not_a_school", "Соглашение заключается со школой")
        if valid_until is not None and valid_until < signed_on:
            raise RuleViolated(
                "agreement_dates", "Срок действия соглашения кончается до подписания"
            )
        self._agreement_signed(
            actor=actor,
            agreement_id=agreement_id,
            school_id=school.id,
            school_tenant=school.tenant,
            number=number,
            signed_on=signed_on,
            valid_until=valid_until,
            subject=subject,
        )

    @event("AgreementSigned")
    def _agreement_signed(
        self,
        actor: Actor,
        agreement_id: UUID,
        school_id: UUID,
        school_tenant: str,
        number: str,
        signed_on: date,
        valid_until: date | None,
        subject: str,
    ) -> None:
        self.agreements.add(agreement_id)
