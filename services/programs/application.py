"""Programs commands. Eligibility of people is read from the registry's own event-sourced state
in the shared store, never taken from the client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError

from services.registry.application import RegistryState
from services.registry.domain import (
    ConsentKind,
    Organisation,
    OrganisationKind,
    Person,
    PersonKind,
)
from shared.auth import SCHOOL_MANAGEMENT, SCHOOL_STAFF, Principal, Role
from shared.dictionaries import MentoringForm
from shared.errors import InvalidInput, NotFound, RuleViolated
from shared.eventstore import Actor, EventStoreApplication, TenantAggregate, actor_of
from shared.keystore import KeyVault

from .domain import (
    MeetingFormat,
    MeetingKind,
    MentorLoad,
    Pair,
    PairsOrder,
    PlanTask,
    Programme,
    Stage,
)


@dataclass(frozen=True)
class Feedback:
    rating: int | None = None
    comment: str | None = None


@dataclass(frozen=True)
class NewMeeting:
    kind: MeetingKind
    held_on: date
    duration_minutes: int
    meeting_format: MeetingFormat
    topic: str = ""
    mentor: Feedback | None = None
    mentee: Feedback | None = None
    id: UUID | None = None


class Programs(EventStoreApplication):
    name = "programs"

    def __init__(self, *args: Any, keys: KeyVault, registry: RegistryState, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.registry = registry

    def open_programme(
        self,
        principal: Principal,
        school_id: UUID,
        school_year: str,
        title: str,
        forms: list[MentoringForm],
        programme_id: UUID | None = None,
    ) -> tuple[Programme, int]:
        principal.require(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "открывать программы")
        school = self.registry.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа")
        principal.require_scope(school.tenant)
        if not forms:
            raise InvalidInput("no_forms", "Укажите хотя бы одну форму наставничества")
        programme = Programme(
            id=programme_id or uuid4(),
            tenant=school.tenant,
            actor=actor_of(principal),
            school_id=school_id,
            school_year=school_year,
            title=title,
            forms=forms,
        )
        return programme, self.store(programme)

    def move_to_stage(self, principal: Principal, programme_id: UUID, stage: Stage) -> int:
        principal.require(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "менять этап программы")
        programme = self.load(Programme, programme_id, "Программа")
        self._in_school(principal, programme, programme.school_id)
        programme.move_to_stage(actor_of(principal), stage)
        return self.store(programme)

    def set_meeting_rule(self, principal: Principal, programme_id: UUID, every_days: int) -> int:
        principal.require(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "менять правило частоты встреч")
        programme = self.load(Programme, programme_id, "Программа")
        self._in_school(principal, programme, programme.school_id)
        programme.set_meeting_rule(actor_of(principal), every_days)
        return self.store(programme)

    def form_pair(
        self,
        principal: Principal,
        programme_id: UUID,
        form: MentoringForm,
        mentor_id: UUID,
        mentee_id: UUID,
        pair_id: UUID | None = None,
    ) -> tuple[Pair, int]:
        principal.require(SCHOOL_STAFF | {Role.OPERATOR}, "формировать пары")
        programme = self.load(Programme, programme_id, "Программа")
        self._in_school(principal, programme, programme.school_id)
        programme.check_runs(form)
        today = date.today()
        mentor = self._participant(programme, mentor_id, "Наставник", today)
        mentee = self._participant(programme, mentee_id, "Наставляемый", today)
        if not mentor.is_mentor():
            raise RuleViolated("not_a_mentor", "Этот человек не в базе наставников")
        if not mentee.is_mentee():
            raise RuleViolated("not_a_mentee", "Этот человек не в базе наставляемых")
        if mentor_id == mentee_id:
            raise RuleViolated("same_person", "Наставник и наставляемый — один человек")
        actor = actor_of(principal)
        pair = Pair(
            id=pair_id or uuid4(),
            tenant=programme.tenant,
            actor=actor,
            programme_id=programme_id,
            form=form,
            mentor_id=mentor_id,
            mentee_id=mentee_id,
        )
        load = self._mentor_load(programme.tenant, actor, mentor_id)
        self._in_school(principal, load, programme.school_id)
        load.assign(actor, pair.id, mentor.mentor_capacity)
        return pair, self.store(programme, pair, load)

    def approve_pairs(
        self,
        principal: Principal,
        programme_id: UUID,
        number: str,
        order_date: date,
        pair_ids: list[UUID],
    ) -> tuple[UUID, int]:
        """The director's order approving pairs; consents are checked again against the
        registry, and a teacher mentor needs the written consent to the extra duty."""
        principal.require(
            frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}),
            "утверждать пары (это приказ директора)",
        )
        programme = self.load(Programme, programme_id, "Программа")
        self._in_school(principal, programme, programme.school_id)
        PairsOrder.check_list(pair_ids)
        pairs = [
            self._approvable(principal, programme, pair_id, order_date) for pair_id in pair_ids
        ]
        order = PairsOrder(
            id=uuid4(),
            tenant=programme.tenant,
            actor=actor_of(principal),
            school_id=programme.school_id,
            programme_id=programme.id,
            number=number,
            order_date=order_date,
            pair_ids=pair_ids,
        )
        for pair in pairs:
            pair.approve(actor_of(principal), order.id, number, order_date)
        return order.id, self.store(programme, order, *pairs)

    def draw_up_plan(
        self,
        principal: Principal,
        pair_id: UUID,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        tasks: list[tuple[str, date]],
    ) -> int:
        principal.require(SCHOOL_STAFF | {Role.OPERATOR}, "составлять планы пар")
        pair = self._pair_in_school(principal, pair_id)
        plan_tasks = [PlanTask(id=uuid4(), title=title, due_on=due) for title, due in tasks]
        pair.draw_up_plan(actor_of(principal), starts_on, ends_on, goals, plan_tasks)
        return self.store(pair)

    def complete_task(
        self, principal: Principal, pair_id: UUID, task_id: UUID, completed_on: date
    ) -> int:
        principal.require(SCHOOL_STAFF | {Role.OPERATOR}, "отмечать задачи плана")
        pair = self._pair_in_school(principal, pair_id)
        pair.complete_task(actor_of(principal), task_id, completed_on)
        return self.store(pair)

    def _pair_in_school(self, principal: Principal, pair_id: UUID) -> Pair:
        pair = self.load(Pair, pair_id, "Пара")
        programme = self.load(Programme, pair.programme_id, "Программа")
        self._in_school(principal, pair, programme.school_id)
        return pair

    def _approvable(
        self, principal: Principal, programme: Programme, pair_id: UUID, order_date: date
    ) -> Pair:
        pair = self.load(Pair, pair_id, "Пара")
        if pair.programme_id != programme.id:
            raise RuleViolated(
                "pair_of_other_programme", "Пара из другой программы", pair_id=str(pair_id)
            )
        pair.follow_school(actor_of(principal), programme.tenant)
        mentor = self._participant(programme, pair.mentor_id, "Наставник", order_date)
        self._participant(programme, pair.mentee_id, "Наставляемый", order_date)
        if mentor.kind == PersonKind.TEACHER and not mentor.has_valid_consent(
            ConsentKind.ADDITIONAL_DUTY, order_date
        ):
            raise RuleViolated(
                "duty_consent_missing",
                "Нет письменного согласия педагога-наставника на дополнительную работу"
                " (ст. 351.8 ТК РФ)",
                person_id=str(mentor.id),
            )
        return pair

    def record_meeting(
        self, principal: Principal, pair_id: UUID, meeting: NewMeeting
    ) -> tuple[UUID, int]:
        principal.require(SCHOOL_STAFF | {Role.OPERATOR}, "записывать встречи")
        pair = self._pair_in_school(principal, pair_id)
        programme = self.load(Programme, pair.programme_id, "Программа")
        today = date.today()
        # No new processing of a person whose consent was withdrawn or whose data was erased.
        self._participant(programme, pair.mentor_id, "Наставник", today)
        self._participant(programme, pair.mentee_id, "Наставляемый", today)
        for feedback in (meeting.mentor, meeting.mentee):
            if feedback and feedback.rating is not None and not 1 <= feedback.rating <= 10:
                raise InvalidInput("rating_out_of_scale", "Оценка должна быть от 1 до 10")
        meeting_id = meeting.id or uuid4()
        pair.record_meeting(
            actor_of(principal),
            meeting_id=meeting_id,
            kind=meeting.kind,
            held_on=meeting.held_on,
            duration_minutes=meeting.duration_minutes,
            meeting_format=meeting.meeting_format,
            topic=meeting.topic,
            mentor_rating=meeting.mentor.rating if meeting.mentor else None,
            mentor_comment=self._comment(pair.mentor_id, meeting.mentor),
            mentee_rating=meeting.mentee.rating if meeting.mentee else None,
            mentee_comment=self._comment(pair.mentee_id, meeting.mentee),
        )
        return meeting_id, self.store(pair)

    def _in_school(self, principal: Principal, aggregate: TenantAggregate, school_id: UUID) -> None:
        """Check the caller against the school's current place in the tree; after the school
        moved to another municipality, the aggregate's path follows it first."""
        school = self.registry.load(Organisation, school_id, "Школа")
        principal.require_scope(school.tenant)
        aggregate.follow_school(actor_of(principal), school.tenant)

    def _comment(self, author: UUID, feedback: Feedback | None) -> Any:
        """Free-text feedback is the author's personal data: sealed with their key."""
        if feedback is None or not feedback.comment:
            return None
        return self.keys.seal(author, {"comment": feedback.comment})

    def _participant(self, programme: Programme, person_id: UUID, what: str, day: date) -> Person:
        person = self.registry.load(Person, person_id, what)
        person.check_not_erased()
        if person.school_id != programme.school_id:
            raise RuleViolated(
                "other_school", f"{what} числится в другой школе", person_id=str(person_id)
            )
        if not person.has_valid_consent(ConsentKind.PERSONAL_DATA, day):
            raise RuleViolated(
                "consent_missing",
                f"{what}: нет действующего согласия на обработку персональных данных",
                person_id=str(person_id),
            )
        return person

    def _mentor_load(self, tenant: str, actor: Actor, mentor_id: UUID) -> MentorLoad:
        load_id = MentorLoad.id_for(mentor_id)
        try:
            load: Any = self.repository.get(load_id)
        except AggregateNotFoundError:
            return MentorLoad(id=load_id, tenant=tenant, actor=actor, mentor_id=mentor_id)
        if not isinstance(load, MentorLoad):
            raise NotFound("not_found", "Нагрузка наставника не найдена")
        return load
