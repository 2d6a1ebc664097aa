"""Commands on pairs and groups: forming (accepted suggestion, override or directive), the
director's order, the individual plan, meetings with feedback, and the end of the work."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from services.registry.state import ConsentKind, Organisation, ParticipantRole, Person, PersonKind
from shared.adapters.eventstore import aggregate_of
from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import AppError, InvalidInput, NotFound, RuleViolated
from shared.kernel.ports import Sealer
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import region_of

from ..domain import (
    Basis,
    EarlyEndReason,
    MeetingFormat,
    MeetingKind,
    MentorLoad,
    Outcome,
    Pair,
    PairsOrder,
    PlanTask,
    Programme,
    Pupil,
    SchoolClass,
    Side,
)
from .base import Batch, ProgramsBase, participant, school_of
from .programmes import CURATORS

DIRECTORS = frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR})
# A mentor keeps their own pairs' meetings and plan; a mentee gives their own feedback.
MENTORING = CURATORS | {Role.MENTOR}
FEEDBACK_AUTHORS = CURATORS | {Role.MENTOR, Role.MENTEE}


@dataclass(frozen=True)
class ClassSide:
    """A class named for one side of a group: its label (a pupil's grade, «7А») and its pupils
    as the caller read them from the school's base; each is checked against the registry."""

    label: str
    pupil_ids: tuple[UUID, ...]


@dataclass(frozen=True)
class NewPair:
    """A pair or group to form: `mentor_id` and `mentor_ids` are the mentors named as people
    (one, or a team), the classes come whole; supporting teachers stand beside the sides."""

    form: MentoringForm
    mentor_id: UUID | None
    mentee_ids: list[UUID]
    basis: Basis = Basis.CHOSEN
    id: UUID | None = None
    mentor_ids: tuple[UUID, ...] = ()
    mentor_classes: tuple[ClassSide, ...] = ()
    mentee_classes: tuple[ClassSide, ...] = ()
    supporting_ids: tuple[UUID, ...] = ()

    @property
    def mentors_in_person(self) -> list[UUID]:
        return [*([self.mentor_id] if self.mentor_id else []), *self.mentor_ids]

    @property
    def classes(self) -> list[SchoolClass]:
        return [
            SchoolClass(side, c.label, c.pupil_ids)
            for side, sides in (
                (Side.MENTOR, self.mentor_classes),
                (Side.MENTEE, self.mentee_classes),
            )
            for c in sides
        ]

    def side(self, side: Side) -> list[UUID]:
        """Every person of a side: those named, then each class's pupils."""
        named = self.mentors_in_person if side == Side.MENTOR else self.mentee_ids
        return [*named, *(p for c in self.classes if c.side == side for p in c.pupil_ids)]

    @property
    def people(self) -> list[UUID]:
        return [*self.side(Side.MENTOR), *self.side(Side.MENTEE), *self.supporting_ids]


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


@dataclass(frozen=True)
class PlannedMeeting:
    starts_on: date
    start_time: str
    duration_minutes: int
    place: str
    topic: str


@dataclass(frozen=True)
class MemberFeedback:
    """A participant's own feedback on a meeting (in a group, each mentee gives theirs)."""

    author_id: UUID
    feedback: Feedback


@dataclass(frozen=True)
class JournalEntry:
    """A meeting of a pair or group as the school's journal has it, with the feedback its
    members gave on it."""

    pair_id: UUID
    meeting: NewMeeting
    members: tuple[MemberFeedback, ...] = ()


@dataclass(frozen=True)
class Ending:
    outcome: Outcome
    ended_on: date
    initiator: Side = Side.SCHOOL
    reason: EarlyEndReason | None = None
    summary: str = ""  # outcomes in the curator's words


class PairCommands(ProgramsBase):
    def form_pair(
        self,
        principal: Principal,
        programme_id: UUID,
        form: MentoringForm,
        mentor_id: UUID | None,
        mentee_ids: list[UUID],
        basis: Basis = Basis.CHOSEN,
        pair_id: UUID | None = None,
    ) -> tuple[Pair, int]:
        """A pair (one mentee) or a group (several); it waits for the director's order."""
        new = NewPair(form, mentor_id, mentee_ids, basis, pair_id)
        return self.form_group(principal, programme_id, new)

    def form_group(
        self, principal: Principal, programme_id: UUID, new: NewPair
    ) -> tuple[Pair, int]:
        """A pair or group with any sides: a team of mentors, classes, supporting teachers."""
        pairs, position = self.form_pairs(principal, programme_id, [new])
        return pairs[0], position

    @allowed(CURATORS, "формировать пары")
    def form_pairs(
        self, caller: Caller, programme_id: UUID, new_pairs: Sequence[NewPair]
    ) -> tuple[list[Pair], int]:
        """Pairs and groups of one programme at once (e.g. the whole assignment matching
        suggests), all or none (`Batch`): each checked as one pair is, a mentor's free places
        counted across the batch. The school and the people are read in one query, the
        mentors' loads in another, and everything is saved together."""
        programme = self.load(Programme, programme_id, "Программа")
        people = {p for new in new_pairs for p in new.people}
        found, _ = self._registry([programme.school_id, *people])
        school = school_of(found, programme.school_id)
        caller.in_school(programme, school.tenant)
        actor = caller.actor
        mentors = {m for new in new_pairs for m in new.mentors_in_person}
        loads = self._mentor_loads(programme.tenant, actor, mentors)
        for load in loads.values():
            caller.in_school(load, school.tenant)
        current = self._current_pairs(loads.values())
        today = self.today()
        batch = Batch(new_pairs)
        pairs = batch.each(
            lambda new: self._formed(actor, programme, new, found, loads, current, today)
        )
        batch.accept()
        return pairs, self.store(programme, *pairs, *loads.values())

    @staticmethod
    def _formed(
        actor: Actor,
        programme: Programme,
        new: NewPair,
        people: dict[UUID, Any],
        loads: dict[UUID, MentorLoad],
        current: list[Pair],
        today: date,
    ) -> Pair:
        programme.check_runs(new.form)
        mentor_ids, mentee_ids = new.side(Side.MENTOR), new.side(Side.MENTEE)
        Pair.check_members(mentor_ids, mentee_ids, new.supporting_ids)
        Pair.check_not_formed(new.form, mentor_ids, mentee_ids, current)
        for school_class in new.classes:
            Pair.check_class(
                school_class, programme.school_id, _pupils(people, school_class.pupil_ids)
            )
        mentors, mentees = _sides_checked(new, programme.school_id, people, today)
        Pair.check_sides(
            MentoringForm(new.form),
            [str(mentor.kind) for mentor in mentors.values()],
            [str(mentee.kind) for mentee in mentees],
        )
        pair = Pair(
            id=new.id or uuid4(),
            tenant=programme.tenant,
            actor=actor,
            programme_id=programme.id,
            form=new.form,
            mentor_ids=mentor_ids,
            mentee_ids=mentee_ids,
            classes=[c.as_dict() for c in new.classes],
            supporting_ids=list(new.supporting_ids),
            basis=new.basis,
        )
        for mentor_id in new.mentors_in_person:
            capacity = mentors[mentor_id].mentor_capacity
            loads[mentor_id].assign(actor, pair.id, len(mentee_ids), capacity)
        return pair

    @allowed(CURATORS, "расформировывать пары")
    def dissolve_pair(self, caller: Caller, pair_id: UUID, reason: str) -> int:
        """The curator withdraws a proposed pair (the mentor's places are freed)."""
        pair, programme = self._pair_in_school(caller, pair_id)
        actor = caller.actor
        sealed, pending = self._pair_text(pair, {"reason": reason})
        pair.dissolve(actor, sealed)
        loads = self._released(programme.tenant, actor, pair)
        return self.store(pair, *loads, riding=self.keys.riding(pending))

    @allowed(DIRECTORS, "утверждать пары (это приказ директора)")
    def approve_pairs(
        self,
        caller: Caller,
        programme_id: UUID,
        number: str,
        order_date: date,
        pair_ids: list[UUID],
    ) -> tuple[UUID, int]:
        """The director's order approving pairs; consents are checked again against the
        registry, and a teacher mentor needs the written consent to the extra duty."""
        programme = self._programme(caller, programme_id)
        PairsOrder.check_date(order_date, self.today())
        PairsOrder.check_list(pair_ids)
        # Every pair, then every member, in one query each; checked pair by pair.
        found, _ = self.find_many(pair_ids)
        members = [pair for pair in found.values() if isinstance(pair, Pair)]
        people, _ = self._registry(person for pair in members for person in pair.people)
        region = self._region_of(programme.school_id)
        pairs = [
            self._approvable(
                caller, programme, found.get(pair_id), pair_id, people, order_date, region
            )
            for pair_id in pair_ids
        ]
        order = PairsOrder(
            id=uuid4(),
            tenant=programme.tenant,
            actor=caller.actor,
            school_id=programme.school_id,
            programme_id=programme.id,
            number=number,
            order_date=order_date,
            pair_ids=pair_ids,
        )
        for pair in pairs:
            pair.approve(caller.actor, order.id, number, order_date)
        return order.id, self.store(programme, order, *pairs)

    def _approvable(
        self,
        caller: Caller,
        programme: Programme,
        pair: Any,
        pair_id: UUID,
        people: dict[UUID, Any],
        order_date: date,
        region: Organisation,
    ) -> Pair:
        if not isinstance(pair, Pair):
            raise NotFound("not_found", "Пара не найден(а)", id=str(pair_id))
        if pair.programme_id != programme.id:
            raise RuleViolated(
                "pair_of_other_programme", "Пара из другой программы", pair_id=str(pair_id)
            )
        pair.follow_school(caller.actor, programme.tenant)
        self._check_people(pair, programme.school_id, people, order_date)
        sides = region.sides_consenting_to_duty(pair.form)
        consenting = [
            (people[person_id], who)
            for side, who, ids in (
                (ParticipantRole.MENTOR, "наставника", pair.mentors_in_person),
                (ParticipantRole.MENTEE, "наставляемого", pair.mentee_ids),
            )
            if side in sides
            for person_id in ids
        ]
        for person, who in consenting:
            if person.is_employee() and not person.has_valid_consent(
                ConsentKind.ADDITIONAL_DUTY, order_date
            ):
                raise RuleViolated(
                    "duty_consent_missing",
                    f"Нет письменного согласия {who}-работника школы на дополнительную работу"
                    " по наставничеству (ст. 351.8 ТК РФ, правило региона)",
                    person_id=str(person.id),
                )
        return pair

    def _region_of(self, school_id: UUID) -> Organisation:
        """The region whose rules a school's orders follow."""
        school = self.registry.load(Organisation, school_id, "Школа")
        return self.registry.load(Organisation, UUID(hex=region_of(school.tenant)), "Регион")

    @allowed(CURATORS, "составлять планы пар")
    def draw_up_plan(
        self,
        caller: Caller,
        pair_id: UUID,
        starts_on: date,
        ends_on: date,
        goals: list[str],
        tasks: list[tuple[str, date]],
    ) -> int:
        pair, _ = self._pair_in_school(caller, pair_id)
        plan_tasks = [PlanTask(id=uuid4(), title=title, due_on=due) for title, due in tasks]
        pair.draw_up_plan(caller.actor, starts_on, ends_on, goals, plan_tasks)
        return self.store(pair)

    @allowed(MENTORING, "отмечать задачи плана")
    def complete_task(
        self, caller: Caller, pair_id: UUID, task_id: UUID, completed_on: date
    ) -> int:
        pair, _ = self._pair_in_school(caller, pair_id)
        caller.acts_for(pair.mentor_id)
        pair.complete_task(caller.actor, task_id, completed_on)
        return self.store(pair)

    @allowed(MENTORING, "планировать встречи")
    def plan_meeting(
        self, caller: Caller, pair_id: UUID, planned: PlannedMeeting
    ) -> tuple[UUID, int]:
        """The next meeting of a working pair whose members' consents hold."""
        pair = self.load(Pair, pair_id, "Пара")
        caller.acts_for(pair.mentor_id)
        school_id = self._school_of_programme(pair.programme_id)
        found, _ = self._registry([school_id, *pair.people], authors=[])
        caller.in_school(pair, school_of(found, school_id).tenant)
        self._check_people(pair, school_id, found)
        meeting_id = uuid4()
        pair.plan_meeting(
            caller.actor,
            meeting_id,
            planned.starts_on,
            planned.start_time,
            planned.duration_minutes,
            planned.place,
            planned.topic,
            self.today(),
        )
        return meeting_id, self.store(pair)

    @allowed(MENTORING, "записывать встречи")
    def record_meeting(
        self, caller: Caller, pair_id: UUID, meeting: NewMeeting
    ) -> tuple[UUID, int]:
        pair = self.load(Pair, pair_id, "Пара")
        caller.acts_for(pair.mentor_id)
        if meeting.mentee is not None:  # a mentor does not rate for the mentee
            caller.acts_for(pair.mentee_ids[0])
        school_id = self._school_of_programme(pair.programme_id)
        # The school, the members and the keys of the comments' authors in one round trip.
        found, sealer = self._registry([school_id, *pair.people], authors=_authors(pair, meeting))
        caller.in_school(pair, school_of(found, school_id).tenant)
        meeting_id = self._record_checked(
            caller.actor,
            pair,
            meeting,
            lambda: self._check_people(pair, school_id, found),
            sealer,
        )
        return meeting_id, self.store(pair)

    @allowed(CURATORS, "записывать встречи")
    def record_meetings(self, caller: Caller, entries: Sequence[JournalEntry]) -> int:
        """Meetings of many pairs and groups at once (e.g. a school's paper journal typed in),
        with the group members' feedback, all or none (`Batch`): each checked as
        `record_meeting` and `give_feedback` check one. The pairs are read in one query, their
        programmes in another, the schools, the members and the comments' authors' keys in a
        third; everything is saved together."""
        pairs, _ = self.find_many({entry.pair_id for entry in entries})
        known = [pair for pair in pairs.values() if isinstance(pair, Pair)]
        programmes, _ = self.find_many({pair.programme_id for pair in known})
        schools = [p.school_id for p in programmes.values() if isinstance(p, Programme)]
        found, sealer = self._registry(
            [*schools, *(person for pair in known for person in pair.people)],
            authors=[
                author
                for entry in entries
                if isinstance(pair := pairs.get(entry.pair_id), Pair)
                for author in _authors(pair, entry.meeting, entry.members)
            ],
        )
        actor = caller.actor
        followed: dict[UUID, Pair] = {}
        # A pair's members are checked once: the batch's reads and day are the same for each of
        # its meetings, and so is the answer.
        members_checked: dict[UUID, AppError | None] = {}

        def check_members(pair: Pair, programme: Programme) -> None:
            if pair.id not in members_checked:
                try:
                    self._check_people(pair, programme.school_id, found)
                    members_checked[pair.id] = None
                except AppError as error:
                    members_checked[pair.id] = error
            if (refusal := members_checked[pair.id]) is not None:
                raise refusal

        def recorded(entry: JournalEntry) -> None:
            pair = aggregate_of(pairs, Pair, entry.pair_id, "Пара")
            programme = aggregate_of(programmes, Programme, pair.programme_id, "Программа")
            if pair.id not in followed:
                caller.in_school(pair, school_of(found, programme.school_id).tenant)
                followed[pair.id] = pair
            meeting_id = self._record_checked(
                actor, pair, entry.meeting, lambda: check_members(pair, programme), sealer
            )
            for member in entry.members:
                self._feedback(actor, pair, programme, meeting_id, member, found, sealer)

        batch = Batch(entries)
        batch.each(recorded)
        batch.accept()
        return self.store(*followed.values())

    @allowed(FEEDBACK_AUTHORS, "записывать отзывы о встречах")
    def give_feedback(
        self,
        caller: Caller,
        pair_id: UUID,
        meeting_id: UUID,
        author_id: UUID,
        feedback: Feedback,
    ) -> int:
        """A participant's rating and comment on a meeting, given after it (by staff for
        them, or by the participant themselves)."""
        caller.acts_for(author_id)
        pair, programme = self._pair_in_school(caller, pair_id)
        found, sealer = self._registry([author_id], authors=[author_id])
        member = MemberFeedback(author_id, feedback)
        self._feedback(caller.actor, pair, programme, meeting_id, member, found, sealer)
        return self.store(pair)

    @allowed(CURATORS, "завершать работу пар")
    def end_pair(self, caller: Caller, pair_id: UUID, ending: Ending) -> int:
        """Completed, or ended early by either side with a reason; the mentor's places free up.
        The summary is sealed with the pair's key (see `_pair_text`)."""
        pair, programme = self._pair_in_school(caller, pair_id)
        actor = caller.actor
        summary, pending = self._pair_text(pair, {"summary": ending.summary})
        pair.end(
            actor,
            ending.outcome,
            ending.ended_on,
            ending.initiator,
            ending.reason,
            summary,
            self.today(),
        )
        loads = self._released(programme.tenant, actor, pair)
        return self.store(pair, *loads, riding=self.keys.riding(pending))

    def _check_people(
        self, pair: Pair, school_id: UUID, found: dict[UUID, Any], day: date | None = None
    ) -> None:
        """No new processing of a person whose consent was withdrawn or whose data was erased."""
        day = day or self.today()
        for what, ids in (
            ("Наставник", pair.mentor_ids),
            ("Наставляемый", pair.mentee_ids),
            ("Сопровождающий", pair.supporting_ids),
        ):
            for person_id in ids:
                participant(found, school_id, person_id, what, day)

    def _record_checked(
        self,
        actor: Actor,
        pair: Pair,
        meeting: NewMeeting,
        check_people: Callable[[], None],
        sealer: Sealer,
    ) -> UUID:
        """A meeting checked (its place in the sequence, the members' consents, the ratings)
        and recorded on the pair, its comments sealed with their authors' keys."""
        meeting_id = meeting.id or uuid4()
        pair.check_not_recorded(
            meeting.kind,
            meeting.held_on,
            meeting.duration_minutes,
            meeting.meeting_format,
            meeting.topic,
        )
        pair.check_meeting(meeting_id, meeting.kind, meeting.held_on, self.today())
        check_people()
        if meeting.mentee and len(pair.mentee_ids) > 1:
            raise InvalidInput(
                "group_feedback", "В группе каждый наставляемый оставляет отзыв отдельно"
            )
        for feedback in (meeting.mentor, meeting.mentee):
            _check_rating(feedback.rating if feedback else None)
        pair.record_meeting(
            actor,
            meeting_id=meeting_id,
            kind=meeting.kind,
            held_on=meeting.held_on,
            duration_minutes=meeting.duration_minutes,
            meeting_format=meeting.meeting_format,
            topic=meeting.topic,
            mentor_rating=meeting.mentor.rating if meeting.mentor else None,
            mentor_comment=self._comment(pair.mentor_id, meeting.mentor, sealer),
            mentee_rating=meeting.mentee.rating if meeting.mentee else None,
            mentee_comment=self._comment(pair.mentee_ids[0], meeting.mentee, sealer),
            today=self.today(),
        )
        return meeting_id

    def _feedback(
        self,
        actor: Actor,
        pair: Pair,
        programme: Programme,
        meeting_id: UUID,
        member: MemberFeedback,
        found: dict[UUID, Any],
        sealer: Sealer,
    ) -> None:
        """A participant's feedback on a recorded meeting, checked and given."""
        author_id, feedback = member.author_id, member.feedback
        pair.check_feedback(meeting_id, author_id)
        participant(found, programme.school_id, author_id, "Автор отзыва", self.today())
        _check_rating(feedback.rating)
        if feedback.rating is None and not feedback.comment:
            raise InvalidInput("empty_feedback", "Поставьте оценку или напишите отзыв")
        comment = self._comment(author_id, feedback, sealer)
        pair.give_feedback(actor, meeting_id, author_id, feedback.rating, comment)

    def _comment(
        self, author: UUID, feedback: Feedback | None, sealer: Sealer | None = None
    ) -> Any:
        return self._seal(author, {"comment": feedback.comment}, sealer) if feedback else None

    def _released(self, tenant: str, actor: Actor, pair: Pair) -> list[MentorLoad]:
        """The loads of the pair's mentors named in person, each with the pair's places freed."""
        loads = list(self._mentor_loads(tenant, actor, pair.mentors_in_person).values())
        for load in loads:
            load.release(actor, pair.id)
        return loads

    def _current_pairs(self, loads: Iterable[MentorLoad]) -> list[Pair]:
        """The mentors' pairs not ended or dissolved (their loads hold them), in one query."""
        found, _ = self.find_many(pair_id for load in loads for pair_id in load.pairs)
        return [pair for pair in found.values() if isinstance(pair, Pair)]

    def _mentor_loads(
        self, tenant: str, actor: Actor, mentor_ids: Iterable[UUID]
    ) -> dict[UUID, MentorLoad]:
        """The mentors' loads, read in one query; a mentor without one yet gets a new one."""
        ids = {MentorLoad.id_for(mentor_id): mentor_id for mentor_id in mentor_ids}
        found, _ = self.find_many(ids)
        loads = {}
        for load_id, mentor_id in ids.items():
            load = found.get(load_id)
            if not isinstance(load, MentorLoad):
                load = MentorLoad(id=load_id, tenant=tenant, actor=actor, mentor_id=mentor_id)
            loads[mentor_id] = load
        return loads


def _authors(pair: Pair, meeting: NewMeeting, members: Sequence[MemberFeedback] = ()) -> list[UUID]:
    """Who wrote the free text of a meeting's feedback (sealed with their keys)."""
    sides = (
        (pair.mentor_id, meeting.mentor),
        (pair.mentee_ids[0], meeting.mentee),
        *((member.author_id, member.feedback) for member in members),
    )
    return [author for author, feedback in sides if feedback and feedback.comment]


def _sides_checked(
    new: NewPair, school_id: UUID, people: dict[UUID, Any], today: date
) -> tuple[dict[UUID, Person], list[Person]]:
    """The sides' people whom the platform may process (`participant`): the mentors by id, the
    mentees; those named in person are of their base (a class's pupils come as the class), a
    supporting teacher is a teacher of the school."""
    mentors = {
        m: participant(people, school_id, m, "Наставник", today) for m in new.side(Side.MENTOR)
    }
    mentees = [
        participant(people, school_id, m, "Наставляемый", today) for m in new.side(Side.MENTEE)
    ]
    for mentor_id in new.mentors_in_person:
        if not mentors[mentor_id].is_mentor():
            raise RuleViolated(
                "not_a_mentor", "Этот человек не в базе наставников", person_id=str(mentor_id)
            )
    for mentee in mentees:
        if mentee.id in new.mentee_ids and not mentee.is_mentee():
            raise RuleViolated(
                "not_a_mentee", "Этот человек не в базе наставляемых", person_id=str(mentee.id)
            )
    for supporting_id in new.supporting_ids:
        supporting = participant(people, school_id, supporting_id, "Сопровождающий", today)
        if PersonKind.TEACHER not in supporting.kinds:
            raise RuleViolated(
                "supporting_not_teacher",
                "Сопровождающий группу — педагог школы",
                person_id=str(supporting_id),
            )
    return mentors, mentees


def _pupils(people: dict[UUID, Any], pupil_ids: Iterable[UUID]) -> list[Pupil]:
    """The pupils named for a class as the registry has them (one not found is refused as a
    participant is, by `participant`)."""
    return [
        Pupil(person.id, person.school_id, person.grade)
        for pupil_id in pupil_ids
        if isinstance(person := people.get(pupil_id), Person)
    ]


def _check_rating(rating: int | None) -> None:
    if rating is not None and not 1 <= rating <= 10:
        raise InvalidInput("rating_out_of_scale", "Оценка должна быть от 1 до 10")
