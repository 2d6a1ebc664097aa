"""The bases of mentors and mentees: registration, consents, profiles, staff roles, erasure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from shared.dictionaries import MenteeCategory, MentoringForm, school_year_of
from shared.indicators import check_school_year
from shared.kernel.aggregate import actor_of
from shared.kernel.command import Caller, allowed, caller_of
from shared.kernel.errors import InvalidInput, RuleViolated
from shared.kernel.ports import PendingKeys
from shared.kernel.principal import PARTICIPANTS, SCHOOL_MANAGEMENT, Principal, Role
from shared.kernel.scope import Scope, label

from ..domain import (
    AppointingAct,
    InformationSource,
    MeetingFrequency,
    MeetingPreference,
    MentorQuestionnaire,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    Person,
    PersonKind,
    StaffAppointment,
    StaffRole,
)
from .base import (
    SCHOOL_EDITORS,
    SCHOOL_FOUNDERS,
    NewConsent,
    RegistryBase,
)


@dataclass(frozen=True)
class NewPerson:
    school_id: UUID
    kind: PersonKind
    full_name: str
    birth_date: date | None
    roles: list[ParticipantRole]
    grade: str | None = None
    contacts: str | None = None
    mentor_capacity: int = 1
    position: str | None = None
    teaching_since: date | None = None
    partner_id: UUID | None = None
    consent: NewConsent | None = None
    id: UUID | None = None
    other_kinds: list[PersonKind] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionnaireAnswers:
    competences: list[str]
    interests: list[str]
    hours_per_month: int
    meeting_frequency: MeetingFrequency
    meeting_format: MeetingPreference
    capacity: int
    preferred_age_min: int | None = None
    preferred_age_max: int | None = None
    preferred_categories: list[MenteeCategory] = field(default_factory=list)
    experience: str | None = None


@dataclass(frozen=True)
class NewAppointment:
    """A staff role as its appointing act gives it."""

    forms: list[MentoringForm] = field(default_factory=list)
    area: str | None = None
    since: date | None = None  # the day of recording if none
    duties: list[str] = field(default_factory=list)
    act: AppointingAct = field(default_factory=AppointingAct)
    until: date | None = None


@dataclass
class Prepared:
    """A registration checked and sealed, ready to be saved (alone or with a whole file)."""

    person: Person
    fingerprint: bytes


# What a staff role lets its holder's token do (working group and council members act through
# the coordinator, so their roles give no token of their own).
TOKEN_ROLES = {
    StaffRole.DIRECTOR: Role.SCHOOL_DIRECTOR,
    StaffRole.COORDINATOR: Role.SCHOOL_COORDINATOR,
    StaffRole.CURATOR: Role.SCHOOL_CURATOR,
}


def token_role_of(person: Person) -> Role:
    """The token role a person's staff roles give, the widest first."""
    for staff_role, role in TOKEN_ROLES.items():
        if staff_role in person.staff_roles:
            return role
    raise RuleViolated("no_staff_role", "У этого человека нет роли в школе, дающей доступ")


class PeopleCommands(RegistryBase):
    # Organisations

    # People

    @allowed(SCHOOL_EDITORS, "вносить людей в базы школы")
    def register_person(self, caller: Caller, new: NewPerson) -> tuple[Person, int]:
        school = self._open_school(caller, new.school_id)
        pending = self.keys.pending()
        prepared = self.prepare(caller, school, new, pending)
        return prepared.person, self.save_prepared(school.id, [prepared], pending)

    def prepare(
        self, principal: Principal, school: Organisation, new: NewPerson, pending: PendingKeys
    ) -> Prepared:
        """Check a registration and seal its personal data with new keys; nothing is stored."""
        kinds = {new.kind, *new.other_kinds}
        Person.check_registration(kinds, new.roles, new.birth_date, self.today())
        if new.partner_id is not None:
            partner = self.load(Organisation, new.partner_id, "Организация-партнёр")
            if partner.kind != OrganisationKind.PARTNER:
                raise InvalidInput("not_a_partner", "Указанная организация не партнёр")
        person_id = new.id or uuid4()
        personal = {
            "full_name": new.full_name,
            "birth_date": new.birth_date,
            "contacts": new.contacts,
        }
        person = Person(
            id=person_id,
            tenant=school.tenant,
            actor=actor_of(principal),
            school_id=school.id,
            kind=new.kind,
            personal=pending.seal(person_id, personal),
            birth_year=new.birth_date.year if new.birth_date else None,
            grade=new.grade,
            roles=list(new.roles),
            mentor_capacity=new.mentor_capacity,
            position=new.position,
            teaching_since=new.teaching_since,
            partner_id=new.partner_id,
            other_kinds=sorted(kinds - {new.kind}),
        )
        if new.consent is not None:
            self._sign(principal, person, new.birth_date, new.consent, pending)
        fingerprint = self.index.fingerprint(school.id, new.full_name, new.birth_date, new.kind)
        return Prepared(person, fingerprint)

    def save_prepared(self, school_id: UUID, prepared: list[Prepared], pending: PendingKeys) -> int:
        """Save all the registrations in one transaction, or none of them: their events, their
        new data keys and their fingerprints (a duplicate refuses the whole save)."""
        entries = {p.fingerprint: p.person.id for p in prepared}
        return self.store_with_keys(
            pending, *(p.person for p in prepared), also=self.index.reservation(school_id, entries)
        )

    @allowed(SCHOOL_EDITORS, "изменять базы школы")
    def sign_consent(
        self, caller: Caller, person_id: UUID, consent: NewConsent
    ) -> tuple[UUID, int]:
        person = self._person_in_scope(caller, person_id)
        personal = self._personal(person)
        birth_date = date.fromisoformat(personal["birth_date"]) if personal["birth_date"] else None
        pending = self.keys.pending()
        consent_id = self._sign(caller, person, birth_date, consent, pending)
        position = self.store_with_keys(pending, person)
        self.erasures.update(person)
        return consent_id, position

    @allowed(SCHOOL_EDITORS | {Role.LEGAL_REPRESENTATIVE}, "отзывать согласия")
    def withdraw_consent(
        self, caller: Caller, person_id: UUID, consent_id: UUID, withdrawn_on: date
    ) -> int:
        """Recorded by the school, or withdrawn by the legal representative who signed it."""
        caller.acts_for(person_id)
        person = self._person_in_scope(caller, person_id)
        if caller.role == Role.LEGAL_REPRESENTATIVE:
            person.check_signed_by_representative(consent_id)
        person.withdraw_consent(caller.actor, consent_id, withdrawn_on, self.today())
        position = self.store(person)
        self.erasures.update(person)
        return position

    @allowed(SCHOOL_EDITORS | PARTICIPANTS, "менять рассылку напоминаний")
    def set_mail_reminders(self, caller: Caller, person_id: UUID, by_mail: bool) -> int:
        """A participant unsubscribes themselves (or subscribes again); staff record a refusal
        given to them."""
        caller.acts_for(person_id)
        person = self._person_in_scope(caller, person_id)
        person.set_mail_reminders(caller.actor, by_mail)
        return self.store(person)

    @allowed(frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}), "указывать иное правовое основание")
    def record_legal_basis(self, caller: Caller, person_id: UUID, basis: str) -> int:
        person = self._person_in_scope(caller, person_id)
        person.record_legal_basis(caller.actor, basis)
        position = self.store(person)
        self.erasures.update(person)
        return position

    @allowed(
        frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}),
        "удалять персональные данные (это приказ руководителя школы)",
    )
    def erase_person(self, caller: Caller, person_id: UUID, reason: str) -> int:
        """Destroy a person's personal data: delete every key of it, and of everyone only the
        person's records carry (see `Person.erase`), then record the erasure.

        Keys go first, so that no reader can decrypt anything once the event exists; if the
        event cannot be stored, erasing again finishes the work.
        """
        person = self.load(Person, person_id, "Человек")
        caller.require_scope(self.school(person.school_id).tenant)
        carried = self.keys.carried_by(person.id)
        subjects = person.erase(caller.actor, reason, self.today(), carried)
        self.keys.delete_many(subjects)
        self.index.forget(person.id)
        position = self.store(person)
        self.erasures.update(person)
        return position

    def erase_due(self, day: date) -> list[UUID]:
        """Erase everyone whose 30 days after withdrawal have run out (the daily job)."""
        system = Principal("erasure-schedule", Role.OPERATOR, Scope(""))
        erased = []
        for person_id in self.erasures.due(day):
            self.erase_person(system, person_id, "30 дней после отзыва согласия (152-ФЗ, ст. 21)")
            erased.append(person_id)
        self.erasures.record_run(len(erased))
        return erased

    def assign_staff_role(
        self, principal: Principal, person_id: UUID, role: StaffRole, new: NewAppointment
    ) -> int:
        """A staff role from the day its act gives (the day of recording if none)."""
        # A director is appointed by the school's founder; other roles by the school itself.
        roles = (
            SCHOOL_FOUNDERS if role == StaffRole.DIRECTOR else SCHOOL_MANAGEMENT | {Role.OPERATOR}
        )
        caller = caller_of(principal, roles, f"назначать роль «{role}»")
        person = self._person_in_scope(caller, person_id)
        if new.act.act_id is not None:
            self._check_appointing_act(new.act.act_id, self.school(person.school_id))
        today = self.today()
        appointment = StaffAppointment(
            forms=new.forms,
            area=new.area,
            since=new.since or today,
            duties=new.duties,
            act=new.act,
            until=new.until,
        )
        person.assign_staff_role(caller.actor, role, appointment, today)
        return self.store(person)

    def _check_appointing_act(self, act_id: UUID, school: Organisation) -> None:
        """An act of the school's register, or of an organisation above it (the founder
        appoints the director), never another school's."""
        issuer = self.acts.issuer_of(act_id)
        if issuer is None:
            raise RuleViolated("act_not_found", "Такого акта нет в реестре актов", field="act_id")
        if label(issuer) not in school.tenant.split("."):
            raise RuleViolated(
                "act_of_other_organisation",
                "Акт о назначении издан другой организацией: укажите акт своей школы"
                " или её учредителя",
                field="act_id",
            )

    def revoke_staff_role(
        self, principal: Principal, person_id: UUID, role: StaffRole, until: date | None = None
    ) -> int:
        roles = (
            SCHOOL_FOUNDERS if role == StaffRole.DIRECTOR else SCHOOL_MANAGEMENT | {Role.OPERATOR}
        )
        caller = caller_of(principal, roles, f"снимать роль «{role}»")
        person = self._person_in_scope(caller, person_id)
        today = self.today()
        person.revoke_staff_role(caller.actor, role, until or today, today)
        return self.store(person)

    @allowed(SCHOOL_EDITORS, "изменять базы школы")
    def record_mentee_profile(
        self,
        caller: Caller,
        person_id: UUID,
        categories: list[MenteeCategory],
        requests: str | None,
        needs: list[str],
        school_year: str | None = None,
    ) -> int:
        """This school year's request unless another is named; each year's is kept apart."""
        year = school_year or school_year_of(self.today())
        check_school_year(year)
        person = self._person_in_scope(caller, person_id)
        sealed = self._seal_text(person, "requests", requests)
        person.record_mentee_profile(caller.actor, year, categories, sealed, needs)
        return self.store(person)

    @allowed(SCHOOL_EDITORS, "изменять базы школы")
    def record_third_party_information(
        self, caller: Caller, person_id: UUID, source: InformationSource, information: str
    ) -> tuple[UUID, int]:
        person = self._person_in_scope(caller, person_id)
        information_id = uuid4()
        sealed = self.keys.seal(person.id, {"information": information})
        person.record_third_party_information(caller.actor, information_id, source, sealed)
        return information_id, self.store(person)

    @allowed(SCHOOL_EDITORS, "изменять базы школы")
    def record_mentor_questionnaire(
        self, caller: Caller, person_id: UUID, answers: QuestionnaireAnswers
    ) -> int:
        person = self._person_in_scope(caller, person_id)
        questionnaire = MentorQuestionnaire(
            competences=answers.competences,
            interests=answers.interests,
            preferred_age_min=answers.preferred_age_min,
            preferred_age_max=answers.preferred_age_max,
            preferred_categories=answers.preferred_categories,
            hours_per_month=answers.hours_per_month,
            meeting_frequency=answers.meeting_frequency,
            meeting_format=answers.meeting_format,
            capacity=answers.capacity,
            experience=self._seal_text(person, "experience", answers.experience),
        )
        person.record_mentor_questionnaire(caller.actor, questionnaire)
        return self.store(person)

    @allowed(SCHOOL_EDITORS, "изменять базы школы")
    def record_interview(
        self,
        caller: Caller,
        person_id: UUID,
        held_on: date,
        recommended: bool,
        note: str | None,
    ) -> int:
        person = self._person_in_scope(caller, person_id)
        sealed = self._seal_text(person, "note", note)
        person.record_interview(caller.actor, held_on, recommended, sealed)
        return self.store(person)

    # The regional base of mentors (kept by the institute)

    # Monitoring: the region's targets, schools' contingents, the self-audit checklist

    # Helpers
