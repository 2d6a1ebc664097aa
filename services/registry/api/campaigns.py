"""Monitoring campaigns: form templates and their versions, campaigns, submissions, reviews."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.registry.application import NewCampaign, NewFixOrder
from services.registry.domain import ItemKind, Verdict
from services.registry.form_examples import EXAMPLES
from services.wiring import Created, Position
from shared.kernel.principal import Principal

from .common import Name, Text, registry_of

Number = Annotated[str, msgspec.Meta(min_length=1, max_length=15, examples=["1.5", "1.5.3"])]
Short = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
ActNumber = Annotated[str, msgspec.Meta(min_length=1, max_length=40, examples=["94-13"])]


class RequirementIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Number
    text: Text


class ItemIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Number
    text: Text
    kind: ItemKind
    required: bool = True
    options: Annotated[list[Short], msgspec.Meta(max_length=30)] = []
    # for a computed item: what the platform computes (labels.COMPUTED_SOURCE_NAMES)
    source: Short | None = None
    requirements: Annotated[list[RequirementIn], msgspec.Meta(max_length=30)] = []


class SectionIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Number
    title: Name
    items: Annotated[list[ItemIn], msgspec.Meta(max_length=200)]


Sections = Annotated[list[SectionIn], msgspec.Meta(min_length=1, max_length=50)]


class FormIn(msgspec.Struct, forbid_unknown_fields=True):
    owner_id: UUID  # the region, institute or municipality whose form it is
    title: Name
    sections: Sections


class ExampleIn(msgspec.Struct, forbid_unknown_fields=True):
    owner_id: UUID
    # s1 — чек-лист самоаудита Положения; documents — перечень документов 1.1–1.5;
    # school — форма школы: ссылки, числа, значения платформы
    example: Literal["s1", "documents", "school"]


class RevisionIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Annotated[int, msgspec.Meta(ge=1)]  # the version being changed: the latest
    title: Name
    sections: Sections


class VersionIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    sections: Sections


class Version(msgspec.Struct):
    version: int
    position: int


class PairIn(msgspec.Struct, forbid_unknown_fields=True):
    item: Number  # this form's item
    other_item: Number  # the item of the other form that answers the same


class MappingIn(msgspec.Struct, forbid_unknown_fields=True):
    other_form_id: UUID
    pairs: Annotated[list[PairIn], msgspec.Meta(min_length=1, max_length=500)]


class CampaignIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    form_id: UUID
    form_version: Annotated[int, msgspec.Meta(ge=1)]
    act_number: ActNumber  # the announcing act
    act_date: date
    target_id: UUID  # the region or municipality whose organisations answer
    target_kinds: Annotated[list[Literal["school", "partner"]], msgspec.Meta(min_length=1)]
    window_from: date  # the region's calendar days, both counted
    window_to: date
    reference_date: date  # the day computed values are taken on
    reviewer_roles: Annotated[
        list[Literal["region_officer", "institute_methodologist", "municipality_officer"]],
        msgspec.Meta(min_length=1),
    ]
    municipality_submits: bool = False  # a municipality may answer for its organisations
    # the announcing act in the register of acts, where it is entered there; its number and
    # date are given all the same (the window is checked against the date)
    act_id: UUID | None = None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Number
    value: bool | int | float | Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    evidence: Text | None = None
    computed: bool | int | float | None = None  # the platform's value, as offered
    comment: Text | None = None


class AnswersIn(msgspec.Struct, forbid_unknown_fields=True):
    answers: Annotated[list[AnswerIn], msgspec.Meta(max_length=500)] = []
    submit: bool = False  # true: submit and freeze; false: save a draft


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Number
    verdict: Verdict
    missing: Annotated[list[Number], msgspec.Meta(max_length=30)] = []
    recommendation: Text | None = None


class ConclusionIn(msgspec.Struct, forbid_unknown_fields=True):
    accepted: bool  # false: returned for revision
    comment: Text | None = None


class FixIn(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: UUID  # the organisation that fixes
    number: Number  # the item of the campaign's form it fixes
    director: Name  # as the order names them: «Сальникова Г.И.»
    due_on: date


class FixOrderIn(msgspec.Struct, forbid_unknown_fields=True):
    municipality_id: UUID  # the municipality that issues the order
    act_number: ActNumber
    act_date: date
    fixes: Annotated[list[FixIn], msgspec.Meta(min_length=1, max_length=2000)]
    act_id: UUID | None = None  # the order in the register of acts, where it is entered there


def _plain(sections: list[SectionIn]) -> list[dict[str, Any]]:
    plain: list[dict[str, Any]] = msgspec.to_builtins(sections)
    return plain


Caller = Request[Principal, Any, Any]
SUBMISSION = "/campaigns/{campaign_id:uuid}/submissions/{organisation_id:uuid}"


class CampaignController(Controller):
    tags = ["campaigns"]

    @post("/forms", sync_to_thread=True)
    def draft_form(self, request: Caller, state: State, data: FormIn) -> Created:
        form, position = registry_of(state).draft_form(
            request.user, data.owner_id, data.title, _plain(data.sections)
        )
        return Created(id=form.id, position=position)

    @post("/forms/examples", sync_to_thread=True)
    def draft_example(self, request: Caller, state: State, data: ExampleIn) -> Created:
        example = EXAMPLES[data.example]
        form, position = registry_of(state).draft_form(
            request.user, data.owner_id, example["title"], example["sections"]
        )
        return Created(id=form.id, position=position)

    @put("/forms/{form_id:uuid}", sync_to_thread=True)
    def revise_form(
        self, request: Caller, state: State, form_id: UUID, data: RevisionIn
    ) -> Position:
        position = registry_of(state).revise_form(
            request.user, form_id, data.version, data.title, _plain(data.sections)
        )
        return Position(position=position)

    @post("/forms/{form_id:uuid}/versions", sync_to_thread=True)
    def new_version(self, request: Caller, state: State, form_id: UUID, data: VersionIn) -> Version:
        version, position = registry_of(state).new_form_version(
            request.user, form_id, data.title, _plain(data.sections)
        )
        return Version(version=version, position=position)

    @post("/forms/{form_id:uuid}/mappings", sync_to_thread=True)
    def map_items(self, request: Caller, state: State, form_id: UUID, data: MappingIn) -> Position:
        position = registry_of(state).map_form_items(
            request.user, form_id, data.other_form_id, [(p.item, p.other_item) for p in data.pairs]
        )
        return Position(position=position)

    @post("/campaigns", sync_to_thread=True)
    def announce(self, request: Caller, state: State, data: CampaignIn) -> Created:
        new = NewCampaign(**msgspec.structs.asdict(data))
        campaign, position = registry_of(state).announce_campaign(request.user, new)
        return Created(id=campaign.id, position=position)

    @post("/campaigns/{campaign_id:uuid}/fix-orders", sync_to_thread=True)
    def order_fixes(
        self, request: Caller, state: State, campaign_id: UUID, data: FixOrderIn
    ) -> Created:
        """A municipality's order on the campaign's results, naming the fixes it orders."""
        order = NewFixOrder(
            municipality_id=data.municipality_id,
            act_number=data.act_number,
            act_date=data.act_date,
            fixes=[msgspec.structs.asdict(f) for f in data.fixes],
            act_id=data.act_id,
        )
        issued, position = registry_of(state).order_fixes(request.user, campaign_id, order)
        return Created(id=issued.id, position=position)

    @put(SUBMISSION, sync_to_thread=True)
    def answer(
        self,
        request: Caller,
        state: State,
        campaign_id: UUID,
        organisation_id: UUID,
        data: AnswersIn,
    ) -> Position:
        position = registry_of(state).answer_campaign(
            request.user,
            campaign_id,
            organisation_id,
            msgspec.to_builtins(data.answers),
            data.submit,
        )
        return Position(position=position)

    @post(f"{SUBMISSION}/reviews", sync_to_thread=True)
    def review(
        self,
        request: Caller,
        state: State,
        campaign_id: UUID,
        organisation_id: UUID,
        data: ReviewIn,
    ) -> Position:
        position = registry_of(state).review_answer(
            request.user,
            campaign_id,
            organisation_id,
            data.number,
            data.verdict,
            list(data.missing),
            data.recommendation,
        )
        return Position(position=position)

    @post(f"{SUBMISSION}/conclusion", sync_to_thread=True)
    def conclude(
        self,
        request: Caller,
        state: State,
        campaign_id: UUID,
        organisation_id: UUID,
        data: ConclusionIn,
    ) -> Position:
        position = registry_of(state).conclude_review(
            request.user, campaign_id, organisation_id, data.accepted, data.comment
        )
        return Position(position=position)
