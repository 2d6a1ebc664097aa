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
    number: Annotated[Number, msgspec.Meta(description="The sub-requirement's number")]
    text: Annotated[Text, msgspec.Meta(description="The sub-requirement's text")]


class ItemIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[
        Number, msgspec.Meta(description="The item's number as the region numbers it («1.5.3»)")
    ]
    text: Annotated[Text, msgspec.Meta(description="The item's question or requirement")]
    kind: Annotated[
        ItemKind,
        msgspec.Meta(
            description="The answer's kind: yes/no, link, number, date, choice, text, file"
            " or computed"
        ),
    ]
    required: Annotated[bool, msgspec.Meta(description="An answer is required to submit")] = True
    options: Annotated[
        list[Short],
        msgspec.Meta(max_length=30, description="The choices, for an item answered by choice"),
    ] = []
    # for a computed item: what the platform computes (labels.COMPUTED_SOURCE_NAMES)
    source: Annotated[
        Short | None, msgspec.Meta(description="What the platform computes, for a computed item")
    ] = None
    requirements: Annotated[
        list[RequirementIn],
        msgspec.Meta(max_length=30, description="The item's sub-requirements, reviewed one by one"),
    ] = []


class SectionIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[Number, msgspec.Meta(description="The section's number")]
    title: Annotated[Name, msgspec.Meta(description="The section's title")]
    items: Annotated[
        list[ItemIn], msgspec.Meta(max_length=200, description="The section's items, in order")
    ]


Sections = Annotated[list[SectionIn], msgspec.Meta(min_length=1, max_length=50)]
# A form's sections as a region writes them: the example of every body that carries a form.
SECTIONS_EXAMPLE = [
    {
        "number": "1",
        "title": "Нормативные документы",
        "items": [
            {
                "number": "1.1",
                "text": "Приказ о внедрении целевой модели наставничества",
                "kind": "link",
            },
            {
                "number": "1.2",
                "text": "Положение о программе наставничества",
                "kind": "file",
                "requirements": [
                    {"number": "1.2.1", "text": "Утверждено приказом директора"},
                    {"number": "1.2.2", "text": "Размещено на сайте школы"},
                ],
            },
        ],
    },
    {
        "number": "2",
        "title": "Наставнические пары",
        "items": [
            {
                "number": "2.1",
                "text": "Число наставнических пар на отчётную дату",
                "kind": "number",
            }
        ],
    },
]
# A form's title and sections, as a new form and a revision of one give them.
FormTitle = Annotated[
    Name,
    msgspec.Meta(
        description="The form's title",
        examples=["Мониторинг внедрения целевой модели наставничества"],
    ),
]
FormSections = Annotated[
    Sections,
    msgspec.Meta(description="The form's sections, in order", examples=[SECTIONS_EXAMPLE]),
]


class FormIn(msgspec.Struct, forbid_unknown_fields=True):
    owner_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The region, institute or municipality that keeps the form",
            examples=["3478ba77-71dc-43b3-a8b2-c77a6f837ad8"],
        ),
    ]  # the region, institute or municipality whose form it is
    title: FormTitle
    sections: FormSections


class ExampleIn(msgspec.Struct, forbid_unknown_fields=True):
    owner_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The region, institute or municipality that will keep the form",
            examples=["3478ba77-71dc-43b3-a8b2-c77a6f837ad8"],
        ),
    ]
    # s1 — чек-лист самоаудита Положения; documents — перечень документов 1.1–1.5;
    # school — форма школы: ссылки, числа, значения платформы
    example: Annotated[
        Literal["s1", "documents", "school"],
        msgspec.Meta(
            description="The ready form to start from: `s1` (the self-audit checklist),"
            " `documents` (the document list 1.1–1.5) or `school` (a school's form)",
            examples=["s1"],
        ),
    ]


class RevisionIn(msgspec.Struct, forbid_unknown_fields=True):
    version: Annotated[
        int,
        msgspec.Meta(
            ge=1,
            description="The version changed: the latest (refused once a campaign runs it)",
            examples=[1],
        ),
    ]  # the version being changed: the latest
    title: FormTitle
    sections: FormSections


class VersionIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[
        Name,
        msgspec.Meta(
            description="The new version's title",
            examples=["Мониторинг внедрения целевой модели наставничества, 2026"],
        ),
    ]
    sections: Annotated[
        Sections,
        msgspec.Meta(
            description="The new version's sections, in order", examples=[SECTIONS_EXAMPLE]
        ),
    ]


class Version(msgspec.Struct):
    version: Annotated[int, msgspec.Meta(description="The form's new version")]
    position: Annotated[int, msgspec.Meta(description="The position of the command's last event")]


class PairIn(msgspec.Struct, forbid_unknown_fields=True):
    item: Annotated[
        Number, msgspec.Meta(description="The item's number in this form")
    ]  # this form's item
    other_item: Annotated[
        Number, msgspec.Meta(description="The corresponding item's number in the other form")
    ]  # the item of the other form that answers the same


class MappingIn(msgspec.Struct, forbid_unknown_fields=True):
    other_form_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The other form", examples=["378aa214-6537-459f-a88b-266cf16a9b28"]
        ),
    ]
    pairs: Annotated[
        list[PairIn],
        msgspec.Meta(
            min_length=1,
            max_length=500,
            description="The corresponding items, one pair each",
            examples=[[{"item": "1.1", "other_item": "1.2"}, {"item": "2.1", "other_item": "2.3"}]],
        ),
    ]


class CampaignIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[
        Name,
        msgspec.Meta(
            description="The campaign's title",
            examples=["Мониторинг внедрения целевой модели наставничества, 2025/26 учебный год"],
        ),
    ]
    form_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The monitoring form the organisations answer",
            examples=["d54bef55-fe84-4841-b56e-ebe9cbed6915"],
        ),
    ]
    form_version: Annotated[
        int,
        msgspec.Meta(
            ge=1,
            description="The form's version (it never changes once a campaign runs it)",
            examples=[1],
        ),
    ]
    act_number: Annotated[
        ActNumber, msgspec.Meta(description="The number of the act that announces the campaign")
    ]  # the announcing act
    act_date: Annotated[
        date, msgspec.Meta(description="The date of that act", examples=["2025-12-01"])
    ]
    target_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The region or municipality whose organisations answer",
            examples=["3478ba77-71dc-43b3-a8b2-c77a6f837ad8"],
        ),
    ]  # the region or municipality whose organisations answer
    target_kinds: Annotated[
        list[Literal["school", "partner"]],
        msgspec.Meta(
            min_length=1,
            description="The kinds of organisation that answer (schools, partners)",
            examples=[["school"]],
        ),
    ]
    window_from: Annotated[
        date,
        msgspec.Meta(
            description="The first day of the window (the region's calendar, counted)",
            examples=["2026-01-12"],
        ),
    ]  # the region's calendar days, both counted
    window_to: Annotated[
        date,
        msgspec.Meta(
            description="The last day of the window (counted); later answers are late",
            examples=["2026-01-30"],
        ),
    ]
    reference_date: Annotated[
        date,
        msgspec.Meta(description="The reporting day the answers describe", examples=["2026-01-01"]),
    ]  # the day computed values are taken on
    reviewer_roles: Annotated[
        list[Literal["region_officer", "institute_methodologist", "municipality_officer"]],
        msgspec.Meta(
            min_length=1,
            description="The roles that review the submissions",
            examples=[["municipality_officer"]],
        ),
    ]
    municipality_submits: Annotated[
        bool, msgspec.Meta(description="The municipality answers for its schools")
    ] = False  # a municipality may answer for its organisations
    # the announcing act in the register of acts, where it is entered there; its number and
    # date are given all the same (the window is checked against the date)
    act_id: Annotated[
        UUID | None,
        msgspec.Meta(description="The announcing act in the register of acts, if entered there"),
    ] = None


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[Number, msgspec.Meta(description="The item's number")]
    value: Annotated[
        bool | int | float | Annotated[str, msgspec.Meta(max_length=4000)] | None,
        msgspec.Meta(description="The answer as JSON: true/false, a number, a text"),
    ] = None
    evidence: Annotated[Text | None, msgspec.Meta(description="The evidence for the answer")] = None
    computed: Annotated[
        bool | int | float | None,
        msgspec.Meta(description="The platform's value the school confirms or corrects"),
    ] = None  # the platform's value, as offered
    comment: Annotated[
        Text | None, msgspec.Meta(description="Why the platform's value was corrected")
    ] = None


class AnswersIn(msgspec.Struct, forbid_unknown_fields=True):
    answers: Annotated[
        list[AnswerIn],
        msgspec.Meta(
            max_length=500,
            description="The answers, each naming its item by number",
            examples=[
                [
                    {
                        "number": "1.1",
                        "value": "https://school12.edu.ru/nastavnichestvo/prikaz-118-o.pdf",
                        "evidence": "Приказ от 28.08.2025 № 118-о",
                    }
                ]
            ],
        ),
    ] = []
    submit: Annotated[
        bool,
        msgspec.Meta(
            description="Submit the answers (frozen and stamped on time or late); otherwise a"
            " draft",
            examples=[False],
        ),
    ] = False  # true: submit and freeze; false: save a draft


class ReviewIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[Number, msgspec.Meta(description="The item reviewed")]
    verdict: Annotated[
        Verdict,
        msgspec.Meta(
            description="The verdict: accepted, not accepted or partly", examples=["partly"]
        ),
    ]
    missing: Annotated[
        list[Number],
        msgspec.Meta(
            max_length=30,
            description="For a partly accepted item, the missing sub-requirements",
            examples=[["1.5.2"]],
        ),
    ] = []
    recommendation: Annotated[
        Text | None,
        msgspec.Meta(
            description="The reviewer's recommendation",
            examples=["Приложить план работы каждой наставнической пары"],
        ),
    ] = None


class ConclusionIn(msgspec.Struct, forbid_unknown_fields=True):
    accepted: Annotated[
        bool,
        msgspec.Meta(
            description="Accept the whole submission; otherwise return it for revision",
            examples=[False],
        ),
    ]  # false: returned for revision
    comment: Annotated[
        Text | None,
        msgspec.Meta(
            description="The reviewer's conclusion in words",
            examples=["Не приложен приказ о закреплении наставнических пар (п. 1.3)"],
        ),
    ] = None


class FixIn(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: Annotated[
        UUID, msgspec.Meta(description="The organisation that fixes")
    ]  # the organisation that fixes
    number: Annotated[
        Number, msgspec.Meta(description="The item of the campaign's form it fixes")
    ]  # the item of the campaign's form it fixes
    director: Annotated[
        Name, msgspec.Meta(description="Its director as the order names them («Сальникова Г.И.»)")
    ]  # as the order names them: «Сальникова Г.И.»
    due_on: Annotated[date, msgspec.Meta(description="The day it is to be fixed by")]


class FixOrderIn(msgspec.Struct, forbid_unknown_fields=True):
    municipality_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The municipality that issues the order",
            examples=["96a9e702-4193-489d-9c2a-dd256d9cd4fe"],
        ),
    ]  # the municipality that issues the order
    act_number: Annotated[ActNumber, msgspec.Meta(description="The order's number")]
    act_date: Annotated[date, msgspec.Meta(description="The order's date", examples=["2026-02-10"])]
    fixes: Annotated[
        list[FixIn],
        msgspec.Meta(
            min_length=1,
            max_length=2000,
            description="What each organisation is to fix, and by when",
            examples=[
                [
                    {
                        "organisation_id": "3e6a9c12-4b7d-4f0a-8c2e-5d1f3a7b9e04",
                        "number": "1.3",
                        "director": "Сальникова Г.И.",
                        "due_on": "2026-03-02",
                    }
                ]
            ],
        ),
    ]
    act_id: Annotated[
        UUID | None,
        msgspec.Meta(description="The order in the register of acts, where it is entered there"),
    ] = None  # the order in the register of acts, where it is entered there


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
