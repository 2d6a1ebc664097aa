"""The register of an organisation's acts: its orders, regulations, programmes, roadmaps'
approvals and protocols of its councils, each with its basis, approval marks, effective date and
what it decides. Every level keeps acts (a school, a municipality, a region, an institute);
no act waits for another. No I/O."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.frames import frame_named
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import Conflict, RuleViolated

from ..labels import ACT_KIND_NAMES, MARK_NAMES


class ActKind(StrEnum):
    ORDER = "order"  # приказ (по основной деятельности, по личному составу …)
    DECREE = "decree"  # распоряжение
    REGULATION = "regulation"  # положение
    PROGRAMME = "programme"  # программа наставничества
    ROADMAP = "roadmap"  # дорожная карта, утверждённая приказом
    PROTOCOL = "protocol"  # протокол заседания совета


# Kinds that always carry a number; a regulation or a programme is approved by an order or
# marks and has none of its own.
NUMBERED = frozenset({ActKind.ORDER, ActKind.DECREE, ActKind.PROTOCOL})


class MarkKind(StrEnum):
    """The approval marks of a local act, in their legal order: a council accepts, other
    bodies agree, the director approves last."""

    ACCEPTED = "accepted"
    AGREED = "agreed"
    APPROVED = "approved"


_RANK = {MarkKind.ACCEPTED: 1, MarkKind.AGREED: 2, MarkKind.APPROVED: 3}
_ONCE = frozenset({MarkKind.ACCEPTED, MarkKind.APPROVED})  # «согласовано» may come several times


@dataclass(frozen=True)
class ApprovalMark:
    kind: MarkKind
    body: str  # «педагогический совет», «директор»
    on: date
    protocol_number: str = ""  # the council's protocol
    order_number: str = ""  # «утверждено приказом … №» (may be none)
    signer: str = ""  # who signs «Утверждаю»: «Е.Б. Гончар»

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"kind": str(self.kind)}


class SourceLevel(StrEnum):
    FEDERAL = "federal"
    REGIONAL = "regional"
    MUNICIPAL = "municipal"
    OWN = "own"


@dataclass(frozen=True)
class BasisRef:
    """An act this one follows: an act of the register by its id, or an external act by its
    details (whose, what, number, date, title), never retyped into the register."""

    act_id: UUID | None = None
    level: SourceLevel | None = None
    issuer: str = ""  # as a preamble names it, in the genitive: «Министерства просвещения РФ»
    kind: str = ""  # «распоряжение»
    number: str = ""
    on: date | None = None
    title: str = ""

    def __post_init__(self) -> None:
        external = bool(self.title or self.issuer or self.number)
        if (self.act_id is None) == (not external):
            raise RuleViolated(
                "basis_shape",
                "Основание — либо акт из реестра, либо реквизиты внешнего акта",
                field="basis",
            )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"level": str(self.level) if self.level else None}


class PointKind(StrEnum):
    TEXT = "text"
    PROJECT_GROUP = "project_group"
    CURATORS = "curators"
    ASSIGNMENT = "assignment"
    RESPONSIBLE = "responsible"
    CONTROL = "control"
    PAIRS = "pairs"
    MENTOR_REGISTER = "mentor_register"


HEAD = "руководитель"  # the head of a project (working) group


@dataclass(frozen=True)
class Participant:
    """A person an act names: officials of public acts, by name, position and organisation."""

    name: str
    position: str = ""
    organisation: str = ""
    role: str = ""  # in the group: «руководитель», «член группы», an area of responsibility


@dataclass(frozen=True)
class Point:
    """A numbered point of what an act decides."""

    kind: PointKind
    text: str
    people: tuple[Participant, ...] = ()
    documents: tuple[str, ...] = ()  # the documents an assignment names
    due_on: date | None = None
    refs: tuple[UUID, ...] = ()  # pairs or mentors the point approves

    def check(self, number: int) -> None:
        where = f"Пункт {number}"
        needs_people = {PointKind.PROJECT_GROUP, PointKind.CURATORS, PointKind.ASSIGNMENT}
        if self.kind in needs_people and not self.people:
            raise RuleViolated(
                "point_people_missing", f"{where}: укажите, кого он называет", field="points"
            )
        if self.kind == PointKind.PROJECT_GROUP and not any(p.role == HEAD for p in self.people):
            raise RuleViolated(
                "group_head_missing",
                f"{where}: у проектной группы должен быть руководитель",
                field="points",
            )
        if self.kind in (PointKind.PAIRS, PointKind.MENTOR_REGISTER) and not self.refs:
            raise RuleViolated(
                "point_refs_missing", f"{where}: укажите, что пункт утверждает", field="points"
            )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {
            "kind": str(self.kind),
            "people": [asdict(p) for p in self.people],
            "documents": list(self.documents),
            "refs": list(self.refs),
        }


@dataclass(frozen=True)
class ActDraft:
    """An act as it is entered, before the rules have it."""

    kind: ActKind
    title: str
    act_date: date
    number: str = ""
    register: str = ""  # the journal its number belongs to: «по основной деятельности»
    basis: tuple[BasisRef, ...] = ()
    marks: tuple[ApprovalMark, ...] = ()
    effective_from: date | None = None  # None: from the last mark, else from its date
    valid_until: date | None = None
    supersedes: tuple[UUID, ...] = ()
    points: tuple[Point, ...] = ()
    published_url: str = ""
    # the frame a regulation, roadmap or order belongs to where the school keeps them apart
    # (`shared.frames`); None: mentoring as a whole
    frame: str | None = None


def check_number(kind: ActKind, number: str) -> str:
    """The number as text («14-а», «279/01-03»): a number of blanks is never one, and the kinds
    that carry a number must have it."""
    if number and not number.strip():
        raise RuleViolated("number_blank", "Номер акта состоит из одних пробелов", field="number")
    if kind in NUMBERED and not number:
        name = ACT_KIND_NAMES[kind]
        raise RuleViolated(
            "number_missing", f"Укажите номер: у акта «{name}» он есть", field="number"
        )
    return number.strip()


def check_marks(marks: tuple[ApprovalMark, ...]) -> tuple[ApprovalMark, ...]:
    """The marks in their legal order: each no earlier than every mark of an earlier step;
    «принято» and «утверждено» once each."""
    for kind in _ONCE:
        if sum(m.kind == kind for m in marks) > 1:
            raise RuleViolated(
                "mark_repeated", f"Отметка «{MARK_NAMES[kind]}» указана дважды", field="marks"
            )
    for later in marks:
        for earlier in marks:
            if _RANK[earlier.kind] < _RANK[later.kind] and later.on < earlier.on:
                raise RuleViolated(
                    "marks_out_of_order",
                    f"Отметка «{MARK_NAMES[later.kind]}» ({later.on:%d.%m.%Y}) раньше отметки"
                    f" «{MARK_NAMES[earlier.kind]}» ({earlier.on:%d.%m.%Y})",
                    field="marks",
                )
    return tuple(sorted(marks, key=lambda m: (_RANK[m.kind], m.on)))


def effective_date(draft: ActDraft) -> date:
    """As stated, or from the last of its marks (a regulation takes effect once approved), or
    from its date."""
    last = max([draft.act_date, *(m.on for m in draft.marks)])
    stated = draft.effective_from
    if stated is None:
        return last
    if stated < draft.act_date:
        raise RuleViolated(
            "effective_before_act_date",
            f"Дата вступления в силу {stated:%d.%m.%Y} раньше даты акта {draft.act_date:%d.%m.%Y}",
            field="effective_from",
        )
    if stated < last:
        raise RuleViolated(
            "effective_before_marks",
            f"Дата вступления в силу {stated:%d.%m.%Y} раньше последней отметки об"
            f" утверждении {last:%d.%m.%Y}",
            field="effective_from",
        )
    return stated


def checked(draft: ActDraft, today: date) -> tuple[str, tuple[ApprovalMark, ...], date]:
    """The act's rules that need nothing but the act: its number, marks and dates."""
    number = check_number(draft.kind, draft.number)
    if draft.act_date > today:
        raise RuleViolated(
            "act_date_in_future",
            f"Дата акта {draft.act_date:%d.%m.%Y} ещё не наступила",
            field="act_date",
        )
    marks = check_marks(draft.marks)
    if draft.frame is not None:
        frame_named(draft.frame)
    if any(m.on > today for m in marks):
        raise RuleViolated(
            "mark_in_future", "Дата отметки об утверждении ещё не наступила", field="marks"
        )
    effective = effective_date(draft)
    if draft.valid_until is not None and draft.valid_until < effective:
        raise RuleViolated(
            "term_before_effective",
            "Срок действия кончается раньше, чем акт вступает в силу",
            field="valid_until",
        )
    for number_, point in enumerate(draft.points, start=1):
        point.check(number_)
    return number, marks, effective


class Act(TenantAggregate):
    """One act of an organisation's register, as entered; a later act supersedes it."""

    @event("Recorded")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        organisation_id: UUID,
        kind: ActKind,
        register: str,
        number: str,
        act_date: date,
        title: str,
        basis: list[dict[str, Any]],
        marks: list[dict[str, Any]],
        effective_from: date,
        valid_until: date | None,
        supersedes: list[UUID],
        points: list[dict[str, Any]],
        published_url: str,
        frame: str | None = None,  # acts entered before frames named none
    ) -> None:
        self.tenant = tenant
        self.organisation_id = organisation_id
        self.kind = ActKind(kind)


_REGISTER_NAMESPACE = UUID("3c7d1f0e-6a2b-4e59-9b8e-52d0a4c1e7f3")


def journal_of(kind: ActKind, register: str, act_date: date) -> str:
    """Where a number must be unique: the organisation's journal of that kind, register and
    calendar year."""
    return f"{kind}|{register.strip().lower()}|{act_date.year}"


class ActRegister(TenantAggregate):
    """An organisation's register of acts: which acts it holds and which numbers each journal
    has given, so that a number is never given twice even by two commands at once."""

    @staticmethod
    def id_for(organisation_id: UUID) -> UUID:
        return uuid5(_REGISTER_NAMESPACE, organisation_id.hex)

    @event("Opened")
    def __init__(self, id: UUID, tenant: str, actor: Actor, organisation_id: UUID) -> None:
        self.tenant = tenant
        self.organisation_id = organisation_id
        self.numbers: dict[str, UUID] = {}  # «journal#number» → act
        self.acts: set[UUID] = set()

    def enter(self, actor: Actor, act: Act, journal: str, number: str) -> None:
        key = f"{journal}#{number.lower()}"
        if number and key in self.numbers:
            raise Conflict(
                "number_taken",
                f"Номер «{number}» в этом журнале за этот год уже занят",
                field="number",
                act_id=str(self.numbers[key]),
            )
        self._number_taken(actor=actor, act_id=act.id, key=key if number else "")

    @event("NumberTaken")
    def _number_taken(self, actor: Actor, act_id: UUID, key: str) -> None:
        self.acts.add(act_id)
        if key:
            self.numbers[key] = act_id

    def check_superseded(self, act_ids: tuple[UUID, ...]) -> None:
        for act_id in act_ids:
            if act_id not in self.acts:
                raise RuleViolated(
                    "superseded_not_found",
                    "Акт, который заменяется, не найден в реестре организации",
                    field="supersedes",
                    act_id=str(act_id),
                )
