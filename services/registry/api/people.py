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
    signed_on: Annotated[
        date,
        msgspec.Meta(
            description="The day it was signed, not in the future", examples=["2025-09-01"]
        ),
    ]
    kind: Annotated[
        ConsentKind,
        msgspec.Meta(
            description="What it consents to: personal data processing (the default) or a"
            " teacher's extra duty as mentor",
            examples=["personal_data"],
        ),
    ] = ConsentKind.PERSONAL_DATA
    expires_on: Annotated[
        date | None, msgspec.Meta(description="Its last day; none for a consent without a term")
    ] = None
    # Set when a legal representative signs for the person (always, for a minor).
    representative_name: Annotated[
        Name | None,
        msgspec.Meta(
            description="The legal representative who signed for the person (always for a minor)",
            examples=["Орлова Анна Сергеевна"],
        ),
    ] = None
    relation: Annotated[
        Short | None,
        msgspec.Meta(description="The representative's relation to the person", examples=["мать"]),
    ] = None

    def to_command(self) -> NewConsent:
        return NewConsent(**msgspec.structs.asdict(self))


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    school_id: Annotated[
        UUID,
        msgspec.Meta(
            description="The school whose base the person joins",
            examples=["3e6a9c12-4b7d-4f0a-8c2e-5d1f3a7b9e04"],
        ),
    ]
    kind: Annotated[
        PersonKind,
        msgspec.Meta(
            description="Who the person is counted as: student, teacher, parent, alumnus,"
            " partner_employee, veteran, psychologist, social_pedagogue, administrator,"
            " class_teacher, entrepreneur or public_figure",
            examples=["student"],
        ),
    ]
    full_name: Annotated[
        Name, msgspec.Meta(description="The full name (ФИО)", examples=["Орлов Денис Игоревич"])
    ]
    roles: Annotated[
        list[ParticipantRole],
        msgspec.Meta(
            max_length=2,
            description="The bases the person joins: mentor, mentee or both; none for a member"
            " of the school's staff only",
            examples=[["mentee"]],
        ),
    ]
    birth_date: Annotated[
        date | None,
        msgspec.Meta(
            description="The birth date; a minor's consent needs a representative",
            examples=["2012-10-03"],
        ),
    ] = None
    grade: Annotated[
        Annotated[str, msgspec.Meta(max_length=20)] | None,
        msgspec.Meta(description="A pupil's class", examples=["7А"]),
    ] = None
    contacts: Annotated[
        Annotated[str, msgspec.Meta(max_length=300)] | None,
        msgspec.Meta(description="How to reach the person (phone, e-mail)"),
    ] = None
    mentor_capacity: Annotated[
        int, msgspec.Meta(ge=1, le=30, description="How many mentees a mentor takes at once")
    ] = 1
    position: Annotated[
        Short | None, msgspec.Meta(description="A teacher's or partner employee's position")
    ] = None
    teaching_since: Annotated[
        date | None,
        msgspec.Meta(description="The day the person's teaching experience (стаж) counts from"),
    ] = None
    partner_id: Annotated[
        UUID | None, msgspec.Meta(description="For a partner's employee, the partner organisation")
    ] = None
    consent: Annotated[
        ConsentIn | None,
        msgspec.Meta(
            description="The consent to personal data processing signed at registration",
            examples=[
                {
                    "signed_on": "2025-09-01",
                    "representative_name": "Орлова Анна Сергеевна",
                    "relation": "мать",
                }
            ],
        ),
    ] = None
    id: Annotated[
        UUID | None, msgspec.Meta(description="The person's id, when the caller chooses it")
    ] = None
    other_kinds: Annotated[
        list[PersonKind],
        msgspec.Meta(
            max_length=5,
            description="What else the person is besides `kind` (an alumnus who works for a"
            " partner)",
        ),
    ] = []

    def to_command(self) -> NewPerson:
        fields = msgspec.structs.asdict(self)
        fields["consent"] = self.consent.to_command() if self.consent else None
        return NewPerson(**fields)


class WithdrawalIn(msgspec.Struct, forbid_unknown_fields=True):
    withdrawn_on: Annotated[
        date, msgspec.Meta(description="The day the consent was withdrawn", examples=["2025-11-20"])
    ]


class StaffRoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Annotated[StaffRole, msgspec.Meta(description="The staff role", examples=["curator"])]
    forms: Annotated[
        list[MentoringForm],
        msgspec.Meta(
            description="For a curator, the forms of mentoring covered",
            examples=[["student_student", "teacher_student"]],
        ),
    ] = []
    area: Annotated[
        Text | None, msgspec.Meta(description="For a working group member, the area")
    ] = None
    since: Annotated[
        date | None,
        msgspec.Meta(
            description="The day the role starts, as its order gives (else the day of recording)",
            examples=["2025-09-01"],
        ),
    ] = None
    until: Annotated[
        date | None,
        msgspec.Meta(description="The last day of the term the act sets, if it sets one"),
    ] = None
    duties: Annotated[
        list[Text],
        msgspec.Meta(
            max_length=30,
            description="The role's duties as the act words them",
            examples=[["Формирует наставнические пары", "Ведёт базу наставников и наставляемых"]],
        ),
    ] = []
    act_id: Annotated[
        UUID | None, msgspec.Meta(description="The appointing act in the register of acts")
    ] = None
    act_number: Annotated[
        Short | None,
        msgspec.Meta(
            description="Or an external appointing act's number (with its date)", examples=["120-о"]
        ),
    ] = None
    act_date: Annotated[
        date | None,
        msgspec.Meta(description="The external appointing act's date", examples=["2025-08-29"]),
    ] = None

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
    categories: Annotated[
        list[MenteeCategory],
        msgspec.Meta(description="The mentee's categories", examples=[["low_results"]]),
    ]
    requests: Annotated[
        Text | None,
        msgspec.Meta(
            description="The request in the mentee's own words",
            examples=["Хочу подтянуть алгебру и сдать ОГЭ на «4»"],
        ),
    ] = None
    needs: Annotated[
        Tags,
        msgspec.Meta(
            description="The topics of the request (for matching)",
            examples=[["алгебра", "подготовка к ОГЭ"]],
        ),
    ] = []  # topics of the request, matched against mentors' competences
    school_year: Annotated[
        SchoolYear | None,
        msgspec.Meta(
            description="The school year of the request; the current one when absent",
            examples=["2025/26"],
        ),
    ] = None  # the year of the request: this one by default


class ThirdPartyIn(msgspec.Struct, forbid_unknown_fields=True):
    source: Annotated[
        InformationSource,
        msgspec.Meta(description="Who gave the information", examples=["class_teacher"]),
    ]
    information: Annotated[
        Text,
        msgspec.Meta(
            description="What was received",
            examples=["С октября пропускает уроки физики, снизилась успеваемость по математике"],
        ),
    ]


class QuestionnaireIn(msgspec.Struct, forbid_unknown_fields=True):
    competences: Annotated[
        Tags,
        msgspec.Meta(
            description="What the mentor can help with",
            examples=[["математика", "подготовка к олимпиадам"]],
        ),
    ]
    interests: Annotated[
        Tags, msgspec.Meta(description="The mentor's interests", examples=[["шахматы", "туризм"]])
    ]
    hours_per_month: Annotated[
        int,
        msgspec.Meta(ge=1, le=200, description="Hours a month the mentor can give", examples=[8]),
    ]
    meeting_frequency: Annotated[
        MeetingFrequency,
        msgspec.Meta(description="How often the mentor can meet", examples=["weekly"]),
    ] = MeetingFrequency.WEEKLY
    meeting_format: Annotated[
        MeetingPreference,
        msgspec.Meta(description="How the mentor prefers to meet", examples=["in_person"]),
    ] = MeetingPreference.ANY
    capacity: Annotated[
        int,
        msgspec.Meta(
            ge=1, le=30, description="How many mentees the mentor takes at once", examples=[2]
        ),
    ] = 1
    preferred_age_min: Annotated[
        Annotated[int, msgspec.Meta(ge=6, le=80)] | None,
        msgspec.Meta(description="The youngest mentee age preferred"),
    ] = None
    preferred_age_max: Annotated[
        Annotated[int, msgspec.Meta(ge=6, le=80)] | None,
        msgspec.Meta(description="The oldest mentee age preferred"),
    ] = None
    preferred_categories: Annotated[
        list[MenteeCategory], msgspec.Meta(description="The mentee categories preferred")
    ] = []
    experience: Annotated[
        Text | None, msgspec.Meta(description="The mentor's experience in their own words")
    ] = None


class InterviewIn(msgspec.Struct, forbid_unknown_fields=True):
    held_on: Annotated[
        date, msgspec.Meta(description="The day of the interview", examples=["2025-09-10"])
    ]
    recommended: Annotated[
        bool, msgspec.Meta(description="The candidate is recommended as a mentor", examples=[True])
    ]
    note: Annotated[
        Text | None,
        msgspec.Meta(
            description="A note on the interview",
            examples=["Классный руководитель 8Б, 12 лет стажа; готова вести двух наставляемых"],
        ),
    ] = None


class ErasureIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[
        Text,
        msgspec.Meta(
            description="Why the person's data is erased",
            examples=["Обучающийся выбыл из школы, законный представитель отозвал согласие"],
        ),
    ]


class LegalBasisIn(msgspec.Struct, forbid_unknown_fields=True):
    basis: Annotated[
        Text,
        msgspec.Meta(
            description="The legal basis for processing the person's data",
            examples=[
                "Согласие законного представителя на обработку персональных данных от 01.09.2025"
            ],
        ),
    ]


class MailRemindersIn(msgspec.Struct, forbid_unknown_fields=True):
    by_mail: Annotated[
        bool, msgspec.Meta(description="The person gets reminders by e-mail", examples=[True])
    ]


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
