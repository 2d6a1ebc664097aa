"""People of a school's bases: mentees and mentors, staff roles, consents.

Personal fields (name, birth date, contacts, requests, third-party information, free text of a
questionnaire) arrive already sealed with the person's own key; the rest stays in clear so that
counts and indicators survive an erasure. Rules that need a sealed fact in clear (is the person a
minor?) get it from the application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import event

from services.registry import events
from shared.dictionaries import MenteeCategory, MentoringForm, school_year_of
from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import Conflict, InvalidInput, RuleViolated, check_not_in_future
from shared.kernel.principal import Role
from shared.kernel.sealed import Sealed

from ..labels import STAFF_KIND_CODES


class PersonKind(StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"
    PARENT = "parent"
    ALUMNUS = "alumnus"
    PARTNER_EMPLOYEE = "partner_employee"
    VETERAN = "veteran"
    ENTREPRENEUR = "entrepreneur"  # предприниматель
    PUBLIC_FIGURE = "public_figure"  # общественный деятель
    # The school's own staff besides teachers: who collects requests and supports pairs.
    PSYCHOLOGIST = "psychologist"  # педагог-психолог
    SOCIAL_PEDAGOGUE = "social_pedagogue"
    ADMINISTRATOR = "administrator"  # директор, заместитель директора
    CLASS_TEACHER = "class_teacher"


class ParticipantRole(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class StaffRole(StrEnum):
    DIRECTOR = "director"
    COORDINATOR = "coordinator"
    CURATOR = "curator"  # for one or more forms of mentoring
    WORKING_GROUP_MEMBER = "working_group_member"  # with an area of responsibility
    MENTOR_COUNCIL_MEMBER = "mentor_council_member"


class ConsentKind(StrEnum):
    PERSONAL_DATA = "personal_data"  # 152-ФЗ
    ADDITIONAL_DUTY = "additional_duty"  # a teacher's written consent to mentor, ТК РФ 351.8


class InformationSource(StrEnum):
    """Who supplied third-party information about a mentee's request."""

    CLASS_TEACHER = "class_teacher"
    PSYCHOLOGIST = "psychologist"
    SOCIAL_WORKER = "social_worker"
    PARENT = "parent"


class MeetingFrequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


class MeetingPreference(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    ANY = "any"


# Personal data is destroyed on the 30th day after consent is withdrawn (152-ФЗ, ст. 21).
ERASURE_DELAY = timedelta(days=30)

# Kinds of people who may be mentees (students and teachers, DOMAIN.md).
MENTEE_KINDS = {PersonKind.STUDENT, PersonKind.TEACHER}
# The school's employees: they may be in its staff list without being mentor or mentee, and
# the extra duty of mentoring falls on them only with their written consent (ТК РФ, ст. 351.8).
STAFF_KINDS = frozenset(PersonKind(code) for code in STAFF_KIND_CODES)
# Who may hold a staff role: the school's employees, and a veteran of teaching it brings back.
STAFF_ROLE_KINDS = STAFF_KINDS | {PersonKind.VETERAN}


@dataclass(frozen=True)
class AppointingAct:
    """The act a staff role is given by: an act of the register (its id), or an external act by
    its number and date (an order of the founder, a paper one never entered)."""

    act_id: UUID | None = None
    number: str | None = None
    on: date | None = None

    def check(self) -> None:
        external = self.number is not None or self.on is not None
        if self.act_id is not None and external:
            raise RuleViolated(
                "act_both_ways",
                "Укажите либо акт из реестра, либо номер и дату внешнего акта, но не то и другое",
                field="act_id",
            )
        if external and (self.number is None or self.on is None):
            raise RuleViolated(
                "act_number_and_date",
                "У внешнего акта о назначении укажите и номер, и дату",
                field="act_number" if self.number is None else "act_date",
            )


@dataclass(frozen=True)
class StaffAppointment:
    """A staff role as held: its forms, area, duties as the act words them, the act, its dates."""

    forms: list[MentoringForm]
    area: str | None
    since: date  # the day the appointing act gives
    duties: list[str]
    act: AppointingAct
    until: date | None = None  # the term the act sets, if it sets one


@dataclass
class Consent:
    id: UUID
    kind: ConsentKind
    signed_on: date
    expires_on: date | None
    by_representative: bool
    withdrawn_on: date | None = None
    withdrawal_recorded_on: date | None = None

    def valid_on(self, day: date) -> bool:
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)


@dataclass
class PersonalLink:
    """A personal link to the platform for one person (a pupil, or anyone without an account):
    single-purpose (this person, this role, this school year), expiring, revocable. Only a hash
    of its secret is kept."""

    id: UUID
    role: Role  # mentor, mentee, or the legal representative of a minor mentee
    school_year: str
    expires_on: date
    secret_hash: str
    revoked_on: date | None = None

    @property
    def actor(self) -> Actor:
        """Who acts when the link is used: its holder, known by the link."""
        return Actor(user=f"link-{self.id}", role=str(self.role))

    def refusal(self, today: date) -> RuleViolated | None:
        """Why the link opens nothing today (None: it opens)."""
        if self.revoked_on is not None:
            return RuleViolated("link_revoked", "Ссылка отозвана: попросите у координатора новую")
        if today > self.expires_on:
            return RuleViolated(
                "link_expired",
                f"Срок действия ссылки истёк {self.expires_on:%d.%m.%Y}: попросите новую",
            )
        if school_year_of(today) != self.school_year:
            return RuleViolated(
                "link_other_year",
                f"Ссылка выдана на {self.school_year} учебный год: попросите новую",
            )
        return None


# A personal link is valid for at most this long, and never beyond its school year.
LINK_MAX_DAYS = 120


@dataclass(frozen=True)
class MentorQuestionnaire:
    """«Чем я могу быть полезен как наставник?» — what matching works from (in clear), and the
    mentor's own words about their experience (sealed)."""

    competences: list[str]
    interests: list[str]
    preferred_age_min: int | None
    preferred_age_max: int | None
    preferred_categories: list[MenteeCategory]
    hours_per_month: int
    meeting_frequency: MeetingFrequency
    meeting_format: MeetingPreference
    capacity: int
    experience: Sealed | None


class Person(TenantAggregate):
    """A person kept in a school's bases or its staff list: `kind` is what they are counted as,
    `other_kinds` what else they are (an alumnus who works for a partner)."""

    class Registered(TenantAggregate.Created):
        school_id: UUID
        kind: PersonKind
        personal: Sealed
        birth_year: int | None
        grade: str | None
        roles: list[ParticipantRole]
        mentor_capacity: int
        position: str | None
        teaching_since: date | None
        partner_id: UUID | None
        other_kinds: list[PersonKind]
        class_version = 2

        upcast_v1_v2 = staticmethod(events.one_kind_stored)

    @event(Registered)
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        kind: PersonKind,
        personal: Sealed,
        birth_year: int | None,
        grade: str | None,
        roles: list[ParticipantRole],
        mentor_capacity: int,
        position: str | None = None,
        teaching_since: date | None = None,
        partner_id: UUID | None = None,
        other_kinds: list[PersonKind] | None = None,
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
        self.kind = PersonKind(kind)
        self.other_kinds = {PersonKind(k) for k in other_kinds or ()} - {self.kind}
        self.personal = personal
        self.birth_year = birth_year
        self.grade = grade
        self.roles = {ParticipantRole(r) for r in roles}
        self.mentor_capacity = mentor_capacity
        self.position = position
        self.teaching_since = teaching_since
        self.partner_id = partner_id
        self.consents: dict[UUID, Consent] = {}
        self.staff_roles: dict[StaffRole, StaffAppointment] = {}
        self.questionnaire: MentorQuestionnaire | None = None
        self.recommended_as_mentor: bool | None = None
        # Everyone whose personal data this person's events carry: the person and the legal
        # representatives who signed for them (known to the platform only through this
        # person). Erasure deletes all their keys.
        self.data_subjects: set[UUID] = {id}
        self.legal_basis: str | None = None
        self.mail_reminders = True
        self.erased_on: date | None = None
        self.links: dict[UUID, PersonalLink] = {}

    @property
    def kinds(self) -> set[PersonKind]:
        return {self.kind, *self.other_kinds}

    def is_employee(self) -> bool:
        """Whether the person works at the school (the extra duty of mentoring is theirs to
        consent to)."""
        return bool(self.kinds & STAFF_KINDS)

    @staticmethod
    def check_registration(
        kinds: set[PersonKind], roles: list[ParticipantRole], birth_date: date | None, today: date
    ) -> None:
        if birth_date is not None and birth_date > today:
            raise InvalidInput(
                "birth_date_in_future", "Дата рождения не может быть в будущем", field="birth_date"
            )
        if ParticipantRole.MENTEE in roles and not kinds & MENTEE_KINDS:
            raise RuleViolated(
                "mentee_kind", "Наставляемыми бывают обучающиеся и педагоги", field="kind"
            )
        if not roles and not kinds & STAFF_KINDS:
            raise RuleViolated(
                "not_staff",
                "Без роли наставника или наставляемого в списки школы вносят только её"
                " сотрудников: педагогов, психологов, социальных педагогов, администрацию",
                field="roles",
            )

    # Consents

    def sign_consent(
        self,
        actor: Actor,
        consent_id: UUID,
        kind: ConsentKind,
        signed_on: date,
        expires_on: date | None,
        representative: Sealed | None,
        relation: str | None,
        subject_is_minor: bool,
        today: date,
    ) -> None:
        if consent_id in self.consents:
            raise RuleViolated("consent_exists", "Это согласие уже зарегистрировано")
        self.check_consent_not_signed(kind, signed_on, expires_on)
        check_not_in_future(signed_on, today, "Дата подписания согласия", "signed_on")
        if expires_on is not None and expires_on < signed_on:
            raise RuleViolated(
                "consent_expiry_before_signing",
                "Срок действия согласия заканчивается до подписания",
            )
        if subject_is_minor and kind == ConsentKind.PERSONAL_DATA and representative is None:
            raise RuleViolated(
                "minor_needs_representative",
                "За несовершеннолетнего согласие подписывает законный представитель",
            )
        if kind == ConsentKind.ADDITIONAL_DUTY and representative is not None:
            raise RuleViolated(
                "duty_consent_by_representative",
                "Согласие на дополнительную работу наставника даёт сам работник",
            )
        self._consent_signed(
            actor=actor,
            consent_id=consent_id,
            kind=kind,
            signed_on=signed_on,
            expires_on=expires_on,
            representative=representative,
            relation=relation,
        )

    def check_consent_not_signed(
        self, kind: ConsentKind, signed_on: date, expires_on: date | None
    ) -> None:
        """The same consent (kind, signing day and term) standing is signed once: sent again,
        it answers with the one on record. A renewal is signed on another day and stays
        possible while the old one still runs."""
        for consent in self.consents.values():
            if (consent.kind, consent.signed_on, consent.expires_on) == (
                kind,
                signed_on,
                expires_on,
            ) and consent.withdrawn_on is None:
                raise Conflict(
                    "duplicate_consent",
                    "Такое согласие уже записано: тот же вид, день подписания и срок",
                    id=str(consent.id),
                )

    @event("ConsentSigned")
    def _consent_signed(
        self,
        actor: Actor,
        consent_id: UUID,
        kind: ConsentKind,
        signed_on: date,
        expires_on: date | None,
        representative: Sealed | None,
        relation: str | None,
    ) -> None:
        self.consents[consent_id] = Consent(
            id=consent_id,
            kind=ConsentKind(kind),
            signed_on=signed_on,
            expires_on=expires_on,
            by_representative=representative is not None,
        )
        if representative is not None:
            # The representative is known to the platform only through this consent: their
            # key goes with the person's.
            self.data_subjects.add(representative.subject)

    def withdraw_consent(
        self, actor: Actor, consent_id: UUID, withdrawn_on: date, today: date
    ) -> None:
        """A withdrawal dated between its consent's signing and `today` (the region's date),
        recorded today: the 30 days before erasure count from the recording, not the date."""
        consent = self.consents.get(consent_id)
        if consent is None:
            raise RuleViolated("consent_not_found", "Такого согласия нет")
        if consent.withdrawn_on is not None:
            raise RuleViolated("consent_already_withdrawn", "Согласие уже отозвано")
        if withdrawn_on < consent.signed_on:
            raise RuleViolated(
                "withdrawal_before_signing",
                f"Согласие подписано {consent.signed_on:%d.%m.%Y}: отозвать его раньше нельзя",
                field="withdrawn_on",
            )
        if withdrawn_on > today:
            raise RuleViolated(
                "withdrawal_in_future",
                "Дата отзыва согласия не может быть позже сегодняшнего дня",
                field="withdrawn_on",
            )
        self._consent_withdrawn(
            actor=actor, consent_id=consent_id, withdrawn_on=withdrawn_on, recorded_on=today
        )

    def check_signed_by_representative(self, consent_id: UUID) -> None:
        consent = self.consents.get(consent_id)
        if consent is None or not consent.by_representative:
            raise RuleViolated(
                "not_signed_by_representative", "Это согласие подписывал не законный представитель"
            )

    class ConsentWithdrawn(TenantAggregate.Event):
        consent_id: UUID
        withdrawn_on: date
        recorded_on: date
        class_version = 2

        upcast_v1_v2 = staticmethod(events.recorded_when_stored)

    @event(ConsentWithdrawn)
    def _consent_withdrawn(
        self, actor: Actor, consent_id: UUID, withdrawn_on: date, recorded_on: date
    ) -> None:
        consent = self.consents[consent_id]
        consent.withdrawn_on = withdrawn_on
        consent.withdrawal_recorded_on = recorded_on

    def has_valid_consent(self, kind: ConsentKind, day: date) -> bool:
        return any(c.kind == kind and c.valid_on(day) for c in self.consents.values())

    # Staff roles

    def assign_staff_role(
        self, actor: Actor, role: StaffRole, appointment: StaffAppointment, today: date
    ) -> None:
        """A role from the day its act gives («координатор с 09.02.2023»), not a future one,
        with the duties the act words and the term it may set."""
        if not self.kinds & STAFF_ROLE_KINDS:
            raise RuleViolated("staff_must_be_teacher", "Роли в школе назначаются работникам школы")
        if role == StaffRole.CURATOR and not appointment.forms:
            raise RuleViolated("curator_needs_forms", "Укажите формы наставничества куратора")
        if role in self.staff_roles:
            raise RuleViolated("role_already_assigned", "Эта роль уже назначена")
        check_not_in_future(appointment.since, today, "Дата назначения", "since")
        if appointment.until is not None and appointment.until < appointment.since:
            raise RuleViolated(
                "role_ends_before_start",
                f"Роль назначена с {appointment.since:%d.%m.%Y}: окончание не может быть раньше",
                field="until",
            )
        appointment.act.check()
        self._staff_role_assigned(
            actor=actor,
            role=role,
            forms=appointment.forms,
            area=appointment.area,
            since=appointment.since,
            duties=appointment.duties,
            act_id=appointment.act.act_id,
            act_number=appointment.act.number,
            act_date=appointment.act.on,
            until=appointment.until,
        )

    class StaffRoleAssigned(TenantAggregate.Event):
        role: StaffRole
        forms: list[MentoringForm]
        area: str | None
        since: date
        duties: list[str]
        act_id: UUID | None
        act_number: str | None
        act_date: date | None
        until: date | None
        class_version = 3

        upcast_v1_v2 = staticmethod(events.held_since_stored)
        upcast_v2_v3 = staticmethod(events.appointed_without_act)

    @event(StaffRoleAssigned)
    def _staff_role_assigned(
        self,
        actor: Actor,
        role: StaffRole,
        forms: list[MentoringForm],
        area: str | None,
        since: date,
        duties: list[str],
        act_id: UUID | None,
        act_number: str | None,
        act_date: date | None,
        until: date | None,
    ) -> None:
        self.staff_roles[StaffRole(role)] = StaffAppointment(
            forms=[MentoringForm(f) for f in forms],
            area=area,
            since=since,
            duties=list(duties),
            act=AppointingAct(act_id, act_number, act_date),
            until=until,
        )

    def curates(self, form: MentoringForm) -> bool:
        curator = self.staff_roles.get(StaffRole.CURATOR)
        return curator is not None and form in curator.forms

    def revoke_staff_role(self, actor: Actor, role: StaffRole, until: date, today: date) -> None:
        """A role ends on the day the documents give: not in the future, not before it began."""
        appointment = self.staff_roles.get(role)
        if appointment is None:
            raise RuleViolated("role_not_assigned", "Эта роль не назначена")
        check_not_in_future(until, today, "Дата окончания роли", "until")
        if until < appointment.since:
            raise RuleViolated(
                "role_ends_before_start",
                f"Роль назначена с {appointment.since:%d.%m.%Y}: окончание не может быть раньше",
                field="until",
            )
        self._staff_role_revoked(actor=actor, role=role, until=until)

    class StaffRoleRevoked(TenantAggregate.Event):
        role: StaffRole
        until: date
        class_version = 2

        upcast_v1_v2 = staticmethod(events.held_until_stored)

    @event(StaffRoleRevoked)
    def _staff_role_revoked(self, actor: Actor, role: StaffRole, until: date) -> None:
        del self.staff_roles[StaffRole(role)]

    # Base of mentees

    def record_mentee_profile(
        self,
        actor: Actor,
        school_year: str,
        categories: list[MenteeCategory],
        requests: Sealed | None,
        needs: list[str],
    ) -> None:
        """The request of one school year (the bank keeps each year's): categories and topics
        in clear (for matching and counts), the request in the mentee's own words sealed."""
        self._check_role(ParticipantRole.MENTEE)
        self._mentee_profile_recorded(
            actor=actor,
            school_year=school_year,
            categories=categories,
            requests=requests,
            needs=needs,
        )

    class MenteeProfileRecorded(TenantAggregate.Event):
        school_year: str
        categories: list[MenteeCategory]
        requests: Sealed | None
        needs: list[str]
        class_version = 2

        upcast_v1_v2 = staticmethod(events.requested_in_the_year_stored)

    @event(MenteeProfileRecorded)
    def _mentee_profile_recorded(
        self,
        actor: Actor,
        school_year: str,
        categories: list[MenteeCategory],
        requests: Sealed | None,
        needs: list[str],
    ) -> None:
        pass

    def record_third_party_information(
        self, actor: Actor, information_id: UUID, source: InformationSource, information: Sealed
    ) -> None:
        self._check_role(ParticipantRole.MENTEE)
        self._third_party_information_recorded(
            actor=actor, information_id=information_id, source=source, information=information
        )

    @event("ThirdPartyInformationRecorded")
    def _third_party_information_recorded(
        self, actor: Actor, information_id: UUID, source: InformationSource, information: Sealed
    ) -> None:
        pass

    # Base of mentors

    def record_mentor_questionnaire(self, actor: Actor, answers: MentorQuestionnaire) -> None:
        self._check_role(ParticipantRole.MENTOR)
        low, high = answers.preferred_age_min, answers.preferred_age_max
        if low is not None and high is not None and low > high:
            raise RuleViolated("age_range", "Возраст «от» больше возраста «до»")
        self._mentor_questionnaire_recorded(
            actor=actor,
            competences=answers.competences,
            interests=answers.interests,
            preferred_age_min=low,
            preferred_age_max=high,
            preferred_categories=answers.preferred_categories,
            hours_per_month=answers.hours_per_month,
            meeting_frequency=answers.meeting_frequency,
            meeting_format=answers.meeting_format,
            capacity=answers.capacity,
            experience=answers.experience,
        )

    @event("MentorQuestionnaireRecorded")
    def _mentor_questionnaire_recorded(
        self,
        actor: Actor,
        competences: list[str],
        interests: list[str],
        preferred_age_min: int | None,
        preferred_age_max: int | None,
        preferred_categories: list[MenteeCategory],
        hours_per_month: int,
        meeting_frequency: MeetingFrequency,
        meeting_format: MeetingPreference,
        capacity: int,
        experience: Sealed | None,
    ) -> None:
        self.questionnaire = MentorQuestionnaire(
            competences=competences,
            interests=interests,
            preferred_age_min=preferred_age_min,
            preferred_age_max=preferred_age_max,
            preferred_categories=[MenteeCategory(c) for c in preferred_categories],
            hours_per_month=hours_per_month,
            meeting_frequency=MeetingFrequency(meeting_frequency),
            meeting_format=MeetingPreference(meeting_format),
            capacity=capacity,
            experience=experience,
        )
        self.mentor_capacity = capacity

    def record_interview(
        self, actor: Actor, held_on: date, recommended: bool, note: Sealed | None
    ) -> None:
        self._check_role(ParticipantRole.MENTOR)
        if self.questionnaire is None:
            raise RuleViolated(
                "questionnaire_missing", "Сначала заполните анкету наставника, затем собеседование"
            )
        self._mentor_interviewed(actor=actor, held_on=held_on, recommended=recommended, note=note)

    @event("MentorInterviewed")
    def _mentor_interviewed(
        self, actor: Actor, held_on: date, recommended: bool, note: Sealed | None
    ) -> None:
        self.recommended_as_mentor = recommended

    def check_can_be_approved_mentor(self, day: date) -> None:
        """Who may enter a school's register of mentors approved by the director's order."""
        self._check_role(ParticipantRole.MENTOR)
        if self.recommended_as_mentor is not True:
            raise RuleViolated(
                "mentor_not_recommended",
                "Наставника включают в реестр после собеседования с положительным результатом",
                person_id=str(self.id),
            )
        if PersonKind.TEACHER in self.kinds and not self.has_valid_consent(
            ConsentKind.ADDITIONAL_DUTY, day
        ):
            raise RuleViolated(
                "duty_consent_missing",
                "Нет письменного согласия педагога на дополнительную работу наставника"
                " (ст. 351.8 ТК РФ)",
                person_id=str(self.id),
            )

    # Withdrawal and erasure (152-ФЗ, ст. 21)

    def check_not_erased(self) -> None:
        if self.erased_on is not None:
            raise RuleViolated(
                "person_erased",
                f"Персональные данные этого человека удалены {self.erased_on:%d.%m.%Y}",
                person_id=str(self.id),
            )

    def record_legal_basis(self, actor: Actor, basis: str) -> None:
        """Another legal basis to keep the data after a withdrawal (no erasure on day 30)."""
        self.check_not_erased()
        self._legal_basis_recorded(actor=actor, basis=basis)

    @event("LegalBasisRecorded")
    def _legal_basis_recorded(self, actor: Actor, basis: str) -> None:
        self.legal_basis = basis

    def set_mail_reminders(self, actor: Actor, by_mail: bool) -> None:
        """The participant's reminders by e-mail, on (as registered) or off: unsubscribed."""
        self.check_not_erased()
        if by_mail != self.mail_reminders:
            self._mail_reminders_set(actor=actor, by_mail=by_mail)

    @event("MailRemindersSet")
    def _mail_reminders_set(self, actor: Actor, by_mail: bool) -> None:
        self.mail_reminders = by_mail

    def erasure_due_on(self) -> date | None:
        """Day 30 after the last withdrawal of a personal-data consent was recorded, unless a
        consent is still valid or another legal basis is recorded."""
        if self.erased_on is not None or self.legal_basis is not None:
            return None
        data_consents = [c for c in self.consents.values() if c.kind == ConsentKind.PERSONAL_DATA]
        if any(c.withdrawal_recorded_on is None for c in data_consents):
            return None
        recorded = [c.withdrawal_recorded_on for c in data_consents if c.withdrawal_recorded_on]
        return max(recorded) + ERASURE_DELAY if recorded else None

    def erase(self, actor: Actor, reason: str, erased_on: date, carried: list[UUID]) -> list[UUID]:
        """Erase the person with everyone their records alone carry (the representatives who
        signed for them, `carried`: subjects of other writers' records, such as a pair's
        texts); the subjects whose keys go."""
        if self.erased_on is not None:
            raise Conflict("already_erased", "Персональные данные этого человека уже удалены")
        subjects = sorted(self.data_subjects.union(carried))
        self._erased(actor=actor, reason=reason, erased_on=erased_on, subjects=subjects)
        return subjects

    @event("Erased")
    def _erased(self, actor: Actor, reason: str, erased_on: date, subjects: list[UUID]) -> None:
        self.erased_on = erased_on

    # Personal links (participants sign in as themselves, DESIGN.md decision 12)

    def issue_link(
        self,
        actor: Actor,
        link_id: UUID,
        role: Role,
        expires_on: date,
        secret_hash: str,
        today: date,
    ) -> None:
        """A new link for the person in this role; the role's earlier link stops working."""
        self.check_not_erased()
        self._check_link_role(role, today)
        school_year = school_year_of(today)
        last_day = min(today + timedelta(days=LINK_MAX_DAYS), _year_end(school_year))
        if not today <= expires_on <= last_day:
            raise InvalidInput(
                "link_expiry",
                f"Срок действия ссылки — с сегодняшнего дня по {last_day:%d.%m.%Y}",
                field="expires_on",
            )
        for earlier in self.links.values():
            if earlier.role == role and earlier.revoked_on is None:
                self._personal_link_revoked(actor=actor, link_id=earlier.id, revoked_on=today)
        self._personal_link_issued(
            actor=actor,
            link_id=link_id,
            role=str(role),
            school_year=school_year,
            expires_on=expires_on,
            secret_hash=secret_hash,
        )

    def _check_link_role(self, role: Role, today: date) -> None:
        if role == Role.MENTOR:
            self._check_role(ParticipantRole.MENTOR)
        elif role == Role.MENTEE:
            self._check_role(ParticipantRole.MENTEE)
        elif role == Role.LEGAL_REPRESENTATIVE:
            signed = any(
                c.by_representative and c.kind == ConsentKind.PERSONAL_DATA and c.valid_on(today)
                for c in self.consents.values()
            )
            if not signed:
                raise RuleViolated(
                    "no_representative_consent",
                    "За этого человека не подписывал согласие законный представитель",
                    field="role",
                )
        else:
            raise InvalidInput(
                "link_role", "Ссылка выдаётся наставнику, наставляемому или родителю", field="role"
            )

    @event("PersonalLinkIssued")
    def _personal_link_issued(
        self,
        actor: Actor,
        link_id: UUID,
        role: str,
        school_year: str,
        expires_on: date,
        secret_hash: str,
    ) -> None:
        self.links[link_id] = PersonalLink(
            link_id, Role(role), school_year, expires_on, secret_hash
        )

    def revoke_link(self, actor: Actor, link_id: UUID, today: date) -> None:
        link = self.links.get(link_id)
        if link is None:
            raise RuleViolated("link_not_found", "Такой ссылки нет")
        if link.revoked_on is not None:
            raise Conflict("link_already_revoked", "Ссылка уже отозвана")
        self._personal_link_revoked(actor=actor, link_id=link_id, revoked_on=today)

    @event("PersonalLinkRevoked")
    def _personal_link_revoked(self, actor: Actor, link_id: UUID, revoked_on: date) -> None:
        self.links[link_id].revoked_on = revoked_on

    def open_link(self, secret_hash: str, today: date) -> PersonalLink:
        """The link with this secret, opened today (recorded: who used their link, and when);
        refused if it is revoked, expired or of another school year."""
        link = next((k for k in self.links.values() if k.secret_hash == secret_hash), None)
        if link is None or self.erased_on is not None:
            raise RuleViolated("link_unknown", "Ссылка недействительна")
        refusal = link.refusal(today)
        if refusal is not None:
            raise refusal
        self._personal_link_opened(actor=link.actor, link_id=link.id, opened_on=today)
        return link

    @event("PersonalLinkOpened")
    def _personal_link_opened(self, actor: Actor, link_id: UUID, opened_on: date) -> None:
        pass

    def is_mentor(self) -> bool:
        return ParticipantRole.MENTOR in self.roles

    def is_mentee(self) -> bool:
        return ParticipantRole.MENTEE in self.roles

    def _check_role(self, role: ParticipantRole) -> None:
        if role not in self.roles:
            base = "наставников" if role == ParticipantRole.MENTOR else "наставляемых"
            raise RuleViolated(f"not_a_{role}", f"Этот человек не в базе {base}")


def _year_end(school_year: str) -> date:
    return date(int(school_year[:4]) + 1, 8, 31)
