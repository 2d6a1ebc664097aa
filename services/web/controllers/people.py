"""The school's bases of mentees and of mentors: lists, a person's card, adding a person,
consents, the mentee's profile and the mentor's questionnaire."""

from __future__ import annotations

from enum import StrEnum
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.registry.labels import PERSON_KIND_NAMES
from services.reporting.labels import MENTOR_STATUS_NAMES
from shared.adapters.settings import region_today
from shared.dictionaries import CATEGORY_NAMES, school_year_of

from .. import commands
from ..backend import Backend, Refused
from ..commands import NewConsent, RegisterPerson, SignConsent, WithdrawConsent
from ..forms import Form
from ..pages import form_page, page
from ..reads import Connection, Date, DateTime, Read
from ..session import WebUser
from .common import Question, done, school_of, typed_day, unconfirmed


class Base(StrEnum):
    MENTEES = "mentees"
    MENTORS = "mentors"


BASE_TITLES = {Base.MENTEES: "База наставляемых", Base.MENTORS: "База наставников"}
ROLE_OF = {Base.MENTEES: "MENTEE", Base.MENTORS: "MENTOR"}
MENTEE_KINDS = ("student", "teacher")
PAGE_SIZE = 25

PEOPLE = """
query($role: ParticipantRole, $kind: String, $search: String, $status: String, $after: String,
      $first: Int!) {
  people(role: $role, kind: $kind, search: $search, mentorStatus: $status, first: $first,
         after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id fullName kind grade position birthDate youngSpecialist
                   consents { kind valid signedBy }
                   mentorProfile { status competences }
                   menteeProfile { categories } } }
  }
}
"""
PERSON = """
query($id: ID!) {
  person(id: $id) {
    id kind fullName birthDate grade position contacts teachingSince isMentor isMentee
    mentorCapacity youngSpecialist teachingYears
    consents { id kind signedOn expiresOn signedBy relation withdrawnOn valid }
    staffRoles { role forms area since }
    thirdPartyInformation { source information recordedAt }
    menteeProfile { categories needs requests schoolYear }
    requestsByYear { schoolYear categories needs requests }
    mentorProfile { status competences interests preferredAgeMin preferredAgeMax
                    hoursPerMonth experience interviewedOn registerOrderNumber
                    registerOrderDate }
  }
}
"""


class ValidConsent(Read):
    kind: str
    valid: bool
    signedBy: str


class MentorMarks(Read):
    status: str | None
    competences: list[str]


class MenteeMarks(Read):
    categories: list[str]


class PersonRow(Read):
    """A person as a line of a base's list."""

    id: str
    fullName: str
    kind: str
    grade: str | None
    position: str | None
    birthDate: Date | None
    youngSpecialist: bool
    consents: list[ValidConsent]
    mentorProfile: MentorMarks | None
    menteeProfile: MenteeMarks | None


class People(Read):
    people: Connection[PersonRow]


class Consent(Read):
    id: str
    kind: str
    signedOn: Date
    expiresOn: Date | None
    signedBy: str
    relation: str | None
    withdrawnOn: Date | None
    valid: bool


class StaffRole(Read):
    role: str
    forms: list[str]
    area: str | None
    since: Date


class ThirdPartyInformation(Read):
    source: str
    information: str
    recordedAt: DateTime


class MenteeProfile(Read):
    categories: list[str]
    needs: list[str]
    requests: str | None
    schoolYear: str | None = None


class YearRequest(Read):
    """One school year's request of the bank of mentees."""

    schoolYear: str
    categories: list[str]
    needs: list[str]
    requests: str | None


class MentorProfile(Read):
    status: str | None
    competences: list[str]
    interests: list[str]
    preferredAgeMin: int | None
    preferredAgeMax: int | None
    hoursPerMonth: int | None
    experience: str | None
    interviewedOn: Date | None
    registerOrderNumber: str | None
    registerOrderDate: Date | None


class PersonCard(Read):
    """A person's card: details, consents, roles, the profile or the questionnaire."""

    id: str
    kind: str
    fullName: str
    birthDate: Date | None
    grade: str | None
    position: str | None
    contacts: str | None
    teachingSince: Date | None
    isMentor: bool
    isMentee: bool
    mentorCapacity: int
    youngSpecialist: bool
    teachingYears: int | None
    consents: list[Consent]
    staffRoles: list[StaffRole]
    thirdPartyInformation: list[ThirdPartyInformation]
    menteeProfile: MenteeProfile | None
    requestsByYear: list[YearRequest]
    mentorProfile: MentorProfile | None


class FoundPerson(Read):
    person: PersonCard | None


# Where each field of a registration lands on the form, and which rule belongs to which field.
PERSON_FIELDS = {
    "full_name": "full_name",
    "kind": "kind",
    "birth_date": "birth_date",
    "grade": "grade",
    "contacts": "contacts",
    "mentor_capacity": "mentor_capacity",
    "position": "position",
    "teaching_since": "teaching_since",
    "consent.signed_on": "consent_signed_on",
    "consent.representative_name": "representative_name",
    "consent.relation": "relation",
}
PERSON_RULES = {
    "duplicate_person": "full_name",
    "birth_date": "birth_date",
    "birth_date_in_future": "birth_date",
    "mentee_kind": "kind",
    "minor_needs_representative": "representative_name",
    "consent_expiry_before_signing": "consent_signed_on",
}
CONSENT_FIELDS = {
    "signed_on": "signed_on",
    "expires_on": "expires_on",
    "representative_name": "representative_name",
    "relation": "relation",
    "kind": "kind",
}
CONSENT_RULES = {
    "minor_needs_representative": "representative_name",
    "duty_consent_by_representative": "representative_name",
    "consent_expiry_before_signing": "expires_on",
    "consent_exists": "kind",
}


async def person_or_404(backend: Backend, user: WebUser, person_id: UUID) -> PersonCard:
    """A person of the user's school; another school's person is simply not found."""
    school_of(user)
    person = (await backend.query(user.token, PERSON, FoundPerson, id=str(person_id))).person
    if person is None:
        raise Refused(404, "person_not_found", "Человек не найден")
    return person


def kinds_for(base: Base) -> list[tuple[str, str]]:
    codes = MENTEE_KINDS if base == Base.MENTEES else tuple(PERSON_KIND_NAMES)
    return [(code, PERSON_KIND_NAMES[code]) for code in codes]


class PeopleController(Controller):
    path = "/people"

    @get("/{base:str}")
    async def listing(
        self,
        user: WebUser,
        backend: Backend,
        base: Base,
        search: str = "",
        kind: str = "",
        status: str = "",
        after: str = "",
    ) -> Template:
        school_of(user)
        found = (
            await backend.query(
                user.token,
                PEOPLE,
                People,
                role=ROLE_OF[base],
                kind=kind or None,
                search=search.strip() or None,
                status=(status or None) if base == Base.MENTORS else None,
                after=after or None,
                first=PAGE_SIZE,
            )
        ).people
        return page(
            "people/list.html",
            user,
            base=base,
            title=BASE_TITLES[base],
            people=found.nodes,
            total=found.totalCount,
            next_cursor=found.next_cursor,
            filters={"search": search, "kind": kind, "status": status},
            kinds=kinds_for(base),
            statuses=list(MENTOR_STATUS_NAMES.items()),
            status_names=MENTOR_STATUS_NAMES,
            paged=bool(after),
        )

    @get("/{base:str}/new")
    async def new(self, user: WebUser, base: Base) -> Template:
        school_of(user)
        return self._person_form(user, base, Form(values={"mentor_capacity": "1"}))

    @post("/{base:str}/new")
    async def add(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, base: Base
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        if not form.require("full_name", "kind"):
            return self._person_form(user, base, form)
        try:
            created = await backend.command(
                user.token, "registry", "/people", self._registration(user, base, form)
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            return self._person_form(user, base, form.refused(refusal, PERSON_FIELDS, PERSON_RULES))
        return done(request, f"/people/{base}/{created.id}", "Человек добавлен в базу")

    @get("/{base:str}/{person_id:uuid}")
    async def card(self, user: WebUser, backend: Backend, base: Base, person_id: UUID) -> Template:
        person = await person_or_404(backend, user, person_id)
        return self._card(user, base, person, Form())

    @post("/{base:str}/{person_id:uuid}/consents")
    async def sign_consent(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        base: Base,
        person_id: UUID,
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        body = SignConsent(
            kind=form.text("kind") or "personal_data",
            signed_on=form.day("signed_on"),
            expires_on=form.day("expires_on"),
            representative_name=form.text("representative_name"),
            relation=form.text("relation"),
        )
        try:
            await backend.command(user.token, "registry", f"/people/{person_id}/consents", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            person = await person_or_404(backend, user, person_id)
            form.refused(refusal, CONSENT_FIELDS, CONSENT_RULES)
            return self._card(user, base, person, form)
        return done(request, f"/people/{base}/{person_id}", "Согласие записано")

    @post("/{base:str}/{person_id:uuid}/consents/{consent_id:uuid}/withdrawal")
    async def withdraw_consent(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        base: Base,
        person_id: UUID,
        consent_id: UUID,
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        person = await person_or_404(backend, user, person_id)
        question = Question(
            f"Отозвать согласие: {person.fullName}?",
            f"Согласие отозвано {typed_day(form.day('withdrawn_on'))} по заявлению. Без"
            " действующего согласия человека нельзя включать в пары и в приказ; отзыв нельзя"
            " отменить — только записать новое согласие.",
            "Да, отозвать согласие",
            f"/people/{base}/{person_id}#consents",
        )
        if asked := unconfirmed(request, user, form, question):
            return asked
        await backend.command(
            user.token,
            "registry",
            f"/people/{person_id}/consents/{consent_id}/withdrawal",
            WithdrawConsent(withdrawn_on=form.day("withdrawn_on")),
        )
        return done(request, f"/people/{base}/{person_id}", "Согласие отозвано")

    @get("/{base:str}/{person_id:uuid}/profile")
    async def profile(
        self, user: WebUser, backend: Backend, base: Base, person_id: UUID
    ) -> Template:
        person = await person_or_404(backend, user, person_id)
        return self._profile_form(user, base, person, profile_values(person))

    @post("/{base:str}/{person_id:uuid}/profile")
    async def save_profile(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        base: Base,
        person_id: UUID,
    ) -> Template | Redirect:
        person = await person_or_404(backend, user, person_id)
        form = Form.of(await request.form(), lists=("categories",))
        path, body = profile_command(person, form)
        try:
            await backend.command(user.token, "registry", path, body, method="PUT")
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            fields = {name: name for name in body.__struct_fields__}
            form.refused(refusal, fields, {"age_range": "preferred_age_max"})
            return self._profile_form(user, base, person, form)
        return done(request, f"/people/{base}/{person_id}", "Сведения сохранены")

    @staticmethod
    def _registration(user: WebUser, base: Base, form: Form) -> RegisterPerson:
        consent = NewConsent(
            signed_on=form.day("consent_signed_on"),
            representative_name=form.text("representative_name"),
            relation=form.text("relation"),
        )
        return RegisterPerson(
            school_id=str(school_of(user)),
            kind=form.text("kind"),
            full_name=form.text("full_name"),
            roles=["mentee" if base == Base.MENTEES else "mentor"],
            birth_date=form.day("birth_date"),
            grade=form.text("grade"),
            contacts=form.text("contacts"),
            position=form.text("position"),
            teaching_since=form.day("teaching_since"),
            mentor_capacity=form.number("mentor_capacity") or 1,
            consent=consent if form.text("consent_signed_on") else None,
        )

    @staticmethod
    def _person_form(user: WebUser, base: Base, form: Form) -> Template:
        return form_page(
            "people/new.html",
            user,
            form,
            base=base,
            title=BASE_TITLES[base],
            kinds=kinds_for(base),
        )

    @staticmethod
    def _card(user: WebUser, base: Base, person: PersonCard, form: Form) -> Template:
        return form_page(
            "people/card.html",
            user,
            form,
            person=person,
            base=base,
            status_names=MENTOR_STATUS_NAMES,
        )

    @staticmethod
    def _profile_form(user: WebUser, base: Base, person: PersonCard, form: Form) -> Template:
        return form_page(
            "people/profile.html",
            user,
            form,
            base=base,
            person=person,
            categories=[(str(k), v) for k, v in CATEGORY_NAMES.items()],
        )


def profile_values(person: PersonCard) -> Form:
    """The saved profile (a mentee's) or questionnaire (a mentor's) as the form shows it."""
    if person.isMentee:
        mentee = person.menteeProfile or MenteeProfile(categories=[], needs=[], requests=None)
        return Form(
            values={
                "categories": mentee.categories,
                "requests": mentee.requests or "",
                "needs": ", ".join(mentee.needs),
                "school_year": school_year_of(region_today()),
            }
        )
    mentor = person.mentorProfile
    return Form(
        values={
            "competences": ", ".join(mentor.competences if mentor else []),
            "interests": ", ".join(mentor.interests if mentor else []),
            "hours_per_month": (mentor and mentor.hoursPerMonth) or "",
            "capacity": person.mentorCapacity,
            "preferred_age_min": (mentor and mentor.preferredAgeMin) or "",
            "preferred_age_max": (mentor and mentor.preferredAgeMax) or "",
            "experience": (mentor and mentor.experience) or "",
        }
    )


def profile_command(
    person: PersonCard, form: Form
) -> tuple[str, commands.MenteeProfile | commands.MentorQuestionnaire]:
    if person.isMentee:
        return f"/people/{person.id}/mentee-profile", commands.MenteeProfile(
            categories=form.choices("categories"),
            requests=form.text("requests"),
            needs=form.words("needs"),
            school_year=form.text("school_year"),
        )
    return f"/people/{person.id}/mentor-questionnaire", commands.MentorQuestionnaire(
        competences=form.words("competences"),
        interests=form.words("interests"),
        hours_per_month=form.number("hours_per_month"),
        capacity=form.number("capacity") or 1,
        preferred_age_min=form.number("preferred_age_min"),
        preferred_age_max=form.number("preferred_age_max"),
        experience=form.text("experience"),
    )
