"""Pairs and groups: a mentor side (one mentor, a team, or a class) and a mentee side (one mentee,
several, or a class), approved by the director's order, with an individual plan, a sequence of
meetings with feedback, and an end. No I/O."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.programs import events
from shared.dictionaries import FORM_NAMES, MentoringForm
from shared.kernel.aggregate import Actor, AggregateState, TenantAggregate
from shared.kernel.errors import Conflict, RuleViolated, check_not_in_future
from shared.kernel.sealed import Sealed

from ..labels import MEETING_KIND_NAMES, class_name
from ..values import may_be_mentored, may_mentor

MAX_GROUP_SIZE = 30


class MeetingKind(StrEnum):
    """The standard sequence of a pair's meetings."""

    INTRODUCTION = "introduction"  # встреча-знакомство
    TRIAL = "trial"  # пробная рабочая встреча
    PLANNING = "planning"  # встреча-планирование
    REGULAR = "regular"
    FINAL = "final"  # итоговая встреча


ONCE_ONLY = frozenset(
    {MeetingKind.INTRODUCTION, MeetingKind.TRIAL, MeetingKind.PLANNING, MeetingKind.FINAL}
)


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class Basis(StrEnum):
    """How a pair came about in matching."""

    SUGGESTED = "suggested"  # the curator accepted the platform's suggestion
    CHOSEN = "chosen"  # the curator overrode the suggestions with a mentor of their choice
    DIRECTIVE = "directive"  # a mentee left unmatched was assigned by directive


class Side(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"
    SCHOOL = "school"


@dataclass(frozen=True)
class SchoolClass:
    """A class of the school on one side of a group («класс – классу»): its label as the
    registry writes a pupil's grade («7А») and its pupils as of the day the group is formed."""

    side: Side
    label: str
    pupil_ids: tuple[UUID, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"side": str(self.side), "label": self.label, "pupil_ids": list(self.pupil_ids)}

    @staticmethod
    def of(stored: dict[str, Any]) -> SchoolClass:
        return SchoolClass(
            Side(stored["side"]), stored["label"], tuple(UUID(str(p)) for p in stored["pupil_ids"])
        )


@dataclass(frozen=True)
class Pupil:
    """What the registry says of a pupil named for a class: the school and the grade."""

    id: UUID
    school_id: UUID
    grade: str | None


class Outcome(StrEnum):
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


class EarlyEndReason(StrEnum):
    RELOCATION = "relocation"
    HEALTH = "health"
    NO_TIME = "no_time"
    INCOMPATIBILITY = "incompatibility"
    LOST_INTEREST = "lost_interest"
    OTHER = "other"


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
    DISSOLVED = "dissolved"  # the curator withdrew the proposal before the order


class Pair(TenantAggregate):
    """A pair (one mentor, one mentee) or a group within a programme: its mentor side and its
    mentee side are people and/or classes (`mentor_ids` and `mentee_ids` hold every person of
    each side, a class's pupils included; `classes` says which came as a class), and a group
    may have supporting teachers (сопровождающие педагоги), who are not its mentors."""

    class Formed(TenantAggregate.Created):
        tenant: str
        actor: Actor
        programme_id: UUID
        form: MentoringForm
        mentor_ids: list[UUID]
        mentee_ids: list[UUID]
        classes: list[dict[str, Any]]
        supporting_ids: list[UUID]
        basis: Basis
        class_version = 3

        upcast_v1_v2 = staticmethod(events.pair_of_one_mentee)
        upcast_v2_v3 = staticmethod(events.one_person_mentor_side)

    @event(Formed)
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        programme_id: UUID,
        form: MentoringForm,
        mentor_ids: list[UUID],
        mentee_ids: list[UUID],
        classes: list[dict[str, Any]],
        supporting_ids: list[UUID],
        basis: Basis,
    ) -> None:
        self.tenant = tenant
        self.programme_id = programme_id
        self.form = MentoringForm(form)
        self.mentor_ids = list(mentor_ids)
        self.mentee_ids = list(mentee_ids)
        self.classes = [SchoolClass.of(c) for c in classes]
        self.supporting_ids = list(supporting_ids)
        self.status = PairStatus.PROPOSED
        self.order_date: date | None = None
        self.meetings: dict[UUID, MeetingKind] = {}
        self.meeting_marks: dict[UUID, str] = {}
        self.feedback: set[tuple[UUID, UUID]] = set()  # (meeting, author)
        self.plan_tasks: dict[UUID, bool] = {}

    @staticmethod
    def check_members(
        mentor_ids: list[UUID], mentee_ids: list[UUID], supporting_ids: Sequence[UUID] = ()
    ) -> None:
        """Each side has someone, a mentee side at most `MAX_GROUP_SIZE`; nobody twice, nobody
        on both sides, and a supporting teacher on neither."""
        if not mentor_ids:
            raise RuleViolated("no_mentors", "Укажите наставника или класс-наставник")
        if not mentee_ids:
            raise RuleViolated("no_mentees", "Укажите хотя бы одного наставляемого")
        if len(mentee_ids) > MAX_GROUP_SIZE:
            raise RuleViolated(
                "group_too_large", f"В группе не больше {MAX_GROUP_SIZE} наставляемых"
            )
        if len(set(mentee_ids)) != len(mentee_ids):
            raise RuleViolated("repeated_mentee", "Наставляемый указан дважды")
        if len(set(mentor_ids)) != len(mentor_ids):
            raise RuleViolated("repeated_mentor", "Наставник указан дважды")
        both = set(mentor_ids) & set(mentee_ids)
        if both:
            raise RuleViolated(
                "same_person",
                "Один и тот же человек — и наставник, и наставляемый в одной паре или группе",
                person_ids=sorted(str(p) for p in both),
            )
        if set(supporting_ids) & {*mentor_ids, *mentee_ids}:
            raise RuleViolated(
                "supporting_in_side",
                "Сопровождающий педагог не входит ни в сторону наставников,"
                " ни в сторону наставляемых",
            )

    @staticmethod
    def check_not_formed(
        form: str, mentor_ids: list[UUID], mentee_ids: list[UUID], current: Iterable[Pair]
    ) -> None:
        """The same pair (form, mentors and mentees) is formed once while it works or waits
        for its order: sent again, it answers with the one formed, so that one order cannot
        approve two copies. `current` is the mentors' pairs not ended or dissolved; after those
        the same people may be paired again."""
        for pair in current:
            same = (pair.form, set(pair.mentor_ids), set(pair.mentee_ids))
            if same == (MentoringForm(form), set(mentor_ids), set(mentee_ids)):
                raise Conflict(
                    "duplicate_pair",
                    "Такая пара уже сформирована: та же форма, наставники и наставляемые",
                    id=str(pair.id),
                )

    @staticmethod
    def check_class(school_class: SchoolClass, school_id: UUID, pupils: list[Pupil]) -> None:
        """A class side is pupils of this school's class: named by the caller, each checked
        against the registry (its school, its grade)."""
        name = class_name(school_class.label)
        if not school_class.pupil_ids:
            raise RuleViolated("empty_class", f"{name}: не указан ни один обучающийся")
        if any(pupil.school_id != school_id for pupil in pupils):
            raise RuleViolated(
                "class_of_other_school", f"{name} — из другой школы", label=school_class.label
            )
        strangers = [str(p.id) for p in pupils if p.grade != school_class.label]
        if strangers:
            raise RuleViolated(
                "not_of_class",
                f"Не все указанные обучающиеся учатся в классе: {name}",
                person_ids=strangers,
            )

    @staticmethod
    def check_sides(form: MentoringForm, mentor_kinds: list[str], mentee_kinds: list[str]) -> None:
        """The form decides who may mentor and be mentored (`may_mentor`, `may_be_mentored`)."""
        if not all(may_mentor(form, kind) for kind in mentor_kinds):
            if form == MentoringForm.STUDENT_STUDENT:
                message = "В форме «ученик – ученик» наставник — обучающийся"
            else:
                message = (
                    "Обучающийся может быть наставником только в форме «ученик – ученик»,"
                    f" не «{FORM_NAMES[form]}»"
                )
            raise RuleViolated("mentor_not_in_form", message, form=str(form))
        if not all(may_be_mentored(form, kind) for kind in mentee_kinds):
            raise RuleViolated(
                "mentee_not_in_form",
                "В форме «ученик – ученик» наставляемые — обучающиеся",
                form=str(form),
            )

    @property
    def mentor_id(self) -> UUID:
        """The first mentor: the one whose feedback a meeting's record carries inline."""
        return self.mentor_ids[0]

    @property
    def people(self) -> list[UUID]:
        return [*self.mentor_ids, *self.mentee_ids, *self.supporting_ids]

    @property
    def members(self) -> list[UUID]:
        """The two sides' people: who gives feedback on the group's meetings."""
        return [*self.mentor_ids, *self.mentee_ids]

    @property
    def mentors_in_person(self) -> list[UUID]:
        """Mentors named as people, not as a class's pupils: each carries a mentor's load."""
        from_classes = {p for c in self.classes if c.side == Side.MENTOR for p in c.pupil_ids}
        return [m for m in self.mentor_ids if m not in from_classes]

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
        self.order_date = order_date

    def dissolve(self, actor: Actor, reason: Sealed | None) -> None:
        """The curator withdraws a proposed pair before the order (matching decided otherwise).
        The reason is sealed with the pair's own key, which goes with any member's erasure."""
        if self.status != PairStatus.PROPOSED:
            raise RuleViolated(
                "pair_not_proposed",
                "Расформировать можно только пару, ещё не утверждённую приказом",
            )
        self._dissolved(actor=actor, reason=reason)

    class Dissolved(TenantAggregate.Event):
        reason: Sealed | None
        class_version = 2

        upcast_v1_v2 = staticmethod(events.reason_withheld)

    @event(Dissolved)
    def _dissolved(self, actor: Actor, reason: Sealed | None) -> None:
        self.status = PairStatus.DISSOLVED

    def draw_up_plan(
        self,
        actor: Actor,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        tasks: list[PlanTask],
    ) -> None:
        """The pair's individual plan (персонализированная программа): 3 months to a year."""
        self._check_working("План составляют для утверждённой работающей пары")
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

    def _check_working(self, message: str) -> None:
        if self.status == PairStatus.PROPOSED:
            raise RuleViolated("pair_not_approved", f"Пара ещё не утверждена приказом. {message}")
        if self.status != PairStatus.ACTIVE:
            raise RuleViolated("pair_not_active", f"Пара завершила работу. {message}")

    def plan_meeting(
        self,
        actor: Actor,
        meeting_id: UUID,
        starts_on: date,
        start_time: str,
        duration_minutes: int,
        place: str,
        topic: str,
        today: date,
    ) -> None:
        """The next meeting, planned ahead (its date, time, place or online link, topic)."""
        self._check_working("Встречу запланировать нельзя")
        if starts_on < today:
            raise RuleViolated(
                "planned_in_past", "Встречу планируют на сегодня или позже", field="starts_on"
            )
        self._meeting_planned(
            actor=actor,
            meeting_id=meeting_id,
            starts_on=starts_on,
            start_time=start_time,
            duration_minutes=duration_minutes,
            place=place,
            topic=topic,
        )

    @event("MeetingPlanned")
    def _meeting_planned(
        self,
        actor: Actor,
        meeting_id: UUID,
        starts_on: date,
        start_time: str,
        duration_minutes: int,
        place: str,
        topic: str,
    ) -> None:
        """Nothing the pair decides on changes: the plan is for the participants' calendars."""

    def check_meeting(
        self, meeting_id: UUID, kind: MeetingKind, held_on: date, today: date
    ) -> None:
        """The standard sequence: the introduction first; the introduction, the trial, the
        planning and the final meeting once each; nothing after the final meeting."""
        self._check_working("Встречу записать нельзя")
        if meeting_id in self.meetings:
            raise RuleViolated("meeting_exists", "Эта встреча уже записана")
        held = set(self.meetings.values())
        if MeetingKind.FINAL in held:
            raise RuleViolated("after_final_meeting", "Итоговая встреча уже проведена")
        if kind != MeetingKind.INTRODUCTION and MeetingKind.INTRODUCTION not in held:
            raise RuleViolated(
                "meeting_out_of_sequence", "Первой проводят встречу-знакомство", kind=str(kind)
            )
        if kind in ONCE_ONLY and kind in held:
            raise RuleViolated(
                "meeting_out_of_sequence",
                f"«{MEETING_KIND_NAMES[kind]}» уже проведена",
                kind=str(kind),
            )
        if held_on > today:
            raise RuleViolated(
                "meeting_in_future",
                "Встречу записывают после того, как она прошла",
                field="held_on",
            )
        if self.order_date and held_on < self.order_date:
            raise RuleViolated(
                "meeting_before_order",
                f"Дата встречи раньше приказа об утверждении пары от {self.order_date:%d.%m.%Y}",
                field="held_on",
            )

    def check_not_recorded(
        self,
        kind: MeetingKind,
        held_on: date,
        duration_minutes: int,
        meeting_format: MeetingFormat,
        topic: str,
    ) -> None:
        """The same meeting (kind, day, length, format and topic) is recorded once: sent
        again, it answers with the one recorded."""
        mark = meeting_mark(kind, held_on, duration_minutes, meeting_format, topic)
        for meeting_id, recorded in self.meeting_marks.items():
            if recorded == mark:
                raise Conflict(
                    "duplicate_meeting",
                    "Такая встреча этой пары уже записана: тот же вид, день, длительность и тема",
                    id=str(meeting_id),
                )

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
        today: date,
    ) -> None:
        """Inline feedback is the mentor's and (in a pair) the mentee's; group members give
        theirs with `give_feedback`."""
        self.check_not_recorded(kind, held_on, duration_minutes, meeting_format, topic)
        self.check_meeting(meeting_id, kind, held_on, today)
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
        self.meetings[meeting_id] = MeetingKind(kind)
        self.meeting_marks[meeting_id] = meeting_mark(
            kind, held_on, duration_minutes, meeting_format, topic
        )
        if mentor_rating is not None or mentor_comment is not None:
            self.feedback.add((meeting_id, self.mentor_id))
        if mentee_rating is not None or mentee_comment is not None:
            self.feedback.add((meeting_id, self.mentee_ids[0]))

    def check_feedback(self, meeting_id: UUID, author_id: UUID) -> None:
        if meeting_id not in self.meetings:
            raise RuleViolated("meeting_not_found", "У пары нет такой встречи")
        if author_id not in self.members:
            raise RuleViolated("not_a_member", "Отзыв оставляет участник пары или группы")
        if (meeting_id, author_id) in self.feedback:
            raise RuleViolated("feedback_exists", "Отзыв об этой встрече уже оставлен")

    def give_feedback(
        self,
        actor: Actor,
        meeting_id: UUID,
        author_id: UUID,
        rating: int | None,
        comment: Sealed | None,
    ) -> None:
        self.check_feedback(meeting_id, author_id)
        side = Side.MENTOR if author_id in self.mentor_ids else Side.MENTEE
        self._feedback_given(
            actor=actor,
            meeting_id=meeting_id,
            author_id=author_id,
            side=side,
            rating=rating,
            comment=comment,
        )

    @event("FeedbackGiven")
    def _feedback_given(
        self,
        actor: Actor,
        meeting_id: UUID,
        author_id: UUID,
        side: Side,
        rating: int | None,
        comment: Sealed | None,
    ) -> None:
        self.feedback.add((meeting_id, author_id))

    def end(
        self,
        actor: Actor,
        outcome: Outcome,
        ended_on: date,
        initiator: Side,
        reason: EarlyEndReason | None,
        summary: Sealed | None,
        today: date,
    ) -> None:
        """Completed after the final meeting, or ended early by either side with a reason, on a
        day already come and not before the pair's order."""
        self._check_working("Завершить можно только работающую пару")
        if outcome == Outcome.COMPLETED and MeetingKind.FINAL not in self.meetings.values():
            raise RuleViolated("final_meeting_missing", "Пара завершает работу итоговой встречей")
        if outcome == Outcome.ENDED_EARLY and reason is None:
            raise RuleViolated("reason_missing", "Укажите причину досрочного завершения")
        check_not_in_future(ended_on, today, "Дата завершения", "ended_on")
        if self.order_date and ended_on < self.order_date:
            raise RuleViolated(
                "ended_before_order",
                f"Дата завершения раньше приказа от {self.order_date:%d.%m.%Y}",
                field="ended_on",
            )
        self._ended(
            actor=actor,
            outcome=outcome,
            ended_on=ended_on,
            initiator=initiator,
            reason=reason,
            summary=summary,
        )

    @event("Ended")
    def _ended(
        self,
        actor: Actor,
        outcome: Outcome,
        ended_on: date,
        initiator: Side,
        reason: EarlyEndReason | None,
        summary: Sealed | None,
    ) -> None:
        self.status = PairStatus.ENDED


def meeting_mark(
    kind: MeetingKind, held_on: date, duration_minutes: int, meeting_format: str, topic: str
) -> str:
    """What makes two records the same meeting, as a digest (a topic may name someone, and
    a pair's snapshot holds no text)."""
    text = f"{kind}|{held_on.isoformat()}|{duration_minutes}|{meeting_format}|{topic.strip()}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class PairState(AggregateState):
    """A pair's snapshot (`shared.adapters.snapshots`): ids, kinds, dates and statuses only, no
    personal data (comments and summaries stay sealed in the events)."""

    version: ClassVar[int] = 3  # 2: the meetings' marks; 3: the sides (classes, teams)

    tenant: str
    programme_id: UUID
    form: MentoringForm
    mentor_ids: list[UUID]
    mentee_ids: list[UUID]
    classes: list[SchoolClass]
    supporting_ids: list[UUID]
    status: PairStatus
    order_date: date | None
    meetings: dict[UUID, MeetingKind]
    meeting_marks: dict[UUID, str]
    feedback: set[tuple[UUID, UUID]]
    plan_tasks: dict[UUID, bool]


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
    def check_date(order_date: date, today: date) -> None:
        """The pairs start on the order's day: a day already come."""
        check_not_in_future(order_date, today, "Дата приказа", "order_date")

    @staticmethod
    def check_list(pair_ids: list[UUID]) -> None:
        if not pair_ids:
            raise RuleViolated("empty_order", "В приказе нет ни одной пары")
        if len(set(pair_ids)) != len(pair_ids):
            raise RuleViolated("repeated_pair", "Пара указана в приказе дважды")


_LOAD_NAMESPACE = UUID("6f1d3c52-8a43-4a8e-9d0f-1b7e2c9a4d10")


class MentorLoad(TenantAggregate):
    """The mentees a mentor works with, so that capacity holds even under concurrent commands."""

    @staticmethod
    def id_for(mentor_id: UUID) -> UUID:
        return uuid5(_LOAD_NAMESPACE, mentor_id.hex)

    @event("Started")
    def __init__(self, id: UUID, tenant: str, actor: Actor, mentor_id: UUID) -> None:
        self.tenant = tenant
        self.mentor_id = mentor_id
        self.pairs: dict[UUID, int] = {}  # pair → its mentees

    @property
    def mentees(self) -> int:
        return sum(self.pairs.values())

    def assign(self, actor: Actor, pair_id: UUID, mentees: int, capacity: int) -> None:
        if self.mentees + mentees > capacity:
            raise RuleViolated(
                "mentor_at_capacity",
                f"У наставника уже {self.mentees} из {capacity} возможных наставляемых",
                capacity=capacity,
            )
        self._assigned(actor=actor, pair_id=pair_id, mentees=mentees)

    class Assigned(TenantAggregate.Event):
        pair_id: UUID
        mentees: int
        class_version = 2

        upcast_v1_v2 = staticmethod(events.one_mentee_load)

    @event(Assigned)
    def _assigned(self, actor: Actor, pair_id: UUID, mentees: int) -> None:
        self.pairs[pair_id] = mentees

    def release(self, actor: Actor, pair_id: UUID) -> None:
        """A pair ended or was dissolved: its places are free again."""
        if pair_id in self.pairs:
            self._released(actor=actor, pair_id=pair_id)

    @event("Released")
    def _released(self, actor: Actor, pair_id: UUID) -> None:
        del self.pairs[pair_id]
