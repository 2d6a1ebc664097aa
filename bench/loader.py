"""Bulk import of a synthetic region through the applications' own commands, in-process.

Each school goes in through the batch commands a school would use for its paper records, each
item checked as its single command checks it and saved together: the people prepared and saved
together, as the registry's XLSX import does; the pairs and groups through
`Programs.form_pairs`; the director's orders through `Programs.approve_pairs`; the meetings (and a
group's members' feedback) through `Programs.record_meetings`, `SAVE_PAIRS` pairs a command; the
survey responses through `Programs.submit_responses`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from uuid import UUID

from services.cli import registry_for_tools
from services.programs.application import (
    Feedback,
    JournalEntry,
    MemberFeedback,
    NewMeeting,
    NewPair,
    NewResponse,
    Programs,
)
from services.programs.domain import MeetingFormat, MeetingKind, Stage, default_template_id
from services.registry.application import NewConsent, NewPerson, Registry, RegistryState
from services.registry.domain import ConsentKind, OrganisationKind, ParticipantRole
from services.wiring import role_address
from shared.auth import Principal, Role
from shared.database import WRITER_ROLE
from shared.eventstore import actor_of
from shared.keystore import PendingKeys
from shared.settings import Settings
from shared.tenancy import Scope

from .generator import CONSENTS_SIGNED, PAIRS_APPROVED, SCHOOL_YEAR, Region, SchoolPlan

OPERATOR = Principal("bench-operator", Role.OPERATOR, Scope(""))
ORDER_LIMIT = 500  # pairs per order (the command's limit)
SAVE_PAIRS = 100  # pairs whose meetings go in one save


def feedback(rating: int | None, comment: str | None) -> Feedback | None:
    return Feedback(rating, comment) if rating is not None or comment else None


def school_principal(role: Role, school: SchoolPlan) -> Principal:
    return Principal(f"bench-{role}-{school.number}", role, Scope(school.organisation.path))


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


class Applications:
    """Registry and Programs as the services open them, for in-process commands."""

    def __init__(self, registry: Registry, settings: Settings) -> None:
        self.registry = registry
        self.state = RegistryState(role_address(settings, WRITER_ROLE))
        self.programs = Programs(
            role_address(settings, WRITER_ROLE), keys=registry.keys, registry=self.state
        )
        self.programs.publish_default_templates()  # as the programs service does at start

    def close(self) -> None:
        self.programs.close()
        self.state.close()


@contextmanager
def applications(settings: Settings) -> Iterator[Applications]:
    with registry_for_tools(settings) as registry:
        apps = Applications(registry, settings)
        try:
            yield apps
        finally:
            apps.close()


class Loader:
    def __init__(self, apps: Applications, region: Region) -> None:
        self.apps = apps
        self.region = region
        self.times = StageTimes()
        self.pairs = 0
        self.people = 0
        self.surveys = 0
        self.groups = 0

    def load(self) -> None:
        with self.times.stage("organisations"):
            self._organisations()
        for school in self.region.schools():
            self.load_school(school)

    def _organisations(self) -> None:
        registry = self.apps.registry
        region = self.region.region
        registry.register_organisation(
            OPERATOR, OrganisationKind.REGION, region.name, None, region.id
        )
        for municipality in self.region.municipalities:
            registry.register_organisation(
                OPERATOR,
                OrganisationKind.MUNICIPALITY,
                municipality.name,
                region.id,
                municipality.id,
            )
        for number in range(self.region.size.schools):
            municipality, school = self.region.school_organisation(number)
            registry.register_organisation(
                OPERATOR, OrganisationKind.SCHOOL, school.name, municipality.id, school.id
            )

    def load_school(self, school: SchoolPlan) -> None:
        coordinator = school_principal(Role.SCHOOL_COORDINATOR, school)
        with self.times.stage("people"):
            self._people(school, coordinator)
        with self.times.stage("programme and pairs"):
            self._programme(school, coordinator)
        with self.times.stage("orders"):
            self._orders(school)
        with self.times.stage("meetings"):
            self._meetings(school, coordinator)
        with self.times.stage("surveys"):
            self._surveys(school, coordinator)

    def _people(self, school: SchoolPlan, coordinator: Principal) -> None:
        registry = self.apps.registry
        organisation = registry.school(school.organisation.id)
        pending = PendingKeys()
        actor = actor_of(coordinator)
        prepared = []
        for person in school.people:
            roles = [ParticipantRole.MENTOR] if person.mentor else []
            roles += [ParticipantRole.MENTEE] if person.mentee else []
            new = NewPerson(
                school_id=school.organisation.id,
                kind=person.kind,
                full_name=person.full_name,
                birth_date=person.birth_date,
                roles=roles,
                grade=person.grade,
                mentor_capacity=person.capacity,
                position="учитель" if person.teaching_since else None,
                teaching_since=person.teaching_since,
                consent=NewConsent(
                    ConsentKind.PERSONAL_DATA,
                    CONSENTS_SIGNED,
                    representative_name=person.representative,
                    relation=person.relation,
                ),
                id=person.id,
            )
            entry = registry.prepare(coordinator, organisation, new, pending)
            if person.mentor and person.teaching_since:
                # A teacher mentor's written consent to the extra duty (ТК РФ 351.8).
                entry.person.sign_consent(
                    actor,
                    consent_id=UUID(int=person.id.int ^ 1),
                    kind=ConsentKind.ADDITIONAL_DUTY,
                    signed_on=CONSENTS_SIGNED,
                    expires_on=None,
                    representative=None,
                    relation=None,
                    subject_is_minor=False,
                )
            if person.categories:
                entry.person.record_mentee_profile(actor, list(person.categories), None, [])
            prepared.append(entry)
        registry.save_prepared(school.organisation.id, prepared, pending)
        self.people += len(prepared)

    def _programme(self, school: SchoolPlan, coordinator: Principal) -> None:
        programs = self.apps.programs
        programs.open_programme(
            coordinator,
            school.organisation.id,
            SCHOOL_YEAR,
            "Программа наставничества на 2025/26 учебный год",
            school.forms,
            school.programme_id,
        )
        director = school_principal(Role.SCHOOL_DIRECTOR, school)
        programs.move_to_stage(director, school.programme_id, Stage.WORK_OF_PAIRS)
        programs.form_pairs(
            coordinator,
            school.programme_id,
            [NewPair(p.form, p.mentor_id, list(p.mentee_ids), id=p.id) for p in school.pairs],
        )
        self.pairs += len(school.pairs)
        self.groups += sum(pair.is_group for pair in school.pairs)

    def _orders(self, school: SchoolPlan) -> None:
        director = school_principal(Role.SCHOOL_DIRECTOR, school)
        ids = [p.id for p in school.pairs]
        for number, start in enumerate(range(0, len(ids), ORDER_LIMIT)):
            self.apps.programs.approve_pairs(
                director,
                school.programme_id,
                f"{number + 1}-н",
                PAIRS_APPROVED,
                ids[start : start + ORDER_LIMIT],
            )

    def _meetings(self, school: SchoolPlan, coordinator: Principal) -> None:
        """A school's meetings (and a group's members' feedback) through
        `Programs.record_meetings`, one command per `SAVE_PAIRS` pairs."""
        for start in range(0, len(school.pairs), SAVE_PAIRS):
            self.apps.programs.record_meetings(
                coordinator,
                [
                    JournalEntry(
                        plan.id,
                        NewMeeting(
                            kind=MeetingKind(meeting.kind),
                            held_on=meeting.held_on,
                            duration_minutes=45,
                            meeting_format=MeetingFormat.IN_PERSON,
                            mentor=feedback(meeting.mentor_rating, meeting.mentor_comment),
                            mentee=feedback(meeting.mentee_rating, meeting.mentee_comment),
                            id=meeting.id,
                        ),
                        tuple(
                            MemberFeedback(member, Feedback(rating))
                            for member, rating in meeting.members_feedback
                        ),
                    )
                    for plan in school.pairs[start : start + SAVE_PAIRS]
                    for meeting in plan.meetings
                ],
            )

    def _surveys(self, school: SchoolPlan, coordinator: Principal) -> None:
        """A school's responses through `Programs.submit_responses`, each checked against its
        template, saved together."""
        self.apps.programs.submit_responses(
            coordinator,
            school.programme_id,
            [
                NewResponse(
                    default_template_id(survey.purpose),
                    survey.respondent_id,
                    survey.answered_on,
                    survey.answers,
                    survey.pair_id,
                )
                for survey in school.surveys
            ],
        )
        self.surveys += len(school.surveys)
