"""Registry commands: a thin layer that checks the caller, seals personal data and saves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from uuid import UUID, uuid4

from shared.auth import SCHOOL_MANAGEMENT, SCHOOL_STAFF, Principal, Role
from shared.dictionaries import MenteeCategory, MentoringForm
from shared.errors import InvalidInput, RuleViolated
from shared.event_recorder import SideWrite
from shared.eventstore import EventStoreApplication, actor_of
from shared.indicators import check_school_year
from shared.keystore import KeyVault, PendingKeys
from shared.personal_data import Sealed
from shared.tenancy import Scope, child_path, region_of

from .domain import (
    ConsentKind,
    IndicatorTargets,
    InformationSource,
    MeetingFrequency,
    MeetingPreference,
    MentorQuestionnaire,
    MentorRegister,
    Organisation,
    OrganisationKind,
    ParticipantRole,
    PartnerKind,
    Person,
    PersonKind,
    SchoolContingent,
    SelfAudit,
    StaffRole,
    TrainingCourse,
    check_parent,
    yearly_id,
)
from .erasures import ErasureSchedule
from .person_index import PersonIndex

# Who may create, rename or close which kind of organisation (always within their own scope).
ORGANISATION_MANAGERS: dict[OrganisationKind, frozenset[Role]] = {
    OrganisationKind.REGION: frozenset({Role.OPERATOR}),
    OrganisationKind.INSTITUTE: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.MUNICIPALITY: frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
    OrganisationKind.SCHOOL: frozenset(
        {Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER}
    ),
    OrganisationKind.PARTNER: frozenset(
        {Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER}
    ),
}
SCHOOL_FOUNDERS = frozenset({Role.OPERATOR, Role.REGION_OFFICER, Role.MUNICIPALITY_OFFICER})
SCHOOL_EDITORS = SCHOOL_STAFF | {Role.OPERATOR}
INSTITUTE = frozenset({Role.OPERATOR, Role.INSTITUTE_METHODOLOGIST})
TARGET_SETTERS = frozenset({Role.OPERATOR, Role.REGION_OFFICER})
SELF_AUDIT_REVIEWERS = frozenset(
    {Role.OPERATOR, Role.MUNICIPALITY_OFFICER, Role.INSTITUTE_METHODOLOGIST}
)

ADULT_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@dataclass(frozen=True)
class NewConsent:
    kind: ConsentKind
    signed_on: date
    expires_on: date | None = None
    representative_name: str | None = None
    relation: str | None = None


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
class Contingent:
    """What a school reports for a school year (see `SchoolContingent`)."""

    students: int
    students_10_18: int
    students_15_19: int
    teachers: int
    young_teachers: int
    monitoring_from: date | None = None
    monitoring_to: date | None = None


@dataclass
class Prepared:
    """A registration checked and sealed, ready to be saved (alone or with a whole file)."""

    person: Person
    fingerprint: bytes | None


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


TYearly = TypeVar("TYearly", IndicatorTargets, SchoolContingent, SelfAudit)
YEARLY_KINDS: dict[type[Any], str] = {
    IndicatorTargets: "targets",
    SchoolContingent: "contingent",
    SelfAudit: "self-audit",
}


class RegistryState(EventStoreApplication):
    """Read-only access to the registry's aggregates (same table, same name), for the other
    services and tools that must decide from the registry's own state."""

    name = "registry"


class Registry(EventStoreApplication):
    name = "registry"

    def __init__(
        self,
        *args: Any,
        keys: KeyVault,
        index: PersonIndex,
        erasures: ErasureSchedule,
        today: Callable[[], date] = date.today,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.keys = keys
        self.index = index
        self.erasures = erasures
        self.today = today  # the region's date

    # Organisations

    def register_organisation(
        self,
        principal: Principal,
        kind: OrganisationKind,
        name: str,
        parent_id: UUID | None,
        organisation_id: UUID | None = None,
        partner_kind: PartnerKind | None = None,
    ) -> tuple[Organisation, int]:
        principal.require(ORGANISATION_MANAGERS[kind], f"создавать: {kind}")
        parent = (
            self.load(Organisation, parent_id, "Вышестоящая организация") if parent_id else None
        )
        check_parent(kind, parent.kind if parent else None)
        if parent is not None:
            principal.require_scope(parent.tenant)
            parent.check_open()
        if kind == OrganisationKind.PARTNER and partner_kind is None:
            raise InvalidInput("partner_kind_missing", "Укажите вид организации-партнёра")
        new_id = organisation_id or uuid4()
        organisation = Organisation(
            id=new_id,
            tenant=child_path(parent.tenant if parent else "", new_id),
            actor=actor_of(principal),
            kind=kind,
            name=name,
            parent_id=parent_id,
            partner_kind=partner_kind,
        )
        return organisation, self.store(organisation)

    def rename_organisation(self, principal: Principal, organisation_id: UUID, name: str) -> int:
        organisation = self._managed(principal, organisation_id, "переименовывать")
        organisation.rename(actor_of(principal), name)
        return self.store(organisation)

    def close_organisation(
        self, principal: Principal, organisation_id: UUID, closed_on: date, reason: str
    ) -> int:
        organisation = self._managed(principal, organisation_id, "закрывать")
        organisation.close(actor_of(principal), closed_on, reason)
        return self.store(organisation)

    def move_school(
        self, principal: Principal, school_id: UUID, municipality_id: UUID
    ) -> tuple[str, int]:
        principal.require(
            frozenset({Role.OPERATOR, Role.REGION_OFFICER}),
            "переводить школы между муниципалитетами",
        )
        school = self.school(school_id)
        municipality = self.load(Organisation, municipality_id, "Муниципалитет")
        principal.require_scope(region_of(school.tenant))
        school.move(actor_of(principal), municipality, child_path(municipality.tenant, school.id))
        return school.tenant, self.store(school)

    def sign_agreement(
        self,
        principal: Principal,
        partner_id: UUID,
        school_id: UUID,
        number: str,
        signed_on: date,
        valid_until: date | None,
        subject: str,
    ) -> tuple[UUID, int]:
        principal.require(SCHOOL_FOUNDERS | SCHOOL_MANAGEMENT, "заключать соглашения с партнёрами")
        partner = self.load(Organisation, partner_id, "Организация-партнёр")
        school = self.school(school_id)
        principal.require_scope(school.tenant)
        agreement_id = uuid4()
        partner.sign_agreement(
            actor_of(principal), agreement_id, school, number, signed_on, valid_until, subject
        )
        return agreement_id, self.store(partner)

    def school(self, school_id: UUID) -> Organisation:
        school = self.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа", id=str(school_id))
        return school

    def _managed(self, principal: Principal, organisation_id: UUID, action: str) -> Organisation:
        organisation = self.load(Organisation, organisation_id, "Организация")
        principal.require(ORGANISATION_MANAGERS[organisation.kind], action)
        principal.require_scope(organisation.tenant)
        return organisation

    # People

    def register_person(self, principal: Principal, new: NewPerson) -> tuple[Person, int]:
        school = self.open_school_for(principal, new.school_id)
        pending = self.keys.pending()
        prepared = self.prepare(principal, school, new, pending)
        return prepared.person, self.save_prepared(school.id, [prepared], pending)

    def prepare(
        self, principal: Principal, school: Organisation, new: NewPerson, pending: PendingKeys
    ) -> Prepared:
        """Check a registration and seal its personal data with new keys; nothing is stored."""
        Person.check_registration(new.kind, new.roles, new.birth_date, date.today())
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
        )
        if new.consent is not None:
            self._sign(principal, person, new.birth_date, new.consent, pending)
        fingerprint = (
            self.index.fingerprint(school.id, new.full_name, new.birth_date)
            if new.birth_date
            else None
        )
        return Prepared(person, fingerprint)

    def save_prepared(self, school_id: UUID, prepared: list[Prepared], pending: PendingKeys) -> int:
        """Save all the registrations in one transaction, or none of them: their events, their
        new data keys and their fingerprints (a duplicate refuses the whole save)."""
        entries = {p.fingerprint: p.person.id for p in prepared if p.fingerprint is not None}
        return self.store_with_keys(
            pending, *(p.person for p in prepared), also=self.index.reservation(school_id, entries)
        )

    def store_with_keys(
        self, pending: PendingKeys, *aggregates: Any, also: SideWrite | None = None
    ) -> int:
        """Store a command's events with its new data keys, in one transaction."""
        return self.store(
            *aggregates,
            side_writes=[also] if also else [],
            riding=[self.keys.new_keys(pending)],
        )

    def sign_consent(
        self, principal: Principal, person_id: UUID, consent: NewConsent
    ) -> tuple[UUID, int]:
        person = self.person_for(principal, person_id)
        personal = self._personal(person)
        birth_date = date.fromisoformat(personal["birth_date"]) if personal["birth_date"] else None
        pending = self.keys.pending()
        consent_id = self._sign(principal, person, birth_date, consent, pending)
        position = self.store_with_keys(pending, person)
        self.erasures.update(person)
        return consent_id, position

    def withdraw_consent(
        self, principal: Principal, person_id: UUID, consent_id: UUID, withdrawn_on: date
    ) -> int:
        person = self.person_for(principal, person_id)
        person.withdraw_consent(actor_of(principal), consent_id, withdrawn_on, self.today())
        position = self.store(person)
        self.erasures.update(person)
        return position

    def record_legal_basis(self, principal: Principal, person_id: UUID, basis: str) -> int:
        principal.require(
            frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}), "указывать иное правовое основание"
        )
        person = self._person_in_scope(principal, person_id)
        person.record_legal_basis(actor_of(principal), basis)
        position = self.store(person)
        self.erasures.update(person)
        return position

    def erase_person(self, principal: Principal, person_id: UUID, reason: str) -> int:
        """Destroy a person's personal data: delete every key of it, and of everyone only the
        person's records carry (see `Person.erase`), then record the erasure.

        Keys go first, so that no reader can decrypt anything once the event exists; if the
        event cannot be stored, erasing again finishes the work.
        """
        principal.require(
            frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}),
            "удалять персональные данные (это приказ руководителя школы)",
        )
        person = self.load(Person, person_id, "Человек")
        principal.require_scope(self.school(person.school_id).tenant)
        carried = self.keys.carried_by(person.id)
        subjects = person.erase(actor_of(principal), reason, date.today(), carried)
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
        return erased

    def assign_staff_role(
        self,
        principal: Principal,
        person_id: UUID,
        role: StaffRole,
        forms: list[MentoringForm],
        area: str | None,
    ) -> int:
        # A director is appointed by the school's founder; other roles by the school itself.
        allowed = (
            SCHOOL_FOUNDERS if role == StaffRole.DIRECTOR else SCHOOL_MANAGEMENT | {Role.OPERATOR}
        )
        principal.require(allowed, f"назначать роль «{role}»")
        person = self._person_in_scope(principal, person_id)
        person.assign_staff_role(actor_of(principal), role, forms, area)
        return self.store(person)

    def revoke_staff_role(self, principal: Principal, person_id: UUID, role: StaffRole) -> int:
        allowed = (
            SCHOOL_FOUNDERS if role == StaffRole.DIRECTOR else SCHOOL_MANAGEMENT | {Role.OPERATOR}
        )
        principal.require(allowed, f"снимать роль «{role}»")
        person = self._person_in_scope(principal, person_id)
        person.revoke_staff_role(actor_of(principal), role)
        return self.store(person)

    def record_mentee_profile(
        self,
        principal: Principal,
        person_id: UUID,
        categories: list[MenteeCategory],
        requests: str | None,
        needs: list[str],
    ) -> int:
        person = self.person_for(principal, person_id)
        sealed = self._seal_text(person, "requests", requests)
        person.record_mentee_profile(actor_of(principal), categories, sealed, needs)
        return self.store(person)

    def record_third_party_information(
        self, principal: Principal, person_id: UUID, source: InformationSource, information: str
    ) -> tuple[UUID, int]:
        person = self.person_for(principal, person_id)
        information_id = uuid4()
        sealed = self.keys.seal(person.id, {"information": information})
        person.record_third_party_information(actor_of(principal), information_id, source, sealed)
        return information_id, self.store(person)

    def record_mentor_questionnaire(
        self, principal: Principal, person_id: UUID, answers: QuestionnaireAnswers
    ) -> int:
        person = self.person_for(principal, person_id)
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
        person.record_mentor_questionnaire(actor_of(principal), questionnaire)
        return self.store(person)

    def record_interview(
        self,
        principal: Principal,
        person_id: UUID,
        held_on: date,
        recommended: bool,
        note: str | None,
    ) -> int:
        person = self.person_for(principal, person_id)
        sealed = self._seal_text(person, "note", note)
        person.record_interview(actor_of(principal), held_on, recommended, sealed)
        return self.store(person)

    def approve_mentor_register(
        self,
        principal: Principal,
        school_id: UUID,
        school_year: str,
        order_number: str,
        order_date: date,
        mentor_ids: list[UUID],
    ) -> tuple[UUID, int]:
        principal.require(
            frozenset({Role.SCHOOL_DIRECTOR, Role.OPERATOR}),
            "утверждать реестр наставников (это приказ директора)",
        )
        school = self.open_school_for(principal, school_id)
        MentorRegister.check_list(mentor_ids)
        for mentor_id in mentor_ids:
            mentor = self.load(Person, mentor_id, "Наставник")
            if mentor.school_id != school.id:
                raise RuleViolated(
                    "other_school", "Наставник числится в другой школе", person_id=str(mentor_id)
                )
            mentor.check_can_be_approved_mentor(order_date)
        register = MentorRegister(
            id=uuid4(),
            tenant=school.tenant,
            actor=actor_of(principal),
            school_id=school.id,
            school_year=school_year,
            order_number=order_number,
            order_date=order_date,
            mentor_ids=mentor_ids,
        )
        return register.id, self.store(register)

    # The regional base of mentors (kept by the institute)

    def announce_course(
        self,
        principal: Principal,
        name: str,
        hours: int,
        provider: str,
        starts_on: date,
        ends_on: date,
    ) -> tuple[UUID, int]:
        principal.require(INSTITUTE, "вести региональную базу обучения наставников")
        TrainingCourse.check_dates(starts_on, ends_on)
        course = TrainingCourse(
            id=uuid4(),
            tenant=region_of(principal.scope.path),
            actor=actor_of(principal),
            name=name,
            hours=hours,
            provider=provider,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        return course.id, self.store(course)

    def record_course_completion(
        self,
        principal: Principal,
        course_id: UUID,
        person_id: UUID,
        completed_on: date,
        certificate: str,
    ) -> int:
        principal.require(INSTITUTE, "вести региональную базу обучения наставников")
        course = self.load(TrainingCourse, course_id, "Курс")
        principal.require_scope(course.tenant)
        mentor = self.load(Person, person_id, "Наставник")
        principal.require_scope(mentor.tenant)
        if not mentor.is_mentor():
            raise RuleViolated("not_a_mentor", "Этот человек не в базе наставников")
        course.record_completion(
            actor_of(principal),
            person_id,
            mentor.school_id,
            mentor.tenant,
            completed_on,
            certificate,
        )
        return self.store(course)

    # Monitoring: the region's targets, schools' contingents, the self-audit checklist

    def set_indicator_targets(
        self, principal: Principal, region_id: UUID, school_year: str, targets: dict[str, float]
    ) -> int:
        principal.require(TARGET_SETTERS, "устанавливать целевые показатели региона")
        IndicatorTargets.check(targets)
        region = self.load(Organisation, region_id, "Регион")
        if region.kind != OrganisationKind.REGION:
            raise InvalidInput("not_a_region", "Указанная организация не регион", id=str(region_id))
        principal.require_scope(region.tenant)
        aggregate = self._yearly(IndicatorTargets, principal, region, school_year)
        aggregate.set_targets(actor_of(principal), targets)
        return self.store(aggregate)

    def record_contingent(
        self, principal: Principal, school_id: UUID, school_year: str, contingent: Contingent
    ) -> int:
        principal.require(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "вносить контингент школы")
        school = self.open_school_for(principal, school_id)
        aggregate = self._yearly(SchoolContingent, principal, school, school_year)
        aggregate.record(
            actor_of(principal),
            contingent.students,
            contingent.students_10_18,
            contingent.students_15_19,
            contingent.teachers,
            contingent.young_teachers,
            contingent.monitoring_from,
            contingent.monitoring_to,
        )
        return self.store(aggregate)

    def fill_self_audit(
        self,
        principal: Principal,
        school_id: UUID,
        school_year: str,
        answers: list[tuple[int, bool, str | None]],
        page_url: str | None,
    ) -> int:
        principal.require(SCHOOL_MANAGEMENT | {Role.OPERATOR}, "заполнять самоаудит школы")
        school = self.open_school_for(principal, school_id)
        audit = self._yearly(SelfAudit, principal, school, school_year)
        audit.answer(actor_of(principal), answers, page_url)
        return self.store(audit)

    def review_self_audit(
        self,
        principal: Principal,
        school_id: UUID,
        school_year: str,
        item: int,
        achieved: bool,
        recommendation: str | None,
    ) -> int:
        principal.require(SELF_AUDIT_REVIEWERS, "проверять самоаудит школ")
        SelfAudit.check_item(item)
        school = self.school(school_id)
        principal.require_scope(school.tenant)
        audit = self.load(
            SelfAudit, yearly_id("self-audit", school.id, school_year), "Самоаудит школы"
        )
        audit.follow_school(actor_of(principal), school.tenant)
        audit.review(actor_of(principal), item, achieved, recommendation)
        return self.store(audit)

    def _yearly(
        self,
        cls: type[TYearly],
        principal: Principal,
        organisation: Organisation,
        school_year: str,
    ) -> TYearly:
        """The organisation's aggregate for the school year, opened on first use."""
        check_school_year(school_year)
        aggregate_id = yearly_id(YEARLY_KINDS[cls], organisation.id, school_year)
        existing = self.find(cls, aggregate_id)
        if existing is None:
            owner = "region_id" if cls is IndicatorTargets else "school_id"
            return cls(
                id=aggregate_id,
                tenant=organisation.tenant,
                actor=actor_of(principal),
                school_year=school_year,
                **{owner: organisation.id},
            )
        existing.follow_school(actor_of(principal), organisation.tenant)
        return existing

    # Helpers

    def person_for(self, principal: Principal, person_id: UUID) -> Person:
        """A person the caller's school may change; its path follows a moved school."""
        principal.require(SCHOOL_EDITORS, "изменять базы школы")
        return self._person_in_scope(principal, person_id)

    def _person_in_scope(self, principal: Principal, person_id: UUID) -> Person:
        person = self.load(Person, person_id, "Человек")
        school = self.school(person.school_id)
        principal.require_scope(school.tenant)
        school.check_open()
        person.check_not_erased()
        person.follow_school(actor_of(principal), school.tenant)
        return person

    def open_school_for(self, principal: Principal, school_id: UUID) -> Organisation:
        principal.require(SCHOOL_EDITORS, "вносить людей в базы школы")
        school = self.school(school_id)
        principal.require_scope(school.tenant)
        school.check_open()
        return school

    def _personal(self, person: Person) -> dict[str, Any]:
        personal = self.keys.unseal(person.personal)
        if personal is None:
            raise RuleViolated("personal_data_erased", "Персональные данные этого человека удалены")
        return personal

    def _seal_text(self, person: Person, name: str, text: str | None) -> Sealed | None:
        return self.keys.seal(person.id, {name: text}) if text else None

    def _sign(
        self,
        principal: Principal,
        person: Person,
        birth_date: date | None,
        consent: NewConsent,
        pending: PendingKeys,
    ) -> UUID:
        representative = None
        if consent.representative_name:
            # A legal representative is a data subject of their own, with their own key.
            representative = pending.seal(uuid4(), {"full_name": consent.representative_name})
        is_minor = birth_date is not None and age_on(birth_date, consent.signed_on) < ADULT_AGE
        consent_id = uuid4()
        person.sign_consent(
            actor_of(principal),
            consent_id=consent_id,
            kind=consent.kind,
            signed_on=consent.signed_on,
            expires_on=consent.expires_on,
            representative=representative,
            relation=consent.relation,
            subject_is_minor=is_minor,
        )
        return consent_id
