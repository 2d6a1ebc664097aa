"""What a school made each of its staff responsible for (issue 20, point 7): stages, forms of
mentoring, roadmap blocks, pairs. The school's director or coordinator grants and revokes; a
curator may do what a grant covers, and nothing a grant cannot give — approving orders stays the
director's by law."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import PermissionDenied, RuleViolated, check_not_in_future

from ..labels import responsibility_part_name
from ..values import ResponsibilityPart, Stage

_RESPONSIBILITIES_NAMESPACE = UUID("6d1c4b2e-8a57-4f0e-b3d2-9e1a7c5f4b80")


@dataclass(frozen=True)
class Part:
    """One part of the programmes a grant covers: its kind and which one (a stage's number, a
    form's code, a roadmap block's number, a pair's id)."""

    kind: ResponsibilityPart
    subject: str

    @staticmethod
    def stage(stage: Stage) -> Part:
        return Part(ResponsibilityPart.STAGE, str(int(stage)))

    @staticmethod
    def form(form: MentoringForm) -> Part:
        return Part(ResponsibilityPart.FORM, str(form))

    @staticmethod
    def block(number: str) -> Part:
        return Part(ResponsibilityPart.BLOCK, number)

    @staticmethod
    def pair(pair_id: UUID) -> Part:
        return Part(ResponsibilityPart.PAIR, str(pair_id))

    def check(self, field: str) -> None:
        """A part a grant may cover: approving orders never; a stage among the seven, a form
        of the dictionary, a block and a pair named."""
        if self.kind == ResponsibilityPart.ORDERS:
            raise RuleViolated(
                "orders_not_granted",
                "Утверждение приказов по закону остаётся за руководителем ОО и не поручается",
                field=field,
            )
        if self.kind == ResponsibilityPart.STAGE and self.subject not in {
            str(int(stage)) for stage in Stage
        }:
            raise RuleViolated("stage_unknown", "Этапов программы семь: от 1 до 7", field=field)
        if self.kind == ResponsibilityPart.FORM and self.subject not in set(MentoringForm):
            raise RuleViolated("form_unknown", "Такой формы наставничества нет", field=field)
        if not self.subject.strip():
            raise RuleViolated(
                "part_unnamed", "Укажите, за что назначается ответственность", field=field
            )

    @property
    def name(self) -> str:
        return responsibility_part_name(self.kind, self.subject)

    def as_dict(self) -> dict[str, str]:
        return {"kind": str(self.kind), "subject": self.subject}


@dataclass(frozen=True)
class Grant:
    person_id: UUID
    parts: frozenset[Part]
    revoked: bool = False


class Responsibilities(TenantAggregate):
    """One per school: the grants of responsibility it gave its staff, each recorded with who
    gave it (the event's actor), the day its document gives and the act, if any, that appointed."""

    @staticmethod
    def id_for(school_id: UUID) -> UUID:
        return uuid5(_RESPONSIBILITIES_NAMESPACE, school_id.hex)

    @event("Opened")
    def __init__(self, id: UUID, tenant: str, actor: Actor, school_id: UUID) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.grants: dict[UUID, Grant] = {}

    def grant(
        self,
        actor: Actor,
        grant_id: UUID,
        person_id: UUID,
        parts: list[Part],
        granted_on: date,
        today: date,
        act_id: UUID | None = None,
    ) -> None:
        if not parts:
            raise RuleViolated("no_parts", "Укажите, за что назначается ответственность")
        for index, part in enumerate(parts):
            part.check(f"parts[{index}]")
        check_not_in_future(granted_on, today, "Дата назначения", "granted_on")
        if grant_id in self.grants:
            raise RuleViolated("grant_exists", "Такое назначение уже записано")
        self._granted(
            actor=actor,
            school_id=self.school_id,
            grant_id=grant_id,
            person_id=person_id,
            parts=[part.as_dict() for part in parts],
            granted_on=granted_on,
            act_id=act_id,
        )

    @event("Granted")
    def _granted(
        self,
        actor: Actor,
        school_id: UUID,
        grant_id: UUID,
        person_id: UUID,
        parts: list[dict[str, str]],
        granted_on: date,
        act_id: UUID | None,
    ) -> None:
        self.grants[grant_id] = Grant(
            person_id, frozenset(Part(ResponsibilityPart(p["kind"]), p["subject"]) for p in parts)
        )

    def revoke(self, actor: Actor, grant_id: UUID, revoked_on: date, today: date) -> None:
        grant = self.grants.get(grant_id)
        if grant is None:
            raise RuleViolated("grant_not_found", "Такого назначения в школе нет")
        if grant.revoked:
            raise RuleViolated("grant_revoked", "Это назначение уже отменено")
        check_not_in_future(revoked_on, today, "Дата отмены", "revoked_on")
        self._revoked(actor=actor, grant_id=grant_id, revoked_on=revoked_on)

    @event("Revoked")
    def _revoked(self, actor: Actor, grant_id: UUID, revoked_on: date) -> None:
        grant = self.grants[grant_id]
        self.grants[grant_id] = Grant(grant.person_id, grant.parts, revoked=True)

    def held_by(self, person_id: UUID) -> frozenset[Part]:
        """Everything the person's grants in force cover."""
        return frozenset(
            part
            for grant in self.grants.values()
            if grant.person_id == person_id and not grant.revoked
            for part in grant.parts
        )


def roadmap_item_parts(block: str, stage: Stage | None) -> tuple[Part, ...]:
    """What makes a roadmap activity a curator's: its block, or the stage it is under."""
    return tuple(
        part
        for part in (
            Part.block(block) if block else None,
            Part.stage(stage) if stage is not None else None,
        )
        if part is not None
    )


def pair_parts(form: MentoringForm, pair_id: UUID | None = None) -> tuple[Part, ...]:
    """What makes a pair or group a curator's: a grant of it, or of its form of mentoring (a
    pair being formed has no grant of its own yet: its form alone)."""
    return (*((Part.pair(pair_id),) if pair_id is not None else ()), Part.form(form))


def _held(responsibilities: Responsibilities | None, person_id: UUID | None) -> frozenset[Part]:
    """What the school's grants in force give the person (a curator whose token names no
    person holds nothing)."""
    if responsibilities is None or person_id is None:
        return frozenset()
    return responsibilities.held_by(person_id)


def _unmet(held: frozenset[Part], needs: Iterable[tuple[Part, ...]]) -> tuple[Part, ...] | None:
    """The first need no grant meets (each is met by a grant of any one of its parts)."""
    return next((need for need in needs if held.isdisjoint(need)), None)


def require_responsibility(
    responsibilities: Responsibilities | None,
    person_id: UUID | None,
    needs: Iterable[tuple[Part, ...]],
    action: str,
) -> None:
    """A curator acts only where the school made them responsible: each need is met by a grant
    of any one of its parts, and the refusal names what is missing (a curator whose token names
    no person holds nothing)."""
    need = _unmet(_held(responsibilities, person_id), needs)
    if need is not None:
        missing = " или ".join(part.name for part in need) or "мероприятие вне этапов и разделов"
        raise PermissionDenied(
            "responsibility_missing",
            f"Куратор может {action} только по поручению школы; не поручено: {missing}",
            parts=[part.as_dict() for part in need],
        )


def require_pair_responsibility(
    responsibilities: Responsibilities | None,
    person_id: UUID | None,
    needs: Iterable[tuple[Part, ...]],
) -> None:
    """A curator acts on the pairs and groups the school made them responsible for: each pair
    (`pair_parts`) by a grant of it or of its form; the refusal names what is missing."""
    need = _unmet(_held(responsibilities, person_id), needs)
    if need is not None:
        missing = " либо ".join(
            "эта пара или группа" if part.kind == ResponsibilityPart.PAIR else part.name
            for part in need
        )
        raise PermissionDenied(
            "not_responsible_for_pair",
            "Вы не отвечаете за эту пару: попросите директора или координатора закрепить её"
            f" за вами (не поручено: {missing})",
            parts=[part.as_dict() for part in need],
        )
