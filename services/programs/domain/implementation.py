"""How a school implements the target model: the director's implementation order, the
regulation (Положение о наставничестве) and the roadmap (дорожная карта). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.dictionaries import SCHOOL_YEAR_STARTS_MONTH
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated

from .programmes import Stage


def day_in_school_year(school_year: str, month: int, day: int) -> date:
    """The date of «day.month» within a school year (September to August)."""
    start = int(school_year[:4])
    return date(start if month >= SCHOOL_YEAR_STARTS_MONTH else start + 1, month, day)


@dataclass(frozen=True)
class Deadline:
    """A fixed date, or a recurring «by day.month each school year»."""

    on: date | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        recurring = self.month is not None and self.day is not None
        if (self.on is None) == (not recurring):
            raise RuleViolated(
                "deadline_shape", "Срок — либо дата, либо день и месяц каждого учебного года"
            )
        if recurring:
            try:
                date(2000, self.month or 0, self.day or 0)  # a leap year accepts 29 February
            except ValueError:
                raise RuleViolated("deadline_shape", "Такого дня в году нет") from None

    @property
    def recurring(self) -> bool:
        return self.on is None

    def in_school_year(self, school_year: str) -> date:
        if self.on is not None:
            return self.on
        return day_in_school_year(school_year, self.month or 0, self.day or 0)

    def as_dict(self) -> dict[str, Any]:
        return {"on": self.on, "month": self.month, "day": self.day}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Deadline:
        return cls(on=data.get("on"), month=data.get("month"), day=data.get("day"))


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class RoadmapItem:
    stage: Stage
    activity: str
    deadline: Deadline
    responsible: tuple[str, ...] = ()  # positions or organisations, as a roadmap names them
    expected_result: str = ""
    control_point: bool = False  # контрольная точка мониторинга

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": int(self.stage),
            "activity": self.activity,
            "deadline": self.deadline.as_dict(),
            "responsible": list(self.responsible),
            "expected_result": self.expected_result,
            "control_point": self.control_point,
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
        self.cancelled: set[UUID] = set()

    @staticmethod
    def check_order(period_from: date, period_to: date, window: list[list[int]] | None) -> None:
        if period_to <= period_from:
            raise RuleViolated("order_period", "Окончание периода внедрения раньше его начала")
        for month, day in window or []:
            Deadline(month=month, day=day)

    def adopt_regulation(self, actor: Actor, title: str, version: str, adopted_on: date) -> None:
        """Положение о наставничестве; a new version supersedes the previous ones."""
        if version in self.regulation_versions:
            raise RuleViolated("regulation_version_exists", f"Редакция «{version}» уже принята")
        self._regulation_adopted(actor=actor, title=title, version=version, adopted_on=adopted_on)

    @event("RegulationAdopted")
    def _regulation_adopted(self, actor: Actor, title: str, version: str, adopted_on: date) -> None:
        self.regulation_versions.append(version)

    def add_items(self, actor: Actor, items: dict[UUID, RoadmapItem]) -> None:
        for item_id, item in items.items():
            if item_id in self.items:
                raise RuleViolated("item_exists", "Такое мероприятие уже в дорожной карте")
            self._item_added(actor=actor, item_id=item_id, item=item.as_dict())

    @event("RoadmapItemAdded")
    def _item_added(self, actor: Actor, item_id: UUID, item: dict[str, Any]) -> None:
        self.items[item_id] = _item_of(item)

    def change_item(self, actor: Actor, item_id: UUID, item: RoadmapItem) -> None:
        self._check_open(item_id)
        self._item_changed(actor=actor, item_id=item_id, item=item.as_dict())

    @event("RoadmapItemChanged")
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
        stage=Stage(data["stage"]),
        activity=data["activity"],
        deadline=Deadline.from_dict(data["deadline"]),
        responsible=tuple(data["responsible"]),
        expected_result=data["expected_result"],
        control_point=data["control_point"],
    )


def _yearly(
    stage: Stage, activity: str, month: int, day: int, result: str, control: bool = False
) -> RoadmapItem:
    return RoadmapItem(
        stage=stage,
        activity=activity,
        deadline=Deadline(month=month, day=day),
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
