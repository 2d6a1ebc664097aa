"""Monitoring campaigns: the forms, the campaigns a caller runs or answers, each organisation's
submission with its reviews and history, the values the platform offers for computed items, and
the results — who submitted on time or late, who never started (counted and named), every
item's answers and a table per municipality."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import strawberry

from services.registry.labels import (
    CAMPAIGN_ITEM_KIND_NAMES,
    COMPUTED_SOURCE_NAMES,
    FIX_STATUS_NAMES,
    SUBMISSION_STATUS_NAMES,
    VERDICT_NAMES,
)
from services.reporting.measures import indicator_value, measure
from shared.adapters.database import Fetch
from shared.adapters.settings import region_today
from shared.dictionaries import school_year_of
from shared.indicators import INDICATORS_BY_CODE
from shared.kernel.errors import NotFound
from shared.kernel.principal import ROLE_NAMES, Role

from .acts import Act
from .arguments import Id, On, OneOrganisation, OrganisationId
from .context import Reader, ReaderInfo, reader_of, uuid_of
from .roadmap import load_roadmap


@strawberry.type(description="An item the organisation must answer (обязательный пункт).")
class FormRequirement:
    number: str = strawberry.field(description="The sub-requirement's number.")
    text: str = strawberry.field(description="The sub-requirement's text.")


@strawberry.type(description="One item of a monitoring form (пункт формы мониторинга).")
class FormItem:
    number: str = strawberry.field(
        description="The item's number, as the region numbers it («1.5.3»)."
    )
    text: str = strawberry.field(description="The item's question or requirement.")
    kind: str = strawberry.field(
        description=(
            "What the answer is (yes/no, link, number, date, choice, text, file, computed) as a "
            "code."
        )
    )
    kind_name: str = strawberry.field(description="The answer's kind in Russian words.")
    required: bool = strawberry.field(description="An answer is required to submit.")
    options: list[str] = strawberry.field(
        description="The choices, for an item answered by choice; empty otherwise."
    )
    source: str | None = strawberry.field(description="Что вычисляет платформа")
    source_name: str | None = strawberry.field(
        description=(
            "What the platform computes, in Russian words; null for an item answered by hand."
        )
    )
    requirements: list[FormRequirement] = strawberry.field(
        description="The item's sub-requirements (1.5.1–1.5.4), reviewed one by one."
    )


@strawberry.type(description="A section of a monitoring form (раздел формы).")
class FormSection:
    number: str = strawberry.field(description="The section's number.")
    title: str = strawberry.field(description="The section's title.")
    items: list[FormItem] = strawberry.field(description="The section's items, in order.")


@strawberry.type(description="An item and its counterpart in another form.")
class MappedItem:
    item: str = strawberry.field(description="The item's number in this form.")
    other_item: str = strawberry.field(
        description="The corresponding item's number in the other form."
    )


@strawberry.type(
    description="How the items of one monitoring form map to another's (соответствие пунктов)."
)
class ItemMapping:
    other_form_id: strawberry.ID = strawberry.field(description="The other form.")
    pairs: list[MappedItem] = strawberry.field(
        description="The items that correspond, one pair each."
    )


@strawberry.type(description="A monitoring form (форма мониторинга) in its latest version.")
class FormTemplate:
    id: strawberry.ID = strawberry.field(description="The form's id (the same over its versions).")
    version: int = strawberry.field(
        description="The form's version number; a version a campaign runs never changes."
    )
    title: str = strawberry.field(description="The form's title.")
    owner_id: strawberry.ID = strawberry.field(
        description="The region, institute or municipality that keeps the form."
    )
    in_use: bool = strawberry.field(description="Версия используется в кампании и не меняется")
    sections: list[FormSection] = strawberry.field(description="The form's sections, in order.")
    mappings: list[ItemMapping] = strawberry.field(
        description="How this form's items correspond to other forms' items."
    )


def _form(row: Any, mappings: list[Any]) -> FormTemplate:
    return FormTemplate(
        id=strawberry.ID(str(row["form_id"])),
        version=row["version"],
        title=row["title"],
        owner_id=strawberry.ID(str(row["owner_id"])),
        in_use=row["in_use"],
        sections=[_section(s) for s in json.loads(row["sections"])],
        mappings=[
            ItemMapping(
                other_form_id=strawberry.ID(str(m["other_id"])),
                pairs=[MappedItem(item=a, other_item=b) for a, b in json.loads(m["pairs"])],
            )
            for m in mappings
            if m["form_id"] == row["form_id"]
        ],
    )


def _section(section: dict[str, Any]) -> FormSection:
    return FormSection(
        number=section["number"],
        title=section["title"],
        items=[
            FormItem(
                number=i["number"],
                text=i["text"],
                kind=i["kind"],
                kind_name=CAMPAIGN_ITEM_KIND_NAMES[i["kind"]],
                required=i["required"],
                options=i["options"],
                source=i["source"],
                source_name=COMPUTED_SOURCE_NAMES.get(i["source"] or ""),
                requirements=[FormRequirement(**r) for r in i["requirements"]],
            )
            for i in section["items"]
        ],
    )


def shown(value: Any) -> str | None:
    """An answer as a person reads it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return f"{value[8:]}.{value[5:7]}.{value[:4]}"
    return str(value)


@strawberry.type(description="One item's answer in a campaign submission (ответ на пункт формы).")
class CampaignAnswer:
    number: str = strawberry.field(
        description="The form item's number, as the region numbers it («1.5.3»)."
    )
    value: str | None = strawberry.field(description="Ответ в JSON: true/false, число, текст")
    shown: str | None = strawberry.field(description="Ответ, как его читают")
    evidence: str | None = strawberry.field(
        description="The evidence the organisation gives for the answer (a document, a link)."
    )
    computed: str | None = strawberry.field(description="Значение платформы, как предложено")
    comment: str | None = strawberry.field(description="Почему значение платформы исправлено")


def _answers(raw: str | None) -> list[CampaignAnswer]:
    return [
        CampaignAnswer(
            number=a["number"],
            value=None if a["value"] is None else json.dumps(a["value"], ensure_ascii=False),
            shown=shown(a["value"]),
            evidence=a["evidence"],
            computed=shown(a["computed"]),
            comment=a["comment"],
        )
        for a in json.loads(raw or "[]")
    ]


@strawberry.type(description="One step of a campaign submission's history (запись истории ответа).")
class SubmissionEntry:
    action: str = strawberry.field(
        description="What happened: `draft`, `submitted`, `review`, `returned` or `accepted`."
    )
    number: str | None = strawberry.field(description="The item reviewed, for a review step.")
    verdict: str | None = strawberry.field(
        description="The review's verdict (accepted, not, partly) as a code."
    )
    verdict_name: str | None = strawberry.field(description="The verdict in Russian words.")
    missing: list[str] = strawberry.field(
        description="For a partly accepted item, the sub-requirements missing."
    )
    text: str | None = strawberry.field(description="Рекомендация или комментарий")
    submitted_on: date | None = strawberry.field(description="For a submission, its day.")
    late: bool | None = strawberry.field(description="For a submission, it came after the window.")
    actor_role: str = strawberry.field(description="The role that made the step, as a code.")
    actor_role_name: str = strawberry.field(description="The role in Russian words.")
    at: str = strawberry.field(description="When the step was made (ISO 8601).")


def _entry(row: Any) -> SubmissionEntry:
    return SubmissionEntry(
        action=row["action"],
        number=row["number"],
        verdict=row["verdict"],
        verdict_name=VERDICT_NAMES.get(row["verdict"] or ""),
        missing=list(row["missing"] or []),
        text=row["text"],
        submitted_on=row["submitted_on"],
        late=row["late"],
        actor_role=row["actor_role"],
        actor_role_name=ROLE_NAMES[Role(row["actor_role"])],
        at=row["at"].isoformat(),
    )


@strawberry.type(
    description="One organisation's answer to a monitoring campaign (ответ организации)."
)
class CampaignSubmission:
    id: strawberry.ID = strawberry.field(description="The submission's id.")
    organisation_id: strawberry.ID = strawberry.field(description="The organisation that answers.")
    organisation_name: str = strawberry.field(description="The answering organisation's name.")
    status: str = strawberry.field(
        description="The submission's status (draft, submitted, returned, accepted) as a code."
    )
    status_name: str = strawberry.field(description="The submission's status in Russian words.")
    submitted_on: date | None = strawberry.field(description="День последней отправки")
    late: bool | None = strawberry.field(
        description="The last submission came after the window; null before any submission."
    )
    first_submitted_on: date | None = strawberry.field(description="День первой отправки")
    first_late: bool | None = strawberry.field(description="Первая отправка после окна")
    submissions: int = strawberry.field(
        description="How many times the organisation has submitted (resubmissions counted)."
    )
    conclusion: str | None = strawberry.field(
        description="The reviewers' conclusion on the whole submission, if any."
    )
    answers: list[CampaignAnswer] = strawberry.field(
        description="Ответы, как отправлены (или черновик)"
    )
    submitted_answers: list[CampaignAnswer] = strawberry.field(
        description="Ответы последней отправки, как они заморожены"
    )
    history: list[SubmissionEntry] = strawberry.field(
        description="Черновики, отправки, проверки пунктов, возвраты и принятие — по порядку"
    )


async def _submissions(reader: Reader, campaign_id: UUID, organisation: UUID | None) -> list[Any]:
    async with reader.session() as fetch:
        rows = await fetch(
            "SELECT s.*, o.name FROM campaign_submissions s JOIN organisations o"
            " ON o.id = s.organisation_id WHERE s.campaign_id = $1"
            " AND ($2::uuid IS NULL OR s.organisation_id = $2) ORDER BY o.name",
            campaign_id,
            organisation,
        )
        entries = await fetch(
            "SELECT * FROM campaign_entries WHERE submission_id = ANY($1::uuid[])"
            " ORDER BY position",
            [r["id"] for r in rows],
        )
    return [
        CampaignSubmission(
            id=strawberry.ID(str(r["id"])),
            organisation_id=strawberry.ID(str(r["organisation_id"])),
            organisation_name=r["name"],
            status=r["status"],
            status_name=SUBMISSION_STATUS_NAMES[r["status"]],
            submitted_on=r["submitted_on"],
            late=r["late"],
            first_submitted_on=r["first_submitted_on"],
            first_late=r["first_late"],
            submissions=r["submissions"],
            conclusion=r["conclusion"],
            answers=_answers(r["answers"]),
            submitted_answers=_answers(_last_submitted(entries, r["id"])),
            history=[_entry(e) for e in entries if e["submission_id"] == r["id"]],
        )
        for r in rows
    ]


def _last_submitted(entries: list[Any], submission: UUID) -> str | None:
    sent = [e for e in entries if e["submission_id"] == submission and e["action"] == "submitted"]
    return sent[-1]["answers"] if sent else None


@strawberry.type(
    description=(
        "A value the platform computes for a form item on the reporting day (вычисляемый пункт)."
    )
)
class ComputedValue:
    number: str = strawberry.field(description="The form item's number.")
    source: str = strawberry.field(
        description="What the platform computes for the item (mentors, coverage…) as a code."
    )
    source_name: str = strawberry.field(description="What the platform computes, in Russian words.")
    value: str | None = strawberry.field(description="Значение в JSON на отчётную дату")
    shown: str | None = strawberry.field(
        description="The value as people read it; null when there is none."
    )
    note: str | None = strawberry.field(description="Почему значения нет")


async def computed_values(
    reader: Reader, organisation: Any, items: list[FormItem], on: date
) -> list[ComputedValue]:
    """What the platform knows of the organisation on the reference date, for each computed
    item of the form."""
    wanted = [i for i in items if i.source is not None]
    if not wanted:
        return []
    year = school_year_of(on)
    path = str(organisation["tenant"])
    async with reader.session() as fetch:
        counts = (await measure(fetch, path, 3, year, on)).get(path)
    roadmap = await load_roadmap(reader, organisation["id"], year, on)
    values: dict[str, tuple[Any, str | None]] = {}
    for source in {i.source for i in wanted if i.source}:
        values[source] = _computed(source, counts, roadmap, on)
    return [
        ComputedValue(
            number=i.number,
            source=i.source or "",
            source_name=COMPUTED_SOURCE_NAMES[i.source or ""],
            value=None
            if values[i.source or ""][0] is None
            else json.dumps(values[i.source or ""][0]),
            shown=shown(values[i.source or ""][0]),
            note=values[i.source or ""][1],
        )
        for i in wanted
    ]


def _computed(
    source: str, counts: dict[str, Any] | None, roadmap: Any, on: date
) -> tuple[Any, str | None]:
    if source == "implementation_order":
        return roadmap is not None and roadmap.order_date <= on, None
    if source == "roadmap_completion":
        if roadmap is None or not roadmap.items:
            return None, "нет дорожной карты"
        return float(roadmap.completion()), None
    if source in INDICATORS_BY_CODE:
        value = indicator_value(INDICATORS_BY_CODE[source], counts, on, None)
        return value.value, value.note
    return (int(counts[source]) if counts else 0), None


@strawberry.type(
    description="One organisation's place in a campaign's results (итоги организации)."
)
class OrganisationResult:
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    name: str = strawberry.field(description="The organisation's name.")
    municipality: str = strawberry.field(description="The organisation's municipality.")
    status: str = strawberry.field(
        description="Its submission's status as a code (never started included)."
    )
    status_name: str = strawberry.field(description="Its submission's status in Russian words.")
    submitted_on: date | None = strawberry.field(description="День первой отправки")
    late: bool | None = strawberry.field(
        description="Its first submission came after the window; null before any submission."
    )


@strawberry.type(description="How many organisations gave one answer to an item.")
class ItemAnswerCount:
    shown: str = strawberry.field(description="The answer as people read it (да, нет, a choice).")
    count: int = strawberry.field(description="How many submissions gave it.")


@strawberry.type(description="One form item's results over a campaign (итоги по пункту).")
class ItemResult:
    number: str = strawberry.field(description="The item's number.")
    text: str = strawberry.field(description="The item's text.")
    kind_name: str = strawberry.field(description="The item's answer kind in Russian words.")
    answered: int = strawberry.field(description="Отправленных ответов на пункт")
    counts: list[ItemAnswerCount] = strawberry.field(
        description="Да / нет и варианты выбора: сколько раз"
    )
    total: float | None = strawberry.field(description="Сумма чисел")
    mean: float | None = strawberry.field(description="Среднее чисел")
    accepted: int = strawberry.field(description="Принято проверяющим")


@strawberry.type(
    description="A monitoring campaign's results in one municipality (итоги по муниципалитету)."
)
class MunicipalityResult:
    municipality: str = strawberry.field(description="The municipality's name.")
    targeted: int = strawberry.field(description="Its organisations the campaign targets.")
    submitted: int = strawberry.field(description="Of them, those that submitted.")
    on_time: int = strawberry.field(
        description="Of them, those whose first submission came within the window."
    )
    late: int = strawberry.field(
        description="Of them, those whose first submission came after the window."
    )
    not_submitted: int = strawberry.field(
        description="Of them, those that have not submitted (drafts included)."
    )
    never_started: int = strawberry.field(description="Of them, those that never started.")


@strawberry.type(
    description="A monitoring campaign's results (итоги кампании) over the organisations it covers."
)
class CampaignResults:
    targeted: int = strawberry.field(description="Организаций в охвате (в вашей области)")
    submitted: int = strawberry.field(description="Organisations that have submitted.")
    on_time: int = strawberry.field(
        description="Organisations whose first submission came within the window."
    )
    late: int = strawberry.field(
        description="Organisations whose first submission came after the window."
    )
    in_draft: int = strawberry.field(description="Начали, но не отправили")
    never_started: int = strawberry.field(
        description="Organisations that never started a submission."
    )
    returned: int = strawberry.field(
        description="Submissions returned for revision and not yet resubmitted."
    )
    accepted: int = strawberry.field(description="Submissions the reviewers accepted.")
    organisations: list[OrganisationResult] = strawberry.field(
        description="Each targeted organisation with its submission's status."
    )
    items: list[ItemResult] = strawberry.field(
        description="Each form item's answers counted over the submissions."
    )
    municipalities: list[MunicipalityResult] = strawberry.field(
        description="The results counted per municipality."
    )


# The organisations a campaign targets inside the caller's scope, and the municipalities (and
# the region's own node) they may sit under, each by name.
TARGETED = """
SELECT id, name, tenant::text AS path FROM organisations
WHERE tenant <@ $1::ltree AND kind = ANY($2::text[]) AND nlevel(tenant) > 1 ORDER BY name
"""
MUNICIPALITIES = """
SELECT tenant::text AS path, name FROM organisations
WHERE kind IN ('municipality', 'regional') ORDER BY name
"""


async def targeted(fetch: Fetch, scope: str, kinds: list[str]) -> list[dict[str, Any]]:
    """The targeted organisations with their municipality's name, by municipality then name
    (the server's collation, as `ORDER BY` gives them). Matched here, not joined in SQL: under
    row-level security the join scanned the caller's scope once per organisation (2,000
    schools: 347 ms; bench/README.md)."""
    municipalities = await fetch(MUNICIPALITIES)
    place = {row["path"]: (rank, row["name"]) for rank, row in enumerate(municipalities)}
    unplaced = (len(place), "")  # as NULLS LAST: after every municipality
    found = []
    for row in await fetch(TARGETED, scope, kinds):
        rank, municipality = place.get(".".join(row["path"].split(".")[:2]), unplaced)
        found.append((rank, {"id": row["id"], "name": row["name"], "municipality": municipality}))
    return [organisation for _, organisation in sorted(found, key=lambda pair: pair[0])]


# Each submission's state, with the answers it last submitted (frozen: not a later draft).
SUBMITTED = """
SELECT s.organisation_id, s.status, s.first_submitted_on, s.first_late, e.answers
FROM campaign_submissions s LEFT JOIN LATERAL (
    SELECT answers FROM campaign_entries
    WHERE submission_id = s.id AND action = 'submitted' ORDER BY position DESC LIMIT 1
) e ON true
WHERE s.campaign_id = $1
"""


async def campaign_results(reader: Reader, campaign: Any, items: list[FormItem]) -> CampaignResults:
    scope = reader.caller().scope.path
    target = str(campaign["tenant"])
    inner = scope if scope.startswith(target) else target
    async with reader.session() as fetch:
        targeted_ones = await targeted(fetch, inner, campaign["target_kinds"])
        submissions = {r["organisation_id"]: r for r in await fetch(SUBMITTED, campaign["id"])}
        reviews = await fetch(
            "SELECT DISTINCT ON (submission_id, number) number, verdict FROM campaign_entries"
            " WHERE campaign_id = $1 AND action = 'review'"
            " ORDER BY submission_id, number, position DESC",
            campaign["id"],
        )
    rows = [_result(t, submissions.get(t["id"])) for t in targeted_ones]
    sent = [submissions[t["id"]] for t in targeted_ones if t["id"] in submissions]
    frozen = [s for s in sent if s["first_submitted_on"] is not None]
    return CampaignResults(
        targeted=len(rows),
        submitted=len(frozen),
        on_time=sum(1 for s in frozen if not s["first_late"]),
        late=sum(1 for s in frozen if s["first_late"]),
        in_draft=sum(1 for s in sent if s["first_submitted_on"] is None),
        never_started=sum(1 for r in rows if r.status == "not_started"),
        returned=sum(1 for s in sent if s["status"] == "returned"),
        accepted=sum(1 for s in sent if s["status"] == "accepted"),
        organisations=rows,
        items=_item_results(items, frozen, reviews),
        municipalities=_by_municipality(rows),
    )


def _result(organisation: Any, submission: Any) -> OrganisationResult:
    status = submission["status"] if submission else "not_started"
    return OrganisationResult(
        organisation_id=strawberry.ID(str(organisation["id"])),
        name=organisation["name"],
        municipality=organisation["municipality"],
        status=status,
        status_name=SUBMISSION_STATUS_NAMES[status],
        submitted_on=submission["first_submitted_on"] if submission else None,
        late=submission["first_late"] if submission else None,
    )


def _item_results(items: list[FormItem], frozen: list[Any], reviews: list[Any]) -> list[ItemResult]:
    answers: dict[str, list[Any]] = {i.number: [] for i in items}
    for submission in frozen:
        for answer in json.loads(submission["answers"]):
            if answer["number"] in answers:
                answers[answer["number"]].append(answer["value"])
    return [
        _item_result(item, answers[item.number], [r for r in reviews if r["number"] == item.number])
        for item in items
    ]


def _item_result(item: FormItem, answers: list[Any], reviews: list[Any]) -> ItemResult:
    """One item's answers counted: yes / no and choices by answer, numbers summed."""
    values = [v for v in answers if v is not None]
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    counted: dict[str, int] = {}
    if item.kind in ("yes_no", "choice") or (values and isinstance(values[0], bool)):
        for value in values:
            counted[shown(value) or ""] = counted.get(shown(value) or "", 0) + 1
    return ItemResult(
        number=item.number,
        text=item.text,
        kind_name=item.kind_name,
        answered=len(values),
        counts=[ItemAnswerCount(shown=k, count=n) for k, n in sorted(counted.items())],
        total=float(sum(numbers)) if numbers else None,
        mean=round(sum(numbers) / len(numbers), 2) if numbers else None,
        accepted=sum(1 for r in reviews if r["verdict"] == "accepted"),
    )


def _by_municipality(rows: list[OrganisationResult]) -> list[MunicipalityResult]:
    groups: dict[str, list[OrganisationResult]] = {}
    for row in rows:
        groups.setdefault(row.municipality, []).append(row)
    return [
        MunicipalityResult(
            municipality=name,
            targeted=len(group),
            submitted=sum(1 for r in group if r.submitted_on is not None),
            on_time=sum(1 for r in group if r.submitted_on is not None and not r.late),
            late=sum(1 for r in group if r.late),
            not_submitted=sum(1 for r in group if r.submitted_on is None),
            never_started=sum(1 for r in group if r.status == "not_started"),
        )
        for name, group in groups.items()
    ]


@strawberry.type(
    description="One organisation's answers to an item in two campaigns (ответ тогда и сейчас)."
)
class ComparedAnswer:
    organisation_id: strawberry.ID = strawberry.field(description="Организация")
    name: str = strawberry.field(description="Её название")
    previous: str | None = strawberry.field(description="Ответ в прошлой кампании, как отправлен")
    current: str | None = strawberry.field(description="Ответ в этой кампании, как отправлен")


@strawberry.type(
    description=(
        "An item compared with its counterpart in a previous campaign's form, the same item or "
        "the one mapped to it (сопоставление пунктов)."
    )
)
class ComparedItem:
    number: str = strawberry.field(description="Пункт формы этой кампании")
    text: str = strawberry.field(description="Его текст")
    previous_number: str = strawberry.field(description="Пункт прошлой формы")
    previous_text: str = strawberry.field(description="Текст пункта прошлой формы")
    current: ItemResult = strawberry.field(description="Итоги пункта в этой кампании")
    previous: ItemResult = strawberry.field(description="Итоги пункта в прошлой кампании")
    organisations: list[ComparedAnswer] = strawberry.field(
        description="Организации, ответившие хотя бы в одной из двух кампаний"
    )


def item_pairs(
    form: FormTemplate, other: FormTemplate, mappings: list[Any]
) -> list[tuple[str, str]]:
    """Which item of `form` answers which of `other`: the same number on the same form, else
    the mapping between the two forms, whichever of them it was made on."""
    if form.id == other.id:
        theirs = {i.number for s in other.sections for i in s.items}
        return [(i.number, i.number) for s in form.sections for i in s.items if i.number in theirs]
    pairs: list[tuple[str, str]] = []
    for mapping in mappings:
        found = json.loads(mapping["pairs"])
        if (str(mapping["form_id"]), str(mapping["other_id"])) == (form.id, other.id):
            pairs += [(a, b) for a, b in found]
        elif (str(mapping["form_id"]), str(mapping["other_id"])) == (other.id, form.id):
            pairs += [(b, a) for a, b in found]
    return pairs


def _frozen_answers(rows: list[Any]) -> dict[Any, dict[str, Any]]:
    """Each organisation's answers as it last submitted them, by item."""
    return {
        r["organisation_id"]: {a["number"]: a["value"] for a in json.loads(r["answers"])}
        for r in rows
        if r["answers"] is not None
    }


async def campaign_comparison(
    reader: Reader, campaign: Campaign, previous: Campaign, mappings: list[Any]
) -> list[ComparedItem]:
    scope = reader.caller().scope.path
    target = str(campaign.row["tenant"])
    inner = scope if scope.startswith(target) else target
    async with reader.session() as fetch:
        targeted_ones = await targeted(fetch, inner, campaign.row["target_kinds"])
        now = _frozen_answers(await fetch(SUBMITTED, campaign.row["id"]))
        then = _frozen_answers(await fetch(SUBMITTED, previous.row["id"]))
    mine = {i.number: i for s in campaign.form.sections for i in s.items}
    theirs = {i.number: i for s in previous.form.sections for i in s.items}
    compared = []
    for own, foreign in item_pairs(campaign.form, previous.form, mappings):
        if own not in mine or foreign not in theirs:
            continue  # a mapping made on a later version than a campaign ran
        rows = [
            ComparedAnswer(
                organisation_id=strawberry.ID(str(t["id"])),
                name=t["name"],
                previous=shown(then.get(t["id"], {}).get(foreign)),
                current=shown(now.get(t["id"], {}).get(own)),
            )
            for t in targeted_ones
            if t["id"] in now or t["id"] in then
        ]
        compared.append(
            ComparedItem(
                number=own,
                text=mine[own].text,
                previous_number=foreign,
                previous_text=theirs[foreign].text,
                current=_item_result(mine[own], [a.get(own) for a in now.values()], []),
                previous=_item_result(theirs[foreign], [a.get(foreign) for a in then.values()], []),
                organisations=rows,
            )
        )
    return compared


@strawberry.type(
    description=(
        "A fix a municipality's order on a campaign's results orders (исправление по приказу), "
        "tracked to the next campaign's answer to the same or a mapped item."
    )
)
class OrderedFix:
    organisation_id: strawberry.ID = strawberry.field(description="Организация, которая исправляет")
    organisation_name: str = strawberry.field(description="Её название")
    number: str = strawberry.field(description="Пункт формы, который исправить")
    item_text: str = strawberry.field(description="Текст пункта")
    director: str = strawberry.field(description="Директор, как его называет приказ")
    due_on: date = strawberry.field(description="Срок исправления")
    status: str = strawberry.field(
        description="Whether it is fixed: `fixed`, `not_fixed` or `pending`"
    )
    status_name: str = strawberry.field(description="Исправлено ли — словами")
    next_campaign_id: strawberry.ID | None = strawberry.field(
        description="Следующая кампания, охватившая организацию и спросившая тот же пункт"
    )
    next_campaign_title: str | None = strawberry.field(description="Её название")
    next_number: str | None = strawberry.field(
        description="Пункт формы следующей кампании: тот же или сопоставленный"
    )
    next_answer: str | None = strawberry.field(description="Ответ на него, как отправлен")


@strawberry.type(
    description="A municipality's order on a campaign's results (приказ по итогам мониторинга)."
)
class FixOrder:
    id: strawberry.ID = strawberry.field(description="Приказ по итогам")
    municipality_id: strawberry.ID = strawberry.field(description="Муниципалитет, издавший его")
    municipality_name: str = strawberry.field(description="Пусто для школы: она не читает его")
    act_number: str = strawberry.field(description="Номер приказа")
    act_date: date = strawberry.field(description="Дата приказа")
    act: Act | None = strawberry.field(description="Приказ из реестра актов, если он внесён туда")
    fixes: list[OrderedFix] = strawberry.field(
        description="Исправления, которые он назначил (школе — только свои)"
    )


@dataclass(frozen=True)
class _Later:
    """The campaigns after one, with what organisations last submitted to them and the last
    verdict on each of their items."""

    campaigns: list[Campaign]
    answers: dict[tuple[Any, Any], dict[str, Any]]
    verdicts: dict[tuple[Any, Any, str], str]
    mappings: list[Any]


LATER_ANSWERS = """
SELECT s.campaign_id, s.organisation_id, e.answers, (
    SELECT coalesce(jsonb_object_agg(v.number, v.verdict), '{}') FROM (
        SELECT DISTINCT ON (number) number, verdict FROM campaign_entries
        WHERE submission_id = s.id AND action = 'review' ORDER BY number, position DESC) v
) AS verdicts
FROM campaign_submissions s JOIN LATERAL (
    SELECT answers FROM campaign_entries
    WHERE submission_id = s.id AND action = 'submitted' ORDER BY position DESC LIMIT 1
) e ON true
WHERE s.campaign_id = ANY($1::uuid[]) AND s.organisation_id = ANY($2::uuid[])
"""


async def _later(reader: Reader, after: date, organisations: list[Any]) -> _Later:
    rows = await reader.fetch(
        "SELECT * FROM campaigns WHERE window_from > $1 ORDER BY window_from, id", after
    )
    forms = await _load_forms(reader, [(r["form_id"], r["form_version"]) for r in rows])
    found = await reader.fetch(LATER_ANSWERS, [r["id"] for r in rows], organisations)
    return _Later(
        campaigns=[_campaign(r, forms) for r in rows],
        answers={
            (r["campaign_id"], r["organisation_id"]): {
                a["number"]: a["value"] for a in json.loads(r["answers"])
            }
            for r in found
        },
        verdicts={
            (r["campaign_id"], r["organisation_id"], number): verdict
            for r in found
            for number, verdict in json.loads(r["verdicts"]).items()
        },
        mappings=forms.mappings,
    )


def _tracked(fix: Any, campaign: Campaign, items: dict[str, FormItem], later: _Later) -> OrderedFix:
    """The fix as the next campaign that covered the organisation and asked the same item (or
    its mapped one) found it: fixed when the answer says so and no reviewer refused it."""
    status, found, own, value = "pending", None, None, None
    for candidate in later.campaigns:
        covers = str(fix["org_tenant"]).startswith(str(candidate.row["tenant"])) and (
            fix["kind"] in candidate.target_kinds
        )
        pairs = item_pairs(candidate.form, campaign.form, later.mappings)
        own = next((a for a, b in pairs if b == fix["number"]), None)
        if covers and own is not None:
            found = candidate
            break
    if found is not None and own is not None:
        answers = later.answers.get((found.row["id"], fix["organisation_id"]))
        if answers is not None:
            value = answers.get(own)
            verdict = later.verdicts.get((found.row["id"], fix["organisation_id"], own))
            done = value not in (None, False, "") and verdict not in ("not_accepted", "partly")
            status = "fixed" if done else "not_fixed"
    return OrderedFix(
        organisation_id=strawberry.ID(str(fix["organisation_id"])),
        organisation_name=fix["name"],
        number=fix["number"],
        item_text=items[fix["number"]].text if fix["number"] in items else "",
        director=fix["director"],
        due_on=fix["due_on"],
        status=status,
        status_name=FIX_STATUS_NAMES[status],
        next_campaign_id=strawberry.ID(str(found.id)) if found else None,
        next_campaign_title=found.title if found else None,
        next_number=own if found else None,
        next_answer=shown(value),
    )


async def fix_orders(reader: Reader, campaign: Campaign) -> list[FixOrder]:
    async with reader.session() as fetch:
        orders = await fetch(
            # a school does not read its municipality's row: the name stays empty for it
            "SELECT f.*, coalesce(m.name, '') AS name FROM campaign_fix_orders f"
            " LEFT JOIN organisations m ON m.id = f.municipality_id WHERE f.campaign_id = $1"
            " ORDER BY f.act_date, m.name",
            campaign.row["id"],
        )
        fixes = await fetch(
            "SELECT x.*, o.name, o.tenant AS org_tenant, o.kind FROM campaign_fixes x"
            " JOIN organisations o ON o.id = x.organisation_id WHERE x.campaign_id = $1"
            " ORDER BY o.name, x.number",
            campaign.row["id"],
        )
        acts = await fetch(
            "SELECT * FROM acts WHERE id = ANY($1::uuid[])",
            [o["act_id"] for o in orders if o["act_id"] is not None],
        )
    if not orders:
        return []
    later = await _later(reader, campaign.window_to, list({f["organisation_id"] for f in fixes}))
    items = {i.number: i for s in campaign.form.sections for i in s.items}
    registered = {a["id"]: Act.from_row(a) for a in acts}
    return [
        FixOrder(
            id=strawberry.ID(str(o["id"])),
            municipality_id=strawberry.ID(str(o["municipality_id"])),
            municipality_name=o["name"],
            act_number=o["act_number"],
            act_date=o["act_date"],
            act=registered.get(o["act_id"]),
            fixes=[_tracked(f, campaign, items, later) for f in fixes if f["order_id"] == o["id"]],
        )
        for o in orders
    ]


@strawberry.type(
    description=(
        "A monitoring campaign (кампания мониторинга): a form that organisations answer within a "
        "window."
    )
)
class Campaign:
    id: strawberry.ID = strawberry.field(description="The campaign's id.")
    title: str = strawberry.field(description="The campaign's title.")
    act_number: str = strawberry.field(
        description="The number of the act that announced the campaign."
    )
    act_date: date = strawberry.field(
        description="The date of the act that announced the campaign."
    )
    window_from: date = strawberry.field(
        description="The first day organisations may submit (in the region's calendar)."
    )
    window_to: date = strawberry.field(
        description="The last day a submission counts as on time (in the region's calendar)."
    )
    reference_date: date = strawberry.field(
        description="The reporting day (отчётная дата) the answers and computed values describe."
    )
    target_kinds: list[str] = strawberry.field(
        description="The kinds of organisation that answer the campaign (schools, partners)."
    )
    reviewer_roles: list[str] = strawberry.field(
        description="The roles that review the submissions, as codes."
    )
    reviewer_role_names: list[str] = strawberry.field(
        description="The reviewing roles in Russian words."
    )
    municipality_submits: bool = strawberry.field(
        description="The municipality submits for its schools instead of each school itself."
    )
    form: FormTemplate = strawberry.field(
        description="The version of the monitoring form the campaign runs."
    )
    row: strawberry.Private[Any]

    @strawberry.field(
        description=(
            "Приказ о проведении мониторинга из реестра актов, если он внесён туда и виден вам; "
            "иначе — только номер и дата"
        )
    )
    async def act(self, info: ReaderInfo) -> Act | None:
        if self.row["act_id"] is None:
            return None
        rows = await reader_of(info).fetch("SELECT * FROM acts WHERE id = $1", self.row["act_id"])
        return Act.from_row(rows[0]) if rows else None

    @strawberry.field(description="Окно открыто в этот день (по умолчанию — сегодня)")
    def is_open(self, on: On = None) -> bool:
        return self.window_from <= (on or region_today()) <= self.window_to

    @strawberry.field(description="Ответы организаций вашей области (школа — свой)")
    async def submissions(self, info: ReaderInfo) -> list[CampaignSubmission]:
        return await _submissions(reader_of(info), self.row["id"], None)

    @strawberry.field(description="Ответ одной организации, если она начала его")
    async def submission(
        self, info: ReaderInfo, organisation_id: OneOrganisation
    ) -> CampaignSubmission | None:
        found = await _submissions(reader_of(info), self.row["id"], uuid_of(organisation_id))
        return found[0] if found else None

    @strawberry.field(description="Значения платформы для вычисляемых пунктов на отчётную дату")
    async def computed_values(
        self, info: ReaderInfo, organisation_id: OneOrganisation
    ) -> list[ComputedValue]:
        reader = reader_of(info)
        found = await reader.fetch(
            "SELECT id, tenant FROM organisations WHERE id = $1", uuid_of(organisation_id)
        )
        if not found:
            raise NotFound("organisation_not_found", "Организация не найдена")
        items = [i for s in self.form.sections for i in s.items]
        return await computed_values(reader, found[0], items, self.reference_date)

    @strawberry.field(description="Итоги: кто отправил вовремя, с опозданием, кто не приступил")
    async def results(self, info: ReaderInfo) -> CampaignResults:
        items = [i for s in self.form.sections for i in s.items]
        return await campaign_results(reader_of(info), self.row, items)

    @strawberry.field(
        description=(
            "Приказы муниципалитетов по итогам кампании (в вашей области) и исправления, "
            "которые они назначили, — исправлено ли к следующей кампании"
        )
    )
    async def fix_orders(self, info: ReaderInfo) -> list[FixOrder]:
        return await fix_orders(reader_of(info), self)

    @strawberry.field(
        description=(
            "Ответы этой кампании рядом с ответами прошлой: тот же пункт той же формы или "
            "сопоставленный пункт другой формы"
        )
    )
    async def comparison(
        self,
        info: ReaderInfo,
        previous_campaign_id: Annotated[
            strawberry.ID, strawberry.argument(description="The previous campaign's id.")
        ],
    ) -> list[ComparedItem]:
        reader = reader_of(info)
        previous = await campaign(info, previous_campaign_id)
        mappings = await reader.fetch("SELECT * FROM campaign_form_mappings")
        return await campaign_comparison(reader, self, previous, mappings)


@dataclass(frozen=True)
class _Forms:
    rows: list[Any]
    mappings: list[Any]


async def _load_forms(reader: Reader, keys: list[tuple[UUID, int]] | None) -> _Forms:
    async with reader.session() as fetch:
        rows = await fetch(
            "SELECT * FROM campaign_forms ORDER BY title, form_id, version"
            if keys is None
            else "SELECT * FROM campaign_forms WHERE form_id = ANY($1::uuid[])"
            " ORDER BY form_id, version",
            *([] if keys is None else [[k for k, _ in keys]]),
        )
        mappings = await fetch("SELECT * FROM campaign_form_mappings")
    return _Forms(rows, mappings)


async def form_templates(info: ReaderInfo) -> list[FormTemplate]:
    """Формы мониторинга вашего региона и муниципалитета: последняя версия каждой."""
    forms = await _load_forms(reader_of(info), None)
    latest: dict[Any, Any] = {}
    for row in forms.rows:
        latest[row["form_id"]] = row
    return [_form(row, forms.mappings) for row in latest.values()]


def _campaign(row: Any, forms: _Forms) -> Campaign:
    form = next(
        r
        for r in forms.rows
        if r["form_id"] == row["form_id"] and r["version"] == row["form_version"]
    )
    return Campaign(
        id=strawberry.ID(str(row["id"])),
        title=row["title"],
        act_number=row["act_number"],
        act_date=row["act_date"],
        window_from=row["window_from"],
        window_to=row["window_to"],
        reference_date=row["reference_date"],
        target_kinds=list(row["target_kinds"]),
        reviewer_roles=list(row["reviewer_roles"]),
        reviewer_role_names=[ROLE_NAMES[Role(r)] for r in row["reviewer_roles"]],
        municipality_submits=row["municipality_submits"],
        form=_form(form, forms.mappings),
        row=row,
    )


async def campaigns(
    info: ReaderInfo,
    organisation_id: OrganisationId = None,
    open_on: Annotated[
        date | None,
        strawberry.argument(
            description="Only campaigns whose answering window (окно ответа) is open on this day."
        ),
    ] = None,
) -> list[Campaign]:
    """Кампании мониторинга, которые вы проводите или в которых отвечаете; `organisationId` —
    только охватывающие эту организацию, `openOn` — с окном, открытым в этот день."""
    reader = reader_of(info)
    organisation = None
    if organisation_id is not None:
        found = await reader.fetch(
            "SELECT tenant, kind FROM organisations WHERE id = $1", uuid_of(organisation_id)
        )
        if not found:
            raise NotFound("organisation_not_found", "Организация не найдена")
        organisation = found[0]
    rows = await reader.fetch(
        "SELECT * FROM campaigns WHERE ($1::ltree IS NULL OR ($1::ltree <@ tenant"
        " AND $2 = ANY(target_kinds))) AND ($3::date IS NULL OR $3 BETWEEN window_from AND"
        " window_to) ORDER BY window_to DESC, title",
        organisation["tenant"] if organisation else None,
        organisation["kind"] if organisation else None,
        open_on,
    )
    forms = await _load_forms(reader, [(r["form_id"], r["form_version"]) for r in rows])
    return [_campaign(row, forms) for row in rows]


async def campaign(info: ReaderInfo, id: Id) -> Campaign:
    """Одна кампания мониторинга."""
    reader = reader_of(info)
    rows = await reader.fetch("SELECT * FROM campaigns WHERE id = $1", uuid_of(id))
    if not rows:
        raise NotFound("campaign_not_found", "Кампания мониторинга не найдена")
    forms = await _load_forms(reader, [(rows[0]["form_id"], rows[0]["form_version"])])
    return _campaign(rows[0], forms)
