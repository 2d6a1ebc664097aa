"""People of a school's bases: registration, consents, staff roles, mentee and mentor bases."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, post, put
from litestar.datastructures import State

from services.registry.application import (
    NewAppointment,
    NewConsent,
    NewPerson,
    QuestionnaireAnswers,
)
from services.registry.domain import (
    AppointingAct,
    ConsentKind,
    InformationSource,
    MeetingFrequency,
    MeetingPreference,
    ParticipantRole,
    PersonKind,
    StaffRole,
)
from services.wiring import Created, Position
from shared.dictionaries import MenteeCategory, MentoringForm, SchoolYear
from shared.kernel.principal import Principal

from .common import Name, Text, registry_of

Short = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Tags = Annotated[list[Short], msgspec.Meta(max_length=30)]


class ConsentIn(msgspec.Struct, forbid_unknown_fields=True):
    signed_on: date
    kind: ConsentKind = ConsentKind.PERSONAL_DATA
    expires_on: date | None = None
    # Set when a legal representative signs for the person (always, for a minor).
    representative_name: Name | None = None
    relation: Short | None = None

    def to_command(self) -> NewConsent:
        return NewConsent(**msgspec.structs.asdict(self))


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: UUID
    kind: PersonKind
    full_name: Name
    # none: a member of the school's staff only, in neither base
    roles: Annotated[list[ParticipantRole], msgspec.Meta(max_length=2)]
    birth_date: date | None = None
    grade: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    contacts: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    mentor_capacity: Annotated[int, msgspec.Meta(ge=1, le=30)] = 1
    position: Short | None = None
    teaching_since: date | None = None
    partner_id: UUID | None = None
    consent: ConsentIn | None = None
    id: UUID | None = None
    # what else the person is besides `kind` (an alumnus who works for a partner)
    other_kinds: Annotated[list[PersonKind], msgspec.Meta(max_length=5)] = []

    def to_command(self) -> NewPerson:
        fields = msgspec.structs.asdict(self)
        fields["consent"] = self.consent.to_command() if self.consent else None
        return NewPerson(**fields)


class WithdrawalIn(msgspec.Struct, forbid_unknown_fields=True):
    withdrawn_on: date


class StaffRoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: StaffRole
    forms: list[MentoringForm] = []
    area: Text | None = None
    since: date | None = None  # the day the appointing order gives; the day of recording if none
    until: date | None = None  # the term the act sets, if it sets one
    duties: Annotated[list[Text], msgspec.Meta(max_length=30)] = []  # as the act words them
    act_id: UUID | None = None  # the appointing act of the register of acts
    act_number: Short | None = None  # or an external act's number and date
    act_date: date | None = None

    def to_command(self) -> NewAppointment:
        return NewAppointment(
            forms=self.forms,
            area=self.area,
            since=self.since,
            duties=self.duties,
            act=AppointingAct(self.act_id, self.act_number, self.act_date),
            until=self.until,
        )


class MenteeProfileIn(msgspec.Struct, forbid_unknown_fields=True):
    categories: list[MenteeCategory]
    requests: Text | None = None
    needs: Tags = []  # topics of the request, matched against mentors' competences
    school_year: SchoolYear | None = None  # the year of the request: this one by default


class ThirdPartyIn(msgspec.Struct, forbid_unknown_fields=True):
    source: InformationSource
    information: Text


class QuestionnaireIn(msgspec.Struct, forbid_unknown_fields=True):
    competences: Tags
    interests: Tags
    hours_per_month: Annotated[int, msgspec.Meta(ge=1, le=200)]
    meeting_frequency: MeetingFrequency = MeetingFrequency.WEEKLY
    meeting_format: MeetingPreference = MeetingPreference.ANY
    capacity: Annotated[int, msgspec.Meta(ge=1, le=30)] = 1
    preferred_age_min: Annotated[int, msgspec.Meta(ge=6, le=80)] | None = None
    preferred_age_max: Annotated[int, msgspec.Meta(ge=6, le=80)] | None = None
    preferred_categories: list[MenteeCategory] = []
    experience: Text | None = None


class InterviewIn(msgspec.Struct, forbid_unknown_fields=True):
    held_on: date
    recommended: bool
    note: Text | None = None


class ErasureIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class LegalBasisIn(msgspec.Struct, forbid_unknown_fields=True):
    basis: Text


class MailRemindersIn(msgspec.Struct, forbid_unknown_fields=True):
    by_mail: bool


class PeopleController(Controller):
    path = "/people"
    tags = ["people"]

    @post("/", sync_to_thread=True)
    def register_person(
        self, request: Request[Principal, Any, Any], state: State, data: PersonIn
    ) -> Created:
        """Register a person in a school's base: a pupil, a teacher or a partner's employee, as
        mentor or mentee.

        A minor's personal data is stored only with a representative's consent; the data is
        encrypted with the person's own key."""
        person, position = registry_of(state).register_person(request.user, data.to_command())
        return Created(id=person.id, position=position)

    @post("/{person_id:uuid}/consents", sync_to_thread=True)
    def sign_consent(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: ConsentIn,
    ) -> Created:
        """Record a person's consent (согласие), signed by them or by their legal representative."""
        consent_id, position = registry_of(state).sign_consent(
            request.user, person_id, data.to_command()
        )
        return Created(id=consent_id, position=position)

    @post(
        "/{person_id:uuid}/consents/{consent_id:uuid}/withdrawal",
        sync_to_thread=True,
        status_code=200,
    )
    def withdraw_consent(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        consent_id: UUID,
        data: WithdrawalIn,
    ) -> Position:
        """Record the withdrawal of a consent; personal data it covered is erased 30 days later."""
        position = registry_of(state).withdraw_consent(
            request.user, person_id, consent_id, data.withdrawn_on
        )
        return Position(position=position)

    @post("/{person_id:uuid}/staff-roles", sync_to_thread=True, status_code=200)
    def assign_staff_role(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: StaffRoleIn,
    ) -> Position:
        """Give a school's staff member a role: director, coordinator or curator of mentoring
        forms, with its duties, its appointing act (of the register of acts, or an external
        act's number and date) and its term."""
        position = registry_of(state).assign_staff_role(
            request.user, person_id, data.role, data.to_command()
        )
        return Position(position=position)

    @delete("/{person_id:uuid}/staff-roles/{role:str}", sync_to_thread=True, status_code=200)
    def revoke_staff_role(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        role: StaffRole,
        until: date | None = None,
    ) -> Position:
        """Take a staff role back from a school's staff member. `until`: the role's last day as
        the documents give it (the day of recording if none)."""
        position = registry_of(state).revoke_staff_role(request.user, person_id, role, until)
        return Position(position=position)

    @put("/{person_id:uuid}/mentee-profile", sync_to_thread=True)
    def record_mentee_profile(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: MenteeProfileIn,
    ) -> Position:
        """Record a mentee's profile: categories, requests and the topics to match mentors
        against."""
        position = registry_of(state).record_mentee_profile(
            request.user, person_id, data.categories, data.requests, data.needs, data.school_year
        )
        return Position(position=position)

    @post("/{person_id:uuid}/third-party-information", sync_to_thread=True)
    def record_third_party_information(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: ThirdPartyIn,
    ) -> Created:
        """Record information about a person received from someone else, with its source (152-ФЗ,
        ст. 14)."""
        information_id, position = registry_of(state).record_third_party_information(
            request.user, person_id, data.source, data.information
        )
        return Created(id=information_id, position=position)

    @put("/{person_id:uuid}/mentor-questionnaire", sync_to_thread=True)
    def record_mentor_questionnaire(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: QuestionnaireIn,
    ) -> Position:
        """Record a mentor's questionnaire (анкета наставника): competences, interests, time and
        preferences."""
        answers = QuestionnaireAnswers(**msgspec.structs.asdict(data))
        position = registry_of(state).record_mentor_questionnaire(request.user, person_id, answers)
        return Position(position=position)

    @post("/{person_id:uuid}/mentor-interview", sync_to_thread=True, status_code=200)
    def record_mentor_interview(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: InterviewIn,
    ) -> Position:
        """Record the interview of a candidate mentor and whether they are recommended."""
        position = registry_of(state).record_interview(
            request.user, person_id, data.held_on, data.recommended, data.note
        )
        return Position(position=position)

    @post("/{person_id:uuid}/legal-basis", sync_to_thread=True, status_code=200)
    def record_legal_basis(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: LegalBasisIn,
    ) -> Position:
        """Record the legal basis on which the school processes a person's data without consent."""
        position = registry_of(state).record_legal_basis(request.user, person_id, data.basis)
        return Position(position=position)

    @put("/{person_id:uuid}/mail-reminders", sync_to_thread=True)
    def set_mail_reminders(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: MailRemindersIn,
    ) -> Position:
        position = registry_of(state).set_mail_reminders(request.user, person_id, data.by_mail)
        return Position(position=position)

    @post("/{person_id:uuid}/erasure", sync_to_thread=True, status_code=200)
    def erase_person(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        person_id: UUID,
        data: ErasureIn,
    ) -> Position:
        """Erase a person's personal data now, by the director's order.

        The person's data key is destroyed (crypto-shredding): their history stays, unreadable."""
        position = registry_of(state).erase_person(request.user, person_id, data.reason)
        return Position(position=position)
