"""How a school implements the target model: the director's implementation order, the
regulation (Положение о наставничестве) and the roadmap (дорожная карта). No I/O."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.programs import events
from services.programs.deadlines import Deadline, legacy_deadline
from services.programs.labels import FULFILMENTS
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated

from ..values import ItemStatus, Stage


@dataclass(frozen=True)
class RoadmapBlock:
    """A block of a roadmap as written («1. Подготовка условий…»), mapped to one of the seven
    stages or to none (an informing or monitoring block runs through all of them)."""

    number: str
    title: str
    stage: Stage | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "stage": None if self.stage is None else int(self.stage),
        }


@dataclass(frozen=True)
class WrittenRoadmap:
    """What a roadmap says of itself: its title, the order approving it («Приказ от 06.09.2023
    № 852»; none when the implementation order carries it) and its blocks."""

    blocks: tuple[RoadmapBlock, ...]
    title: str = ""
    order_number: str = ""
    order_date: date | None = None


class FactKind(StrEnum):
    """What fulfils an activity when it happens."""

    ACT = "act"  # an act of a kind issued (the implementation order, a pairs order …)
    STAGE = "stage"  # the programme reached a stage
    BASE = "base"  # the first person entered in a base (mentees, mentors)
    SURVEY = "survey"  # a survey run: its first answer
    EVENT = "event"  # a school event of a kind held (a group meeting, a round table …)


@dataclass(frozen=True)
class Fulfilment:
    """The fact that marks an activity done when it happens: its kind and subject (the act's
    kind, the stage's number, the base); a yearly activity needs it in each school year."""

    fact: FactKind
    subject: str = ""

    def check(self, field: str) -> None:
        if (str(self.fact), self.subject) not in FULFILMENTS:
            raise RuleViolated(
                "fulfilment_unknown",
                f"Чем выполняется мероприятие: «{self.subject}» не подходит",
                field=field,
            )

    def as_dict(self) -> dict[str, str]:
        return {"fact": str(self.fact), "subject": self.subject}


@dataclass(frozen=True)
class RoadmapItem:
    stage: Stage | None
    activity: str
    deadline: Deadline
    responsible: tuple[str, ...] = ()  # positions or organisations, as a roadmap names them
    expected_result: str = ""
    control_point: bool = False  # контрольная точка мониторинга
    number: str = ""  # the roadmap's own numbering, «1.1»
    block: str = ""  # the number of its block, «1»
    fulfilled_by: Fulfilment | None = None  # None: only a manual status marks it done

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": None if self.stage is None else int(self.stage),
            "activity": self.activity,
            "deadline": self.deadline.as_dict(),
            "responsible": list(self.responsible),
            "expected_result": self.expected_result,
            "control_point": self.control_point,
            "number": self.number,
            "block": self.block,
            "fulfilled_by": None if self.fulfilled_by is None else self.fulfilled_by.as_dict(),
        }


DEFAULT_MONITORING_WINDOW = ((10, 1), (5, 30))  # 1 October – 30 May (DOMAIN.md)

_IMPLEMENTATION_NAMESPACE = UUID("0b8f6a7e-52f4-4c0e-9c49-3f6f1f2f7a61")


class Implementation(TenantAggregate):
    """One per school: the order that implements the target model, the regulation, the roadmap."""

    @staticmethod
    def id_for(school_id: UUID) -> UUID:
        return uuid5(_IMPLEMENTATION_NAMESPACE, school_id.hex)

    @event("OrderIssued")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        number: str,
        order_date: date,
        period_from: date,
        period_to: date,
        monitoring_window: list[list[int]] | None,  # None: the order states none
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.order_date = order_date
        self.regulation_versions: list[str] = []
        self.items: dict[UUID, RoadmapItem] = {}
        self.blocks: dict[str, RoadmapBlock] = {}
        self.cancelled: set[UUID] = set()

    @staticmethod
    def check_order(period_from: date, period_to: date, window: list[list[int]] | None) -> None:
        if period_to <= period_from:
            raise RuleViolated("order_period", "Окончание периода внедрения раньше его начала")
        for month, day in window or []:
            try:
                date(2000, month, day)  # a leap year accepts 29 February
            except ValueError:
                raise RuleViolated("deadline_shape", "Такого дня в году нет") from None

    def adopt_regulation(self, actor: Actor, title: str, version: str, adopted_on: date) -> None:
        """Положение о наставничестве; a new version supersedes the previous ones."""
        if version in self.regulation_versions:
            raise RuleViolated("regulation_version_exists", f"Редакция «{version}» уже принята")
        self._regulation_adopted(actor=actor, title=title, version=version, adopted_on=adopted_on)

    @event("RegulationAdopted")
    def _regulation_adopted(self, actor: Actor, title: str, version: str, adopted_on: date) -> None:
        self.regulation_versions.append(version)

    def add_items(self, actor: Actor, items: dict[UUID, RoadmapItem]) -> None:
        placed = [
            (item_id, self._placed(item, f"items[{index}]."))
            for index, (item_id, item) in enumerate(items.items())
        ]
        for item_id, item in placed:
            if item_id in self.items:
                raise RuleViolated("item_exists", "Такое мероприятие уже в дорожной карте")
            self._item_added(actor=actor, item_id=item_id, item=item.as_dict())

    def stage_of(self, item: RoadmapItem) -> Stage | None:
        """The stage an activity is under: its block's, if the roadmap has its block."""
        block = self.blocks.get(item.block) if item.block else None
        return block.stage if block is not None else item.stage

    def _placed(self, item: RoadmapItem, fields: str) -> RoadmapItem:
        """An activity of a block takes the block's stage (or none, as the block has); what
        fulfils it is one of the facts the platform knows. `fields` prefixes the fields named."""
        if item.fulfilled_by is not None:
            item.fulfilled_by.check(f"{fields}fulfilled_by")
        if not item.block:
            return item
        if item.block not in self.blocks:
            raise RuleViolated(
                "block_not_found",
                f"Мероприятие {item.number}: в дорожной карте нет раздела «{item.block}»",
                field=f"{fields}block",
            )
        return replace(item, stage=self.blocks[item.block].stage)

    class RoadmapItemAdded(TenantAggregate.Event):
        item_id: UUID
        item: dict[str, Any]
        class_version = 3

        upcast_v1_v2 = staticmethod(events.item_as_written)
        upcast_v2_v3 = staticmethod(events.item_fulfilled_by_hand)

    @event(RoadmapItemAdded)
    def _item_added(self, actor: Actor, item_id: UUID, item: dict[str, Any]) -> None:
        self.items[item_id] = _item_of(item)

    def write_roadmap(self, actor: Actor, written: WrittenRoadmap) -> None:
        """The roadmap's own title, the order approving it and its blocks as written; an
        activity names its block by number."""
        self._roadmap_written(
            actor=actor,
            title=written.title,
            order_number=written.order_number,
            order_date=written.order_date,
            blocks=[b.as_dict() for b in written.blocks],
        )

    @event("RoadmapWritten")
    def _roadmap_written(
        self,
        actor: Actor,
        title: str,
        order_number: str,
        order_date: date | None,
        blocks: list[dict[str, Any]],
    ) -> None:
        self.blocks = {b["number"]: _block_of(b) for b in blocks}

    def change_item(self, actor: Actor, item_id: UUID, item: RoadmapItem) -> None:
        self._check_open(item_id)
        item = self._placed(item, "")
        self._item_changed(actor=actor, item_id=item_id, item=item.as_dict())

    class RoadmapItemChanged(RoadmapItemAdded):
        """The same item as an addition's, versioned and upcast alike."""

    @event(RoadmapItemChanged)
    def _item_changed(self, actor: Actor, item_id: UUID, item: dict[str, Any]) -> None:
        self.items[item_id] = _item_of(item)

    def report_progress(
        self,
        actor: Actor,
        item_id: UUID,
        status: ItemStatus,
        school_year: str | None,
        on: date,
        evidence: str,
    ) -> None:
        """A recurring item's status is kept per school year; a dated item's once."""
        self._check_open(item_id)
        if self.items[item_id].deadline.recurring and school_year is None:
            raise RuleViolated("school_year_missing", "Мероприятие ежегодное: укажите учебный год")
        self._progress_reported(
            actor=actor,
            item_id=item_id,
            status=status,
            school_year=school_year if self.items[item_id].deadline.recurring else None,
            on=on,
            evidence=evidence,
        )

    @event("RoadmapItemProgressed")
    def _progress_reported(
        self,
        actor: Actor,
        item_id: UUID,
        status: ItemStatus,
        school_year: str | None,
        on: date,
        evidence: str,
    ) -> None:
        if status == ItemStatus.CANCELLED:
            self.cancelled.add(item_id)

    def _check_open(self, item_id: UUID) -> None:
        if item_id not in self.items:
            raise RuleViolated("item_not_found", "В дорожной карте нет такого мероприятия")
        if item_id in self.cancelled:
            raise RuleViolated("item_cancelled", "Мероприятие отменено")


def _item_of(data: dict[str, Any]) -> RoadmapItem:
    return RoadmapItem(
        stage=None if data["stage"] is None else Stage(data["stage"]),
        activity=data["activity"],
        deadline=Deadline.from_dict(data["deadline"]),
        responsible=tuple(data["responsible"]),
        expected_result=data["expected_result"],
        control_point=data["control_point"],
        number=data["number"],
        block=data["block"],
        fulfilled_by=_fulfilment_of(data["fulfilled_by"]),
    )


def _fulfilment_of(data: dict[str, str] | None) -> Fulfilment | None:
    return None if data is None else Fulfilment(FactKind(data["fact"]), data["subject"])


def _block_of(data: dict[str, Any]) -> RoadmapBlock:
    stage = data["stage"]
    return RoadmapBlock(data["number"], data["title"], None if stage is None else Stage(stage))


def _yearly(
    stage: Stage, activity: str, month: int, day: int, result: str, control: bool = False
) -> RoadmapItem:
    return RoadmapItem(
        stage=stage,
        activity=activity,
        deadline=legacy_deadline(None, month, day),
        responsible=("куратор целевой модели наставничества",),
        expected_result=result,
        control_point=control,
    )


# The roadmap a school starts from: the seven stages of the target model with the activities
# and yearly deadlines of the seeds (S0, S3, S4); the school then edits it.
DEFAULT_ROADMAP = (
    _yearly(
        Stage.PREPARING_CONDITIONS,
        "Нормативное оформление программы наставничества",
        9,
        30,
        "Приказ о внедрении целевой модели, Положение о наставничестве, дорожная карта",
    ),
    _yearly(
        Stage.PREPARING_CONDITIONS,
        "Назначение куратора и рабочей группы",
        9,
        30,
        "Приказ о назначении куратора",
    ),
    _yearly(
        Stage.PREPARING_CONDITIONS,
        "SWOT-анализ программы и анкета куратора",
        12,
        15,
        "Анализ сильных и слабых сторон программы",
        control=True,
    ),
    _yearly(
        Stage.MENTEE_BASE,
        "Сбор запросов и согласий наставляемых",
        10,
        15,
        "База наставляемых с перечнем запросов, согласия на обработку персональных данных",
    ),
    _yearly(
        Stage.MENTEE_BASE,
        "Входная диагностика наставляемых",
        10,
        31,
        "Результаты входной диагностики",
        control=True,
    ),
    _yearly(
        Stage.MENTOR_BASE,
        "Информирование и анкетирование потенциальных наставников",
        10,
        15,
        "Анкеты наставников, база наставников",
    ),
    _yearly(
        Stage.MENTOR_SELECTION_AND_TRAINING,
        "Отбор наставников и утверждение реестра наставников",
        10,
        31,
        "Приказ об утверждении реестра наставников",
    ),
    _yearly(
        Stage.MENTOR_SELECTION_AND_TRAINING,
        "Обучение наставников",
        11,
        30,
        "Удостоверения о повышении квалификации наставников",
    ),
    _yearly(
        Stage.FORMING_PAIRS,
        "Формирование наставнических пар и групп",
        11,
        15,
        "Приказ об утверждении наставнических пар и групп",
    ),
    _yearly(
        Stage.WORK_OF_PAIRS,
        "Персонализированные программы наставничества",
        11,
        30,
        "Индивидуальные планы пар и групп",
    ),
    _yearly(
        Stage.WORK_OF_PAIRS,
        "Промежуточный мониторинг: анкеты удовлетворённости",
        2,
        28,
        "Результаты анкетирования участников",
        control=True,
    ),
    _yearly(
        Stage.COMPLETION,
        "Итоговая диагностика и отчёты пар",
        5,
        20,
        "Результаты итоговой диагностики, отчёты наставников",
        control=True,
    ),
    _yearly(
        Stage.COMPLETION,
        "Итоговое мероприятие, выдвижение лучших наставников и практик",
        5,
        30,
        "Приказ о поощрении наставников, кейсы лучших практик",
    ),
)
