"""Monitoring campaigns on a region's own forms: a form template (versioned sections and items
with their own numbering), a campaign that runs one version of it over a subtree in a window,
and each targeted organisation's submission — drafts, a frozen submission stamped on time or
late, reviews item by item, returned and resubmitted with its history kept.

Events hold plain values (a form's items and a submission's answers as lists of dicts), the
shape the published contracts in `services/registry/events.py` describe."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from services.registry import events
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import Conflict, InvalidInput, PermissionDenied, RuleViolated

from ..labels import CAMPAIGN_ITEM_KIND_NAMES, COMPUTED_SOURCE_NAMES

_NAMESPACE = uuid5(NAMESPACE_URL, "nastavnik:campaigns")
_NUMBER = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
_URL = re.compile(r"^https?://\S+$")


class ItemKind(StrEnum):
    YES_NO = "yes_no"  # yes or no, with its evidence
    LINK = "link"  # a link to a published document
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    TEXT = "text"
    FILE = "file"  # a reference to a file the school keeps
    COMPUTED = "computed"  # the platform's value, confirmed or corrected with a comment


class SubmissionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    PARTLY = "partly"  # naming the sub-requirements that are missing


def submission_id(campaign_id: UUID, organisation_id: UUID) -> UUID:
    """One submission per campaign and organisation: the id follows from both."""
    return uuid5(_NAMESPACE, f"submission:{campaign_id}:{organisation_id}")


def _number(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _NUMBER.match(value):
        raise InvalidInput(
            "item_number_invalid",
            f"{where}: номер должен быть вида «1», «1.5» или «1.5.3»",
            number=str(value),
        )
    return value


def check_sections(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A form's sections as stored: numbers unique and well-formed, each item's kind with what
    it needs (a choice its options, a computed value its source)."""
    if not sections or not any(section["items"] for section in sections):
        raise InvalidInput("form_empty", "В форме нет ни одного пункта")
    numbers: set[str] = set()
    checked: list[dict[str, Any]] = []
    for section in sections:
        if any(section["number"] == other["number"] for other in checked):
            raise InvalidInput(
                "section_number_repeated",
                f"Раздел {section['number']} указан дважды",
                number=section["number"],
            )
        items = [_item(item, numbers) for item in section["items"]]
        checked.append(
            {
                "number": _number(section["number"], "Раздел"),
                "title": section["title"],
                "items": items,
            }
        )
    return checked


def _item(item: dict[str, Any], numbers: set[str]) -> dict[str, Any]:
    number = _number(item["number"], "Пункт")
    if number in numbers:
        raise InvalidInput("item_number_repeated", f"Пункт {number} указан дважды", number=number)
    numbers.add(number)
    if item["kind"] not in ItemKind.__members__.values():
        raise InvalidInput("item_kind", f"Пункт {number}: неизвестный вид ответа", number=number)
    kind = ItemKind(item["kind"])
    options = list(item.get("options") or [])
    if (kind == ItemKind.CHOICE) != bool(options):
        raise InvalidInput(
            "item_options",
            f"Пункт {number}: варианты ответа задаются только для выбора, и для выбора — хотя бы"
            " один",
            number=number,
        )
    source = item.get("source")
    if (kind == ItemKind.COMPUTED) != (source is not None):
        raise InvalidInput(
            "item_source",
            f"Пункт {number}: источник значения задаётся только для вычисляемого пункта",
            number=number,
        )
    if source is not None and source not in COMPUTED_SOURCE_NAMES:
        raise InvalidInput(
            "item_source_unknown", f"Пункт {number}: неизвестный источник «{source}»", number=number
        )
    requirements = [_requirement(number, r, numbers) for r in item.get("requirements") or []]
    return {
        "number": number,
        "text": item["text"],
        "kind": str(kind),
        "required": bool(item.get("required", True)),
        "options": options,
        "source": source,
        "requirements": requirements,
    }


def _requirement(item: str, requirement: dict[str, Any], numbers: set[str]) -> dict[str, str]:
    number = _number(requirement["number"], "Требование")
    if not number.startswith(item + ".") or number in numbers:
        raise InvalidInput(
            "requirement_number",
            f"Требование {number} должно нумероваться внутри пункта {item} и не повторяться",
            number=number,
        )
    numbers.add(number)
    return {"number": number, "text": requirement["text"]}


def items_of(sections: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["number"]: item for section in sections for item in section["items"]}


class FormTemplate(TenantAggregate):
    """A monitoring form of a region, its institute or a municipality. A version that a
    campaign runs is never changed again: a change makes the next version."""

    @event("Drafted")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        owner_id: UUID,
        title: str,
        sections: list[dict[str, Any]],
    ) -> None:
        self.tenant = tenant
        self.owner_id = owner_id
        self.versions: dict[int, tuple[str, list[dict[str, Any]]]] = {1: (title, sections)}
        self.in_use: set[int] = set()
        self.mappings: dict[UUID, list[tuple[str, str]]] = {}

    @property
    def latest(self) -> int:
        return max(self.versions)

    def items(self, version: int) -> dict[str, dict[str, Any]]:
        return items_of(self.versions[version][1])

    def revise(
        self, actor: Actor, version: int, title: str, sections: list[dict[str, Any]]
    ) -> None:
        """Change the latest version while no campaign runs it."""
        if version != self.latest:
            raise Conflict(
                "form_version_stale",
                f"Изменять можно только последнюю версию формы ({self.latest})",
                version=version,
            )
        if version in self.in_use:
            raise RuleViolated(
                "form_in_use",
                f"Версия {version} формы уже используется в открытой кампании — сохраните"
                " изменения как новую версию",
                version=version,
            )
        self._revised(actor=actor, version=version, title=title, sections=check_sections(sections))

    def new_version(self, actor: Actor, title: str, sections: list[dict[str, Any]]) -> None:
        self._revised(
            actor=actor, version=self.latest + 1, title=title, sections=check_sections(sections)
        )

    @event("Revised")
    def _revised(
        self, actor: Actor, version: int, title: str, sections: list[dict[str, Any]]
    ) -> None:
        self.versions[version] = (title, sections)

    def use(self, actor: Actor, version: int) -> None:
        """A campaign opens on this version: from now on it is fixed."""
        if version not in self.versions:
            raise InvalidInput(
                "form_version_unknown", f"У формы нет версии {version}", version=version
            )
        if version not in self.in_use:
            self._used(actor=actor, version=version)

    @event("Used")
    def _used(self, actor: Actor, version: int) -> None:
        self.in_use.add(version)

    def map_items(self, actor: Actor, other: FormTemplate, pairs: list[tuple[str, str]]) -> None:
        """Which item of this form answers which item of another (1.2 ↔ 6), to compare answers
        across forms; numbers of the latest versions."""
        if other.id == self.id:
            raise InvalidInput("mapping_same_form", "Сопоставляются пункты двух разных форм")
        mine, theirs = self.items(self.latest), other.items(other.latest)
        for own, foreign in pairs:
            if own not in mine or foreign not in theirs:
                raise InvalidInput(
                    "mapping_item_unknown",
                    f"Нет пункта {own if own not in mine else foreign} в сопоставляемой форме",
                    number=own if own not in mine else foreign,
                )
        self._mapped(actor=actor, other_id=other.id, pairs=[list(p) for p in pairs])

    @event("ItemsMapped")
    def _mapped(self, actor: Actor, other_id: UUID, pairs: list[list[str]]) -> None:
        self.mappings[other_id] = [(a, b) for a, b in pairs]


class Campaign(TenantAggregate):
    """A monitoring announced by an act: one form's version, the organisations it targets (by
    kind, inside a subtree), a window of the region's calendar days (both counted), the date the
    computed values are taken on, and who reviews."""

    class Announced(TenantAggregate.Created):
        title: str
        form_id: UUID
        form_version: int
        act_number: str
        act_date: date
        act_id: UUID | None
        target_path: str
        target_kinds: list[str]
        window_from: date
        window_to: date
        reference_date: date
        reviewer_roles: list[str]
        municipality_submits: bool
        class_version = 2

        upcast_v1_v2 = staticmethod(events.announced_by_number)

    @event(Announced)
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        title: str,
        form_id: UUID,
        form_version: int,
        act_number: str,
        act_date: date,
        act_id: UUID | None,
        target_path: str,
        target_kinds: list[str],
        window_from: date,
        window_to: date,
        reference_date: date,
        reviewer_roles: list[str],
        municipality_submits: bool,
    ) -> None:
        self.tenant = tenant
        self.form_id = form_id
        self.form_version = form_version
        self.target_path = target_path
        self.target_kinds = list(target_kinds)
        self.window_from = window_from
        self.window_to = window_to
        self.reviewer_roles = list(reviewer_roles)
        self.municipality_submits = municipality_submits

    @staticmethod
    def check_window(window_from: date, window_to: date, act_date: date) -> None:
        if window_to < window_from:
            raise InvalidInput(
                "window_empty", "Окончание окна раньше его начала", field="window_to"
            )
        if act_date > window_from:
            raise InvalidInput(
                "act_after_window",
                "Приказ о проведении мониторинга датирован позже начала окна",
                field="act_date",
            )

    def targets(self, tenant: str, kind: str) -> bool:
        inside = tenant == self.target_path or tenant.startswith(self.target_path + ".")
        return inside and kind in self.target_kinds

    def check_reviewer(self, role: str) -> None:
        if role not in self.reviewer_roles:
            raise PermissionDenied(
                "reviewer_not_named",
                "Кампания не назначает вашу роль проверяющим",
                role=role,
            )


def check_answer(item: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """One answer as stored: its value of the item's kind, the evidence a «да» needs, a comment
    where a computed value is corrected."""
    number, kind, value = item["number"], ItemKind(item["kind"]), answer.get("value")
    name = CAMPAIGN_ITEM_KIND_NAMES[kind]

    def wrong(what: str) -> InvalidInput:
        return InvalidInput(
            "answer_kind", f"Пункт {number} ({name}): {what}", number=number, kind=str(kind)
        )

    if value is None:
        pass
    elif kind == ItemKind.YES_NO and not isinstance(value, bool):
        raise wrong("ответ — да или нет")
    elif kind == ItemKind.NUMBER and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        raise wrong("ответ — число")
    elif kind == ItemKind.LINK and not (isinstance(value, str) and _URL.match(value)):
        raise wrong("ответ — ссылка вида https://…")
    elif kind == ItemKind.DATE and not (isinstance(value, str) and _is_date(value)):
        raise wrong("ответ — дата ГГГГ-ММ-ДД")
    elif kind == ItemKind.CHOICE and value not in item["options"]:
        raise wrong("ответ — один из вариантов формы")
    elif kind in (ItemKind.TEXT, ItemKind.FILE) and not (isinstance(value, str) and value.strip()):
        raise wrong("ответ — непустой текст")
    elif kind == ItemKind.COMPUTED and not isinstance(value, bool | int | float):
        raise wrong("ответ — число или да/нет")
    computed = answer.get("computed") if kind == ItemKind.COMPUTED else None
    comment = answer.get("comment")
    if computed is not None and value is not None and value != computed and not comment:
        raise InvalidInput(
            "correction_comment_missing",
            f"Пункт {number}: значение платформы исправлено — объясните исправление в комментарии",
            number=number,
        )
    return {
        "number": number,
        "value": value,
        "evidence": answer.get("evidence"),
        "computed": computed,
        "comment": comment,
    }


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class Submission(TenantAggregate):
    """What one targeted organisation answers a campaign. Submitted, it is frozen — its answers
    (the computed values as they were) and the day, on time or late — until a reviewer returns
    it; every draft, submission and review stays in its history."""

    @event("Started")
    def __init__(
        self, id: UUID, tenant: str, actor: Actor, campaign_id: UUID, organisation_id: UUID
    ) -> None:
        self.tenant = tenant
        self.campaign_id = campaign_id
        self.organisation_id = organisation_id
        self.status = SubmissionStatus.DRAFT
        self.answers: dict[str, dict[str, Any]] = {}

    def check_editable(self) -> None:
        if self.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED):
            raise RuleViolated(
                "submission_frozen",
                "Ответ уже отправлен и не изменяется; исправить его можно, когда проверяющий"
                " вернёт его на доработку",
            )

    def save_draft(
        self, actor: Actor, items: dict[str, dict[str, Any]], answers: list[dict[str, Any]]
    ) -> None:
        self.check_editable()
        self._draft_saved(actor=actor, answers=_checked(items, answers))

    @event("DraftSaved")
    def _draft_saved(self, actor: Actor, answers: list[dict[str, Any]]) -> None:
        self.answers.update({a["number"]: a for a in answers})

    def submit(
        self,
        actor: Actor,
        items: dict[str, dict[str, Any]],
        answers: list[dict[str, Any]],
        campaign: Campaign,
        today: date,
    ) -> None:
        """Freeze the answers on the region's date `today`: on time up to the window's last day
        (counted in full), late after it; before the window opens, refused."""
        self.check_editable()
        if today < campaign.window_from:
            raise RuleViolated(
                "window_not_open",
                f"Окно мониторинга открывается {campaign.window_from:%d.%m.%Y}",
            )
        merged = self.answers | {a["number"]: a for a in _checked(items, answers)}
        missing = [n for n, item in items.items() if item["required"] and _empty(merged.get(n))]
        if missing:
            raise InvalidInput(
                "answers_missing",
                f"Не заполнены обязательные пункты: {', '.join(missing)}",
                numbers=missing,
            )
        self._submitted(
            actor=actor,
            answers=[merged[n] for n in items if n in merged],
            submitted_on=today,
            late=today > campaign.window_to,
        )

    @event("Submitted")
    def _submitted(
        self, actor: Actor, answers: list[dict[str, Any]], submitted_on: date, late: bool
    ) -> None:
        self.answers = {a["number"]: a for a in answers}
        self.status = SubmissionStatus.SUBMITTED

    def check_under_review(self) -> None:
        if self.status != SubmissionStatus.SUBMITTED:
            raise RuleViolated(
                "submission_not_submitted", "Проверять можно только отправленный ответ"
            )

    def review_item(
        self,
        actor: Actor,
        item: dict[str, Any],
        verdict: Verdict,
        missing: list[str],
        recommendation: str | None,
    ) -> None:
        self.check_under_review()
        number = item["number"]
        known = {r["number"] for r in item["requirements"]}
        if verdict == Verdict.PARTLY and not missing:
            raise InvalidInput(
                "missing_requirements",
                f"Пункт {number} принят частично — назовите невыполненные требования",
                number=number,
            )
        if verdict != Verdict.PARTLY and missing:
            raise InvalidInput(
                "missing_requirements",
                "Невыполненные требования называются только при частичном принятии",
                number=number,
            )
        unknown = [m for m in missing if m not in known]
        if unknown:
            raise InvalidInput(
                "requirement_unknown",
                f"У пункта {number} нет требования {unknown[0]}",
                number=unknown[0],
            )
        if verdict != Verdict.ACCEPTED and not recommendation:
            raise InvalidInput(
                "recommendation_missing",
                f"Пункт {number} не принят полностью — дайте рекомендацию",
                number=number,
            )
        self._item_reviewed(
            actor=actor,
            number=number,
            verdict=str(verdict),
            missing=missing,
            recommendation=recommendation,
        )

    @event("ItemReviewed")
    def _item_reviewed(
        self,
        actor: Actor,
        number: str,
        verdict: str,
        missing: list[str],
        recommendation: str | None,
    ) -> None:
        pass

    def conclude(self, actor: Actor, accepted: bool, comment: str | None) -> None:
        """Accept the whole, or return it for revision (with what to revise)."""
        self.check_under_review()
        if not accepted and not comment:
            raise InvalidInput(
                "return_comment_missing", "Напишите, что доработать", field="comment"
            )
        if accepted:
            self._accepted(actor=actor, comment=comment)
        else:
            self._returned(actor=actor, comment=comment)

    @event("Accepted")
    def _accepted(self, actor: Actor, comment: str | None) -> None:
        self.status = SubmissionStatus.ACCEPTED

    @event("Returned")
    def _returned(self, actor: Actor, comment: str | None) -> None:
        self.status = SubmissionStatus.RETURNED


def _checked(
    items: dict[str, dict[str, Any]], answers: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    numbers = [a["number"] for a in answers]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput("answer_repeated", "Пункт формы указан дважды")
    checked = []
    for answer in answers:
        item = items.get(answer["number"])
        if item is None:
            raise InvalidInput(
                "item_unknown", f"В форме нет пункта {answer['number']}", number=answer["number"]
            )
        checked.append(check_answer(item, answer))
    return checked


def _empty(answer: dict[str, Any] | None) -> bool:
    return answer is None or answer["value"] is None


def fix_order_id(campaign_id: UUID, municipality_id: UUID) -> UUID:
    """One order on a campaign's results per municipality: the id follows from both."""
    return uuid5(_NAMESPACE, f"fix-order:{campaign_id}:{municipality_id}")


class FixOrder(TenantAggregate):
    """A municipality's order on a campaign's results (приказ по итогам мониторинга): the act
    and the fixes it orders — which organisation fixes which item of the form by when, its
    director named as the order names them. Whether each was fixed is read from the next
    campaign's answer to the same or a mapped item."""

    @event("Issued")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        campaign_id: UUID,
        municipality_id: UUID,
        act_id: UUID | None,
        act_number: str,
        act_date: date,
        fixes: list[dict[str, Any]],
    ) -> None:
        self.tenant = tenant
        self.campaign_id = campaign_id

    @staticmethod
    def check_fixes(
        items: dict[str, dict[str, Any]], act_date: date, fixes: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The fixes as stored: each of an item of the form, due no earlier than the order,
        no organisation ordered the same item twice."""
        if not fixes:
            raise InvalidInput(
                "fixes_empty", "Приказ по итогам называет хотя бы одно исправление", field="fixes"
            )
        seen: set[tuple[str, str]] = set()
        for fix in fixes:
            number, key = fix["number"], (str(fix["organisation_id"]), fix["number"])
            if number not in items:
                raise InvalidInput(
                    "item_unknown", f"В форме нет пункта {number}", number=number, field="fixes"
                )
            if fix["due_on"] < act_date:
                raise InvalidInput(
                    "fix_due_before_order",
                    f"Пункт {number}: срок исправления раньше даты приказа",
                    number=number,
                    field="fixes",
                )
            if key in seen:
                raise InvalidInput(
                    "fix_repeated",
                    f"Исправление пункта {number} одной организацией указано дважды",
                    number=number,
                    field="fixes",
                )
            seen.add(key)
        return [
            {
                "organisation_id": str(f["organisation_id"]),
                "number": f["number"],
                "director": f["director"],
                "due_on": f["due_on"].isoformat(),
            }
            for f in fixes
        ]
