"""Monitoring campaigns: form templates, campaigns over a subtree, submissions and reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from shared.kernel.command import Caller, allowed
from shared.kernel.errors import Conflict, InvalidInput, PermissionDenied
from shared.kernel.principal import SCHOOL_MANAGEMENT, Role
from shared.kernel.scope import region_of

from ..domain import (
    Campaign,
    FixOrder,
    FormTemplate,
    Organisation,
    OrganisationKind,
    Submission,
    Verdict,
    check_sections,
    fix_order_id,
    submission_id,
)
from .base import RegistryBase

# Who makes forms and runs campaigns: the region, its institute, a municipality.
ORGANISERS = frozenset(
    {Role.OPERATOR, Role.REGION_OFFICER, Role.INSTITUTE_METHODOLOGIST, Role.MUNICIPALITY_OFFICER}
)
REVIEWER_ROLES = frozenset(
    {Role.REGION_OFFICER, Role.INSTITUTE_METHODOLOGIST, Role.MUNICIPALITY_OFFICER}
)
FILLERS = SCHOOL_MANAGEMENT | {Role.OPERATOR, Role.MUNICIPALITY_OFFICER}
TARGET_KINDS = frozenset({OrganisationKind.SCHOOL, OrganisationKind.PARTNER})
FORM_OWNERS = frozenset(
    {OrganisationKind.REGION, OrganisationKind.INSTITUTE, OrganisationKind.MUNICIPALITY}
)


@dataclass(frozen=True)
class NewCampaign:
    title: str
    form_id: UUID
    form_version: int
    act_number: str
    act_date: date
    target_id: UUID  # the region or municipality whose organisations it targets
    target_kinds: list[str]
    window_from: date
    window_to: date
    reference_date: date
    reviewer_roles: list[str]
    municipality_submits: bool = False
    act_id: UUID | None = None  # the act in the register of acts, where it is entered there


@dataclass(frozen=True)
class NewFixOrder:
    """A municipality's order on a campaign's results, and the fixes it orders (each: the
    organisation, the item, the director as the order names them, the deadline)."""

    municipality_id: UUID
    act_number: str
    act_date: date
    fixes: list[dict[str, Any]]
    act_id: UUID | None = None  # the order in the register of acts, where it is entered there


class CampaignCommands(RegistryBase):
    @allowed(ORGANISERS, "составлять формы мониторинга")
    def draft_form(
        self, caller: Caller, owner_id: UUID, title: str, sections: list[dict[str, Any]]
    ) -> tuple[FormTemplate, int]:
        checked = check_sections(sections)
        owner = self.load(Organisation, owner_id, "Организация")
        if owner.kind not in FORM_OWNERS:
            raise InvalidInput(
                "form_owner_kind",
                "Форму мониторинга составляет регион, институт или муниципалитет",
                field="owner_id",
            )
        # The institute's forms are the region's: its schools read them.
        tenant = (
            region_of(owner.tenant) if owner.kind == OrganisationKind.INSTITUTE else owner.tenant
        )
        caller.require_scope(tenant)
        form = FormTemplate(
            id=uuid4(),
            tenant=tenant,
            actor=caller.actor,
            owner_id=owner.id,
            title=title,
            sections=checked,
        )
        return form, self.store(form)

    @allowed(ORGANISERS, "изменять формы мониторинга")
    def revise_form(
        self,
        caller: Caller,
        form_id: UUID,
        version: int,
        title: str,
        sections: list[dict[str, Any]],
    ) -> int:
        form = self._form(caller, form_id)
        form.revise(caller.actor, version, title, sections)
        return self.store(form)

    @allowed(ORGANISERS, "изменять формы мониторинга")
    def new_form_version(
        self, caller: Caller, form_id: UUID, title: str, sections: list[dict[str, Any]]
    ) -> tuple[int, int]:
        form = self._form(caller, form_id)
        form.new_version(caller.actor, title, sections)
        return form.latest, self.store(form)

    @allowed(ORGANISERS, "сопоставлять пункты форм")
    def map_form_items(
        self, caller: Caller, form_id: UUID, other_id: UUID, pairs: list[tuple[str, str]]
    ) -> int:
        form = self._form(caller, form_id)
        other = self.load(FormTemplate, other_id, "Форма мониторинга")
        form.map_items(caller.actor, other, pairs)
        return self.store(form)

    @allowed(ORGANISERS, "объявлять кампании мониторинга")
    def announce_campaign(self, caller: Caller, new: NewCampaign) -> tuple[Campaign, int]:
        Campaign.check_window(new.window_from, new.window_to, new.act_date)
        unknown = set(new.reviewer_roles) - REVIEWER_ROLES
        if not new.reviewer_roles or unknown:
            raise InvalidInput(
                "reviewer_roles",
                "Проверяющие — специалисты региона, методисты ИРО или специалисты муниципалитета",
                field="reviewer_roles",
            )
        if not new.target_kinds or set(new.target_kinds) - TARGET_KINDS:
            raise InvalidInput(
                "target_kinds", "Кампания охватывает школы и (или) партнёров", field="target_kinds"
            )
        target = self.load(Organisation, new.target_id, "Организация")
        if target.kind not in (OrganisationKind.REGION, OrganisationKind.MUNICIPALITY):
            raise InvalidInput(
                "target_kind", "Охват кампании — регион или муниципалитет", field="target_id"
            )
        caller.require_scope(target.tenant)
        form = self.load(FormTemplate, new.form_id, "Форма мониторинга")
        if not (target.tenant == form.tenant or target.tenant.startswith(form.tenant + ".")):
            raise InvalidInput(
                "form_out_of_reach",
                "Форма недоступна организациям, которые охватывает кампания",
                field="form_id",
            )
        form.use(caller.actor, new.form_version)
        campaign = Campaign(
            id=uuid4(),
            tenant=target.tenant,
            actor=caller.actor,
            title=new.title,
            form_id=form.id,
            form_version=new.form_version,
            act_number=new.act_number,
            act_date=new.act_date,
            act_id=new.act_id,
            target_path=target.tenant,
            target_kinds=sorted(new.target_kinds),
            window_from=new.window_from,
            window_to=new.window_to,
            reference_date=new.reference_date,
            reviewer_roles=sorted(new.reviewer_roles),
            municipality_submits=new.municipality_submits,
        )
        return campaign, self.store(form, campaign)

    @allowed(FILLERS, "заполнять ответы на мониторинг")
    def answer_campaign(
        self,
        caller: Caller,
        campaign_id: UUID,
        organisation_id: UUID,
        answers: list[dict[str, Any]],
        submit: bool,
    ) -> int:
        """Save a draft, or submit (frozen, stamped with the region's date)."""
        campaign, submission, items = self._submission(caller, campaign_id, organisation_id)
        if submit:
            submission.submit(caller.actor, items, answers, campaign, self.today())
        else:
            submission.save_draft(caller.actor, items, answers)
        return self.store(submission)

    @allowed(REVIEWER_ROLES | {Role.OPERATOR}, "проверять ответы на мониторинг")
    def review_answer(
        self,
        caller: Caller,
        campaign_id: UUID,
        organisation_id: UUID,
        number: str,
        verdict: Verdict,
        missing: list[str],
        recommendation: str | None,
    ) -> int:
        campaign, submission = self._reviewed(caller, campaign_id, organisation_id)
        item = self._form_items(campaign).get(number)
        if item is None:
            raise InvalidInput("item_unknown", f"В форме нет пункта {number}", number=number)
        submission.review_item(caller.actor, item, verdict, missing, recommendation)
        return self.store(submission)

    @allowed(REVIEWER_ROLES | {Role.OPERATOR}, "проверять ответы на мониторинг")
    def conclude_review(
        self,
        caller: Caller,
        campaign_id: UUID,
        organisation_id: UUID,
        accepted: bool,
        comment: str | None,
    ) -> int:
        _, submission = self._reviewed(caller, campaign_id, organisation_id)
        submission.conclude(caller.actor, accepted, comment)
        return self.store(submission)

    @allowed(frozenset({Role.OPERATOR, Role.MUNICIPALITY_OFFICER}), "издавать приказы по итогам")
    def order_fixes(
        self, caller: Caller, campaign_id: UUID, order: NewFixOrder
    ) -> tuple[FixOrder, int]:
        """The municipality's order on the campaign's results: the fixes of its own
        organisations the campaign targeted, each on an item of the campaign's form."""
        campaign = self.load(Campaign, campaign_id, "Кампания мониторинга")
        municipality = self.load(Organisation, order.municipality_id, "Организация")
        if municipality.kind not in (OrganisationKind.MUNICIPALITY, OrganisationKind.REGIONAL):
            raise InvalidInput(
                "fix_order_issuer",
                "Приказ по итогам издаёт муниципалитет (или узел подчинения региона)",
                field="municipality_id",
            )
        caller.require_scope(municipality.tenant)
        fixes = FixOrder.check_fixes(self._form_items(campaign), order.act_date, order.fixes)
        tenants: dict[str, str] = {}
        for fix in order.fixes:
            organisation = self.load(Organisation, fix["organisation_id"], "Организация")
            inside = organisation.tenant.startswith(municipality.tenant + ".")
            if not inside or not campaign.targets(organisation.tenant, organisation.kind):
                raise InvalidInput(
                    "not_targeted",
                    f"Кампания не охватывала организацию «{organisation.name}» этого"
                    " муниципалитета",
                    field="fixes",
                )
            tenants[str(organisation.id)] = organisation.tenant
        key = fix_order_id(campaign.id, municipality.id)
        if self.find(FixOrder, key) is not None:
            raise Conflict(
                "fix_order_exists", "Приказ по итогам этой кампании муниципалитет уже издал"
            )
        issued = FixOrder(
            id=key,
            tenant=municipality.tenant,
            actor=caller.actor,
            campaign_id=campaign.id,
            municipality_id=municipality.id,
            act_id=order.act_id,
            act_number=order.act_number,
            act_date=order.act_date,
            fixes=[f | {"tenant": tenants[f["organisation_id"]]} for f in fixes],
        )
        return issued, self.store(issued)

    def _form(self, caller: Caller, form_id: UUID) -> FormTemplate:
        form = self.load(FormTemplate, form_id, "Форма мониторинга")
        caller.require_scope(form.tenant)
        return form

    def _form_items(self, campaign: Campaign) -> dict[str, dict[str, Any]]:
        form = self.load(FormTemplate, campaign.form_id, "Форма мониторинга")
        return form.items(campaign.form_version)

    def _submission(
        self, caller: Caller, campaign_id: UUID, organisation_id: UUID
    ) -> tuple[Campaign, Submission, dict[str, dict[str, Any]]]:
        campaign = self.load(Campaign, campaign_id, "Кампания мониторинга")
        organisation = self.load(Organisation, organisation_id, "Организация")
        caller.require_scope(organisation.tenant)
        if caller.role == Role.MUNICIPALITY_OFFICER and not campaign.municipality_submits:
            raise PermissionDenied(
                "municipality_may_not_submit",
                "В этой кампании организации отвечают сами, без муниципалитета",
            )
        if not campaign.targets(organisation.tenant, organisation.kind):
            raise InvalidInput(
                "not_targeted", "Кампания не охватывает эту организацию", field="organisation_id"
            )
        organisation.check_open()
        key = submission_id(campaign.id, organisation.id)
        submission = self.find(Submission, key) or Submission(
            id=key,
            tenant=organisation.tenant,
            actor=caller.actor,
            campaign_id=campaign.id,
            organisation_id=organisation.id,
        )
        caller.in_school(submission, organisation.tenant)
        return campaign, submission, self._form_items(campaign)

    def _reviewed(
        self, caller: Caller, campaign_id: UUID, organisation_id: UUID
    ) -> tuple[Campaign, Submission]:
        campaign = self.load(Campaign, campaign_id, "Кампания мониторинга")
        if caller.role != Role.OPERATOR:
            campaign.check_reviewer(str(caller.role))
        submission = self.load(
            Submission, submission_id(campaign.id, organisation_id), "Ответ организации"
        )
        caller.require_scope(submission.tenant)
        return campaign, submission
