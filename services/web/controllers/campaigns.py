"""Monitoring campaigns: the campaigns a user answers or runs; a school fills its form (values
the platform computes offered to confirm or correct), saves drafts and submits, and reads every
reviewer's verdict and recommendation; the municipality, institute and region read the results
— who submitted on time or late, who never started, every item's answers, a table per
municipality — and review a submission item by item; and make forms from the ready examples."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, Template

from shared.kernel.principal import Role

from ..backend import Backend, Refused
from ..commands import (
    CampaignAnswer,
    CampaignAnswers,
    CampaignConclusion,
    CampaignReview,
    FormExample,
)
from ..forms import FORM_LEVEL, Form
from ..pages import form_page, page
from ..reads import Date, DateTime, Read
from ..session import WebUser
from .common import done, passed_on, school_of
from .oversight import OVERSEERS, allow

CAMPAIGNS = """
query($organisation: ID) { campaigns(organisationId: $organisation) {
  id title actNumber actDate windowFrom windowTo isOpen
  submissions { organisationName statusName submittedOn late }
} }
"""
FORMS = "query { formTemplates { id title version inUse } }"
FILL = """
query($id: ID!, $organisation: ID!) { campaign(id: $id) {
  id title actNumber actDate act { id title } windowFrom windowTo referenceDate isOpen
  reviewerRoleNames
  form { title version sections { number title items {
    number text kind kindName required options source sourceName requirements { number text } } } }
  computedValues(organisationId: $organisation) { number value shown note }
  submission(organisationId: $organisation) {
    organisationName status statusName submittedOn late submissions conclusion
    answers { number value shown evidence computed comment }
    history { action number verdictName missing text actorRoleName at submittedOn late } }
} }
"""
RESULTS = """
query($id: ID!) { campaign(id: $id) {
  id title actNumber actDate act { id title } windowFrom windowTo referenceDate isOpen
  reviewerRoles
  form { title version }
  results { targeted submitted onTime late inDraft neverStarted returned accepted
    organisations { organisationId name municipality status statusName submittedOn late }
    items { number text kindName answered counts { shown count } total mean accepted }
    municipalities { municipality targeted submitted onTime late notSubmitted neverStarted } }
  fixOrders { municipalityName actNumber actDate fixes { organisationName number itemText
    director dueOn statusName nextCampaignTitle nextNumber nextAnswer } }
}
  campaigns { id title windowFrom windowTo }
}
"""
COMPARISON = """
query($id: ID!, $previous: ID!) { campaign(id: $id) { comparison(previousCampaignId: $previous) {
  number text previousNumber previousText
  current { answered counts { shown count } total }
  previous { answered counts { shown count } total }
  organisations { name previous current } } } }
"""

EXAMPLE_NAMES = {
    "s1": "Чек-лист самоаудита Положения (12 пунктов)",
    "documents": "Перечень документов ОО (1.1–1.5 с требованиями)",
    "school": "Форма школы: ссылки, числа, значения платформы",
}
ORGANISERS = frozenset(
    {Role.REGION_OFFICER, Role.INSTITUTE_METHODOLOGIST, Role.MUNICIPALITY_OFFICER}
)


class SubmissionLine(Read):
    organisationName: str
    statusName: str
    submittedOn: Date | None
    late: bool | None


class CampaignLine(Read):
    id: str
    title: str
    actNumber: str
    actDate: Date
    windowFrom: Date
    windowTo: Date
    isOpen: bool
    submissions: list[SubmissionLine]


class CampaignList(Read):
    campaigns: list[CampaignLine]


class FormLine(Read):
    id: str
    title: str
    version: int
    inUse: bool


class FormList(Read):
    formTemplates: list[FormLine]


class Requirement(Read):
    number: str
    text: str


class Item(Read):
    number: str
    text: str
    kind: str
    kindName: str
    required: bool
    options: list[str]
    source: str | None
    sourceName: str | None
    requirements: list[Requirement]


class Section(Read):
    number: str
    title: str
    items: list[Item]


class FormShape(Read):
    title: str
    version: int
    sections: list[Section]


class Computed(Read):
    number: str
    value: str | None
    shown: str | None
    note: str | None


class Answer(Read):
    number: str
    value: str | None
    shown: str | None
    evidence: str | None
    computed: str | None
    comment: str | None


class Entry(Read):
    action: str
    number: str | None
    verdictName: str | None
    missing: list[str]
    text: str | None
    actorRoleName: str
    at: DateTime
    submittedOn: Date | None
    late: bool | None


class Submission(Read):
    organisationName: str
    status: str
    statusName: str
    submittedOn: Date | None
    late: bool | None
    submissions: int
    conclusion: str | None
    answers: list[Answer]
    history: list[Entry]


class RegisteredAct(Read):
    id: str
    title: str


class CampaignHead(Read):
    """What every campaign page says of the campaign: its title, act, window and date."""

    id: str
    title: str
    actNumber: str
    actDate: Date
    act: RegisteredAct | None
    windowFrom: Date
    windowTo: Date
    referenceDate: Date
    isOpen: bool


class FillCampaign(CampaignHead):
    reviewerRoleNames: list[str]
    form: FormShape
    computedValues: list[Computed]
    submission: Submission | None


class Fill(Read):
    campaign: FillCampaign


class FormTitle(Read):
    title: str
    version: int


class OrganisationResult(Read):
    organisationId: str
    name: str
    municipality: str
    status: str
    statusName: str
    submittedOn: Date | None
    late: bool | None


class Count(Read):
    shown: str
    count: int


class ItemResult(Read):
    number: str
    text: str
    kindName: str
    answered: int
    counts: list[Count]
    total: float | None
    mean: float | None
    accepted: int


class MunicipalityResult(Read):
    municipality: str
    targeted: int
    submitted: int
    onTime: int
    late: int
    notSubmitted: int
    neverStarted: int


class Results(Read):
    targeted: int
    submitted: int
    onTime: int
    late: int
    inDraft: int
    neverStarted: int
    returned: int
    accepted: int
    organisations: list[OrganisationResult]
    items: list[ItemResult]
    municipalities: list[MunicipalityResult]


class OrderedFix(Read):
    organisationName: str
    number: str
    itemText: str
    director: str
    dueOn: Date
    statusName: str
    nextCampaignTitle: str | None
    nextNumber: str | None
    nextAnswer: str | None


class FixOrder(Read):
    municipalityName: str
    actNumber: str
    actDate: Date
    fixes: list[OrderedFix]


class ResultCampaign(CampaignHead):
    reviewerRoles: list[str]
    form: FormTitle
    results: Results
    fixOrders: list[FixOrder]


class OtherCampaign(Read):
    id: str
    title: str
    windowFrom: Date
    windowTo: Date


class ResultsPage(Read):
    campaign: ResultCampaign
    campaigns: list[OtherCampaign]


class Counted(Read):
    answered: int
    counts: list[Count]
    total: float | None


class ComparedAnswer(Read):
    name: str
    previous: str | None
    current: str | None


class ComparedItem(Read):
    number: str
    text: str
    previousNumber: str
    previousText: str
    current: Counted
    previous: Counted
    organisations: list[ComparedAnswer]


class ComparedCampaign(Read):
    comparison: list[ComparedItem]


class Compared(Read):
    campaign: ComparedCampaign


def organisation_of(user: WebUser) -> UUID:
    """The organisation a user works for: the last label of their scope's path."""
    return UUID(hex=user.principal.scope.path.rsplit(".", 1)[-1])


class CampaignPagesController(Controller):
    path = "/campaigns"

    @get("/")
    async def index(self, user: WebUser, backend: Backend) -> Template:
        own = str(user.school_id) if user.school_id else None
        listed = await backend.query(user.token, CAMPAIGNS, CampaignList, organisation=own)
        forms = []
        if user.principal.role in ORGANISERS:
            forms = (await backend.query(user.token, FORMS, FormList)).formTemplates
        return page(
            "campaigns/index.html",
            user,
            campaigns=listed.campaigns,
            forms=forms,
            examples=EXAMPLE_NAMES,
            can_make_forms=user.principal.role in ORGANISERS,
        )

    @post("/forms")
    async def make_form(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Redirect:
        allow(user, ORGANISERS)
        form = Form.of(await request.form())
        body = FormExample(owner_id=str(organisation_of(user)), example=form.text("example") or "")
        await backend.command(user.token, "registry", "/forms/examples", body)
        return done(request, "/campaigns", "Форма мониторинга создана из образца")

    @get("/{campaign_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        campaign_id: UUID,
        previous: UUID | None = None,  # the campaign whose answers these are compared with
    ) -> Template:
        if user.school_id is not None:
            return await self._fill_page(user, backend, campaign_id, Form())
        allow(user, OVERSEERS)
        data = await backend.query(user.token, RESULTS, ResultsPage, id=str(campaign_id))
        others = [c for c in data.campaigns if c.id != str(campaign_id)]
        compared = None
        if previous is not None and any(c.id == str(previous) for c in others):
            compared = await backend.query(
                user.token, COMPARISON, Compared, id=str(campaign_id), previous=str(previous)
            )
        return page(
            "campaigns/results.html",
            user,
            campaign=data.campaign,
            can_review=str(user.principal.role) in data.campaign.reviewerRoles,
            others=others,
            previous=str(previous) if compared else None,
            compared=compared.campaign.comparison if compared else [],
        )

    @post("/{campaign_id:uuid}")
    async def answer(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, campaign_id: UUID
    ) -> Template | Redirect:
        school = school_of(user)
        form = Form.of(await request.form())
        data = await backend.query(
            user.token, FILL, Fill, id=str(campaign_id), organisation=str(school)
        )
        items = [i for s in data.campaign.form.sections for i in s.items]
        offered = {c.number: c for c in data.campaign.computedValues}
        submit = form.values.get("action") == "submit"
        body = CampaignAnswers(
            answers=[a for i in items if (a := _answer(form, i, offered.get(i.number)))],
            submit=submit,
        )
        try:
            await backend.command(
                user.token,
                "registry",
                f"/campaigns/{campaign_id}/submissions/{school}",
                body,
                method="PUT",
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            number = refusal.details.number
            form.errors[f"v_{number}" if number else FORM_LEVEL] = refusal.message
            return await self._fill_page(user, backend, campaign_id, form)
        notice = "Ответ отправлен" if submit else "Черновик сохранён"
        return done(request, f"/campaigns/{campaign_id}", notice)

    @get("/{campaign_id:uuid}/organisations/{organisation_id:uuid}")
    async def submission(
        self, user: WebUser, backend: Backend, campaign_id: UUID, organisation_id: UUID
    ) -> Template:
        allow(user, OVERSEERS)
        return await self._review_page(user, backend, campaign_id, organisation_id, Form())

    @post("/{campaign_id:uuid}/organisations/{organisation_id:uuid}")
    async def review(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        campaign_id: UUID,
        organisation_id: UUID,
    ) -> Template | Redirect:
        allow(user, OVERSEERS)
        form = Form.of(await request.form(), lists=("missing",))
        base = f"/campaigns/{campaign_id}/submissions/{organisation_id}"
        conclusion = form.values.get("conclusion")
        try:
            if conclusion:
                body: CampaignConclusion | CampaignReview = CampaignConclusion(
                    accepted=conclusion == "accept", comment=form.text("comment")
                )
                await backend.command(user.token, "registry", f"{base}/conclusion", body)
            else:
                body = CampaignReview(
                    number=form.text("number") or "",
                    verdict=form.text("verdict"),
                    missing=form.choices("missing"),
                    recommendation=form.text("recommendation"),
                )
                await backend.command(user.token, "registry", f"{base}/reviews", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.errors[FORM_LEVEL] = refusal.message
            return await self._review_page(user, backend, campaign_id, organisation_id, form)
        return done(
            request,
            f"/campaigns/{campaign_id}/organisations/{organisation_id}",
            "Решение сохранено" if conclusion else "Вывод по пункту сохранён",
        )

    @get("/{campaign_id:uuid}/report.docx")
    async def report(self, user: WebUser, backend: Backend, campaign_id: UUID) -> Response[bytes]:
        allow(user, OVERSEERS)
        return passed_on(
            await backend.get(user.token, "reporting", f"/campaigns/{campaign_id}/report.docx")
        )

    @get("/{campaign_id:uuid}/answers.xlsx")
    async def answers(self, user: WebUser, backend: Backend, campaign_id: UUID) -> Response[bytes]:
        allow(user, OVERSEERS)
        return passed_on(
            await backend.get(user.token, "reporting", f"/campaigns/{campaign_id}/answers.xlsx")
        )

    @staticmethod
    async def _fill_page(
        user: WebUser, backend: Backend, campaign_id: UUID, form: Form
    ) -> Template:
        school = school_of(user)
        data = await backend.query(
            user.token, FILL, Fill, id=str(campaign_id), organisation=str(school)
        )
        campaign = data.campaign
        submission = campaign.submission
        editable = user.manages_school and (
            submission is None or submission.status in ("draft", "returned")
        )
        if not form.values:
            form.values = _typed(campaign)
        return form_page(
            "campaigns/fill.html",
            user,
            form,
            campaign=campaign,
            offered={c.number: c for c in campaign.computedValues},
            reviews=[e for e in submission.history if e.action == "review"] if submission else [],
            editable=editable,
        )

    @staticmethod
    async def _review_page(
        user: WebUser, backend: Backend, campaign_id: UUID, organisation_id: UUID, form: Form
    ) -> Template:
        data = await backend.query(
            user.token, FILL, Fill, id=str(campaign_id), organisation=str(organisation_id)
        )
        if data.campaign.submission is None:
            raise Refused(404, "submission_not_found", "Организация ещё не начала ответ")
        return form_page(
            "campaigns/review.html",
            user,
            form,
            campaign=data.campaign,
            submission=data.campaign.submission,
            answers={a.number: a for a in data.campaign.submission.answers},
        )


def _typed(campaign: FillCampaign) -> dict[str, Any]:
    """The form's fields as the draft or submission holds them, computed values offered."""
    values: dict[str, Any] = {
        f"v_{c.number}": _field(c.value) for c in campaign.computedValues if c.value is not None
    }
    for answer in campaign.submission.answers if campaign.submission else []:
        values[f"v_{answer.number}"] = _field(answer.value)
        values[f"e_{answer.number}"] = answer.evidence or ""
        values[f"c_{answer.number}"] = answer.comment or ""
    return values


def _field(raw: str | None) -> str:
    value = None if raw is None else json.loads(raw)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _answer(form: Form, item: Item, offered: Computed | None) -> CampaignAnswer | None:
    name = f"v_{item.number}"
    typed = form.day(name) if item.kind == "date" else form.text(name)
    evidence, comment = form.text(f"e_{item.number}"), form.text(f"c_{item.number}")
    if typed is None and evidence is None and comment is None:
        return None
    computed = json.loads(offered.value) if offered and offered.value is not None else None
    return CampaignAnswer(
        number=item.number,
        value=_value(item, typed, computed),
        evidence=evidence,
        computed=computed,
        comment=comment,
    )


def _value(item: Item, typed: str | None, computed: Any) -> bool | int | float | str | None:
    """What a person typed, in the item's kind where it reads as one; else as typed, for the
    registry to refuse naming the item."""
    if typed is None:
        return None
    if typed in ("yes", "no") and (item.kind == "yes_no" or isinstance(computed, bool)):
        return typed == "yes"
    if item.kind in ("number", "computed"):
        number = typed.replace(",", ".").replace(" ", "")
        try:
            return int(number)
        except ValueError:
            pass
        try:
            return float(number)
        except ValueError:
            return typed
    return typed
