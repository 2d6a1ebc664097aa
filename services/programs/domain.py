"""Programs domain: a school's mentoring programme, its pairs and their meetings. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.errors import RuleViolated
from shared.eventstore import Actor, TenantAggregate
from shared.personal_data import Sealed


class MeetingKind(StrEnum):
    """The standard sequence of a pair's meetings."""

    INTRODUCTION = "introduction"  # встреча-знакомство
    TRIAL = "trial"  # пробная рабочая встреча
    PLANNING = "planning"  # встреча-планирование
    REGULAR = "regular"
    FINAL = "final"  # итоговая встреча


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class Stage(IntEnum):
    """The seven stages of a programme (DOMAIN.md)."""

    PREPARING_CONDITIONS = 1
    MENTEE_BASE = 2
    MENTOR_BASE = 3
    MENTOR_SELECTION_AND_TRAINING = 4
    FORMING_PAIRS = 5
    WORK_OF_PAIRS = 6
    COMPLETION = 7


STAGE_NAMES = {
    Stage.PREPARING_CONDITIONS: "подготовка условий для запуска программы",
    Stage.MENTEE_BASE: "формирование базы наставляемых",
    Stage.MENTOR_BASE: "формирование базы наставников",
    Stage.MENTOR_SELECTION_AND_TRAINING: "отбор и обучение наставников",
    Stage.FORMING_PAIRS: "формирование наставнических пар и групп",
    Stage.WORK_OF_PAIRS: "организация работы наставнических пар и групп",
    Stage.COMPLETION: "завершение программы наставничества",
}


DEFAULT_MEETING_EVERY_DAYS = 7  # "at least once a week" (S3); varies by school
MAX_MEETING_EVERY_DAYS = 60


class Programme(TenantAggregate):
    """A school's mentoring programme for one school year."""

    @event("Opened")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        school_year: str,
        title: str,
        forms: list[MentoringForm],
        meeting_every_days: int = DEFAULT_MEETING_EVERY_DAYS,
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.school_year = school_year
        self.title = title
        self.forms = {MentoringForm(f) for f in forms}
        self.stage = Stage.PREPARING_CONDITIONS
        self.meeting_every_days = meeting_every_days

    def set_meeting_rule(self, actor: Actor, every_days: int) -> None:
        """How often a pair must meet (S3: at least weekly); pairs that fall behind are shown."""
        if not 1 <= every_days <= MAX_MEETING_EVERY_DAYS:
            raise RuleViolated(
                "meeting_rule_range",
                f"Встречи — не реже одного раза в {MAX_MEETING_EVERY_DAYS} дней",
            )
        self._meeting_rule_set(actor=actor, every_days=every_days)

    @event("MeetingRuleSet")
    def _meeting_rule_set(self, actor: Actor, every_days: int) -> None:
        self.meeting_every_days = every_days

    def move_to_stage(self, actor: Actor, stage: Stage) -> None:
        """Stages go forward (one may be passed quickly, never undone: history keeps them)."""
        if stage <= self.stage:
            raise RuleViolated(
                "stage_not_forward",
                f"Программа уже на этапе {self.stage}: «{STAGE_NAMES[self.stage]}»",
                stage=int(self.stage),
            )
        self._stage_changed(actor=actor, stage=stage, former_stage=self.stage)

    @event("StageChanged")
    def _stage_changed(self, actor: Actor, stage: Stage, former_stage: Stage) -> None:
        self.stage = Stage(stage)

    def check_runs(self, form: MentoringForm) -> None:
        if form not in self.forms:
            raise RuleViolated(
                "form_not_in_programme",
                f"Программа не реализует форму «{FORM_NAMES[form]}»",
                form=str(form),
            )


PLAN_MIN_MONTHS = 3
PLAN_MAX_MONTHS = 12


@dataclass(frozen=True)
class PlanTask:
    id: UUID
    title: str
    due_on: date


class PairStatus(StrEnum):
    PROPOSED = "proposed"  # formed by the curator, waiting for the director's order
    ACTIVE = "active"  # approved by order: only now the pair starts working
    ENDED = "ended"


class Pair(TenantAggregate):
    """A mentor and a mentee working together within a programme."""

    @event("Formed")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        programme_id: UUID,
        form: MentoringForm,
        mentor_id: UUID,
        mentee_id: UUID,
    ) -> None:
        self.tenant = tenant
        self.programme_id = programme_id
        self.form = MentoringForm(form)
        self.mentor_id = mentor_id
        self.mentee_id = mentee_id
        self.status = PairStatus.PROPOSED
        self.meetings: list[UUID] = []
        self.plan_tasks: dict[UUID, bool] = {}

    def approve(self, actor: Actor, order_id: UUID, number: str, order_date: date) -> None:
        if self.status != PairStatus.PROPOSED:
            raise RuleViolated(
                "pair_not_proposed",
                "Пара уже утверждена приказом или завершена",
                pair_id=str(self.id),
            )
        self._approved(actor=actor, order_id=order_id, number=number, order_date=order_date)

    @event("Approved")
    def _approved(self, actor: Actor, order_id: UUID, number: str, order_date: date) -> None:
        self.status = PairStatus.ACTIVE

    def draw_up_plan(
        self,
        actor: Actor,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        tasks: list[PlanTask],
    ) -> None:
        """The pair's individual plan (персонализированная программа): 3 months to a year."""
        if self.status != PairStatus.ACTIVE:
            raise RuleViolated(
                "pair_not_active", "План составляют для утверждённой работающей пары"
            )
        months = (ends_on.year - starts_on.year) * 12 + ends_on.month - starts_on.month
        if not PLAN_MIN_MONTHS <= months <= PLAN_MAX_MONTHS:
            raise RuleViolated("plan_duration", "Срок плана — от 3 месяцев до 1 года")
        if not goals:
            raise RuleViolated("plan_without_goals", "Укажите хотя бы одну цель")
        late = [t.title for t in tasks if not starts_on <= t.due_on <= ends_on]
        if late:
            raise RuleViolated(
                "task_outside_plan", f"Срок задачи вне срока плана: «{late[0]}»", tasks=late
            )
        self._plan_drawn_up(
            actor=actor,
            starts_on=starts_on,
            ends_on=ends_on,
            goals=goals,
            tasks=[{"id": t.id, "title": t.title, "due_on": t.due_on} for t in tasks],
        )

    @event("PlanDrawnUp")
    def _plan_drawn_up(
        self,
        actor: Actor,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        tasks: list[dict[str, Any]],
    ) -> None:
        self.plan_tasks = {UUID(str(t["id"])): False for t in tasks}

    def complete_task(self, actor: Actor, task_id: UUID, completed_on: date) -> None:
        if task_id not in self.plan_tasks:
            raise RuleViolated("task_not_found", "В плане пары нет такой задачи")
        if self.plan_tasks[task_id]:
            raise RuleViolated("task_already_done", "Задача уже отмечена выполненной")
        self._task_completed(actor=actor, task_id=task_id, completed_on=completed_on)

    @event("PlanTaskCompleted")
    def _task_completed(self, actor: Actor, task_id: UUID, completed_on: date) -> None:
        self.plan_tasks[task_id] = True

    def record_meeting(
        self,
        actor: Actor,
        meeting_id: UUID,
        kind: MeetingKind,
        held_on: date,
        duration_minutes: int,
        meeting_format: MeetingFormat,
        topic: str,
        mentor_rating: int | None,
        mentor_comment: Sealed | None,
        mentee_rating: int | None,
        mentee_comment: Sealed | None,
    ) -> None:
        if self.status == PairStatus.PROPOSED:
            raise RuleViolated(
                "pair_not_approved", "Пара ещё не утверждена приказом: встречу записать нельзя"
            )
        if self.status != PairStatus.ACTIVE:
            raise RuleViolated("pair_not_active", "Пара не работает: встречу записать нельзя")
        if meeting_id in self.meetings:
            raise RuleViolated("meeting_exists", "Эта встреча уже записана")
        self._meeting_recorded(
            actor=actor,
            meeting_id=meeting_id,
            kind=kind,
            held_on=held_on,
            duration_minutes=duration_minutes,
            meeting_format=meeting_format,
            topic=topic,
            mentor_rating=mentor_rating,
            mentor_comment=mentor_comment,
            mentee_rating=mentee_rating,
            mentee_comment=mentee_comment,
        )

    @event("MeetingRecorded")
    def _meeting_recorded(
        self,
        actor: Actor,
        meeting_id: UUID,
        kind: MeetingKind,
        held_on: date,
        duration_minutes: int,
        meeting_format: MeetingFormat,
        topic: str,
        mentor_rating: int | None,
        mentor_comment: Sealed | None,
        mentee_rating: int | None,
        mentee_comment: Sealed | None,
    ) -> None:
        self.meetings.append(meeting_id)


class PairsOrder(TenantAggregate):
    """The director's order «Об утверждении наставнических пар/групп»: number, date, the list."""

    @event("Issued")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        programme_id: UUID,
        number: str,
        order_date: date,
        pair_ids: list[UUID],
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.pair_ids = list(pair_ids)

    @staticmethod
    def check_list(pair_ids: list[UUID]) -> None:
        if not pair_ids:
            raise RuleViolated("empty_order", "В приказе нет ни одной пары")
        if len(set(pair_ids)) != len(pair_ids):
            raise RuleViolated("repeated_pair", "Пара указана в приказе дважды")


_LOAD_NAMESPACE = UUID("6f1d3c52-8a43-4a8e-9d0f-1b7e2c9a4d10")


class MentorLoad(TenantAggregate):
    """The pairs a mentor works in, so that capacity holds even under concurrent commands."""

    @staticmethod
    def id_for(mentor_id: UUID) -> UUID:
        return uuid5(_LOAD_NAMESPACE, mentor_id.hex)

    @event("Started")
    def __init__(self, id: UUID, tenant: str, actor: Actor, mentor_id: UUID) -> None:
        self.tenant = tenant
        self.mentor_id = mentor_id
        self.pairs: set[UUID] = set()

    def assign(self, actor: Actor, pair_id: UUID, capacity: int) -> None:
        if len(self.pairs) >= capacity:
            raise RuleViolated(
                "mentor_at_capacity",
                f"У наставника уже {len(self.pairs)} из {capacity} возможных наставляемых",
                capacity=capacity,
            )
        self._assigned(actor=actor, pair_id=pair_id)

    @event("Assigned")
    def _assigned(self, actor: Actor, pair_id: UUID) -> None:
        self.pairs.add(pair_id)
