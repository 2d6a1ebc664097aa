"""Bulk import of a synthetic region through the applications' own commands, in-process.

Each school goes in through the batch commands a school would use for its paper records, each
item checked as its single command checks it and saved together: the people prepared and saved
together, as the registry's XLSX import does; the pairs and groups through
`Programs.form_pairs`; the director's orders through `Programs.approve_pairs`; the meetings (and a
group's members' feedback) through `Programs.record_meetings`, `SAVE_PAIRS` pairs a command; the
survey responses through `Programs.submit_responses`.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from uuid import UUID

from services.bootstrap import WriteSide, write_side
from services.programs.application import (
    Feedback,
    JournalEntry,
    MemberFeedback,
    NewMeeting,
    NewPair,
    NewResponse,
)
from services.programs.domain import MeetingFormat, MeetingKind, Stage, default_template_id
from services.registry.application import NewConsent, NewPerson
from services.registry.domain import ConsentKind, OrganisationKind, ParticipantRole
from shared.adapters.keystore import PendingKeys
from shared.adapters.settings import Settings
from shared.dictionaries import school_year_of
from shared.kernel.aggregate import actor_of
from shared.kernel.errors import AppError
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope

from .generator import (
    CONSENTS_SIGNED,
    PAIRS_APPROVED,
    SCHOOL_YEAR,
    SIZES,
    PairPlan,
    Region,
    SchoolPlan,
)

OPERATOR = Principal("bench-operator", Role.OPERATOR, Scope(""))
ORDER_LIMIT = 500  # pairs per order (the command's limit)
SAVE_PAIRS = 100  # pairs whose meetings go in one command (and one save)
PLANS_KEPT = 4  # schools' plans a worker keeps for their next tasks


def feedback(rating: int | None, comment: str | None) -> Feedback | None:
    return Feedback(rating, comment) if rating is not None or comment else None


def journal(pairs: list[PairPlan]) -> list[JournalEntry]:
    """The pairs' meetings, with a group's members' feedback, as a school's journal has them."""
    return [
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
        for plan in pairs
        for meeting in plan.meetings
    ]


def survey_responses(school: SchoolPlan) -> list[NewResponse]:
    """The school's answered questionnaires, on the platform's default templates."""
    return [
        NewResponse(
            default_template_id(survey.purpose),
            survey.respondent_id,
            survey.answered_on,
            survey.answers,
            survey.pair_id,
        )
        for survey in school.surveys
    ]


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


@dataclass(frozen=True)
class Task:
    """A share of the import one worker runs: a school's people, pairs and orders (`SETUP`),
    then, once they are stored, its meetings `SAVE_PAIRS` pairs at a time and its surveys."""

    kind: str
    school: int
    start: int = 0  # the first of the pairs whose meetings it records


SETUP, MEETINGS, SURVEYS = "setup", "meetings", "surveys"


@dataclass
class Report:
    """What a worker's task did: its commands' time per stage and what it stored."""

    worker: int
    seconds: dict[str, float]
    counts: Counter[str]
    follow_ups: list[Task]


class Loader:
    """A worker's side of the import: runs tasks on the schools it is given, timing only the
    commands (a school's plan is generated before its commands, and kept for its next tasks)."""

    def __init__(self, apps: WriteSide, region: Region) -> None:
        self.apps = apps
        self.region = region
        self.plans: dict[int, SchoolPlan] = {}

    def organisations(self) -> Report:
        times = StageTimes()
        with times.stage("organisations"):
            self._organisations()
        return Report(os.getpid(), times.seconds, Counter(), [])

    def run(self, task: Task) -> Report:
        school = self._plan(task.school)
        coordinator = school_principal(Role.SCHOOL_COORDINATOR, school)
        times, counts, follow_ups = StageTimes(), Counter[str](), []
        if task.kind == SETUP:
            with times.stage("people"):
                self._people(school, coordinator)
            with times.stage("programme and pairs"):
                self._programme(school, coordinator)
            with times.stage("orders"):
                self._orders(school)
            counts.update(
                participants=len(school.people),
                pairs=len(school.pairs),
                groups=sum(pair.is_group for pair in school.pairs),
            )
            follow_ups = [
                Task(MEETINGS, task.school, start)
                for start in range(0, len(school.pairs), SAVE_PAIRS)
            ] + [Task(SURVEYS, task.school)]
        elif task.kind == MEETINGS:
            entries = journal(school.pairs[task.start : task.start + SAVE_PAIRS])
            with times.stage("meetings"):
                self.apps.programs.record_meetings(coordinator, entries)
        else:
            responses = survey_responses(school)
            with times.stage("surveys"):
                self.apps.programs.submit_responses(coordinator, school.programme_id, responses)
            counts.update(survey_responses=len(responses))
        return Report(os.getpid(), times.seconds, counts, follow_ups)

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

    def _plan(self, number: int) -> SchoolPlan:
        if number not in self.plans:
            if len(self.plans) >= PLANS_KEPT:
                del self.plans[next(iter(self.plans))]
            self.plans[number] = self.region.school(number)
        return self.plans[number]

    def _people(self, school: SchoolPlan, coordinator: Principal) -> None:
        registry = self.apps.registry
        organisation = registry.school(school.organisation.id)
        pending = PendingKeys()
        actor = actor_of(coordinator)
        prepared = []
        for person in school.people:
            roles = [ParticipantRole.MENTOR] if person.mentor else []
            roles += [ParticipantRole.MENTEE] if person.mentee else []
            if not roles:  # in neither base: only the school's staff are registered so
                continue
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
                    today=CONSENTS_SIGNED,
                )
            if person.categories:
                entry.person.record_mentee_profile(
                    actor, school_year_of(registry.today()), list(person.categories), None, []
                )
            prepared.append(entry)
        registry.save_prepared(school.organisation.id, prepared, pending)

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


@dataclass
class Imported:
    """The whole import: what each stage's commands took, summed over the workers, each
    worker's commands' time, and what was stored."""

    stages: dict[str, float] = field(default_factory=dict)
    workers: dict[int, float] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, report: Report) -> None:
        for stage, seconds in report.seconds.items():
            self.stages[stage] = self.stages.get(stage, 0.0) + seconds
        self.workers[report.worker] = self.workers.get(report.worker, 0.0) + sum(
            report.seconds.values()
        )
        self.counts.update(report.counts)

    @property
    def seconds(self) -> float:
        """The commands' time of the busiest worker: the workers run side by side."""
        return max(self.workers.values())


def import_region(settings: Settings, region: Region, workers: int) -> Imported:
    """The organisations first, then every school's tasks on `workers` processes: a school's
    meetings and surveys are queued once its setup is done, so a big school's meetings are
    shared out too."""
    imported = Imported()
    with write_side(settings) as apps:
        organisations = Loader(apps, region).organisations()
    imported.add(organisations)
    organisations_worker = imported.workers.pop(organisations.worker)
    context = multiprocessing.get_context("spawn")  # no inherited connections
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_open_worker,
        initargs=(settings, region.size.name, region.seed),
    ) as pool:
        running = {pool.submit(_run, Task(SETUP, n)) for n in range(region.size.schools)}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                report = future.result()
                imported.add(report)
                running |= {pool.submit(_run, task) for task in report.follow_ups}
    for worker in imported.workers:
        imported.workers[worker] += organisations_worker  # they waited for it
    return imported


_worker: Loader | None = None


def _open_worker(settings: Settings, size: str, seed: int) -> None:
    global _worker
    resources = ExitStack()
    apps = resources.enter_context(write_side(settings))
    Finalize(resources, resources.close, exitpriority=10)
    _worker = Loader(apps, Region(SIZES[size], seed))


def _run(task: Task) -> Report:
    assert _worker is not None
    try:
        return _worker.run(task)
    except AppError as refused:  # its arguments do not survive the trip back to the parent
        raise RuntimeError(f"{refused.code}: {refused.message} {refused.details}") from None
