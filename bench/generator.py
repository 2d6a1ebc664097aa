"""A synthetic region, deterministic from a seed and a size.

Nothing here touches a database: the loader (`bench.loader`) sends what this describes through
the applications' commands. Schools are generated one at a time from their own random stream
(seed and school number), so a large region never has to sit in memory whole, and school 17 is
the same whichever schools are loaded before it.

Shares (per school of N participants, the people registered in its bases):
students 88 % (grades 1–11), teachers 10 % (15 % of them young specialists: under 3 years of
teaching), alumni 2 %. Mentees: 20 % of the students of grades 5–11 (categories 40 % low results,
25 % outstanding abilities, 20 % detached, 15 % difficult situation) and every young specialist.
Mentors: 70 % of the experienced teachers (2–3 mentees each), 15 % of grades 9–11 (one mentee, the
«ученик – ученик» form for grades 5–8), the alumni (two each). A pair meets every week of the
school year from its approval (early October) to the end of May, except in the holidays; mentor
and mentee rate each meeting and leave a comment now and then (sealed personal data). A fifth of
a teacher's pairs with students are groups of two or three instead, whose members each rate
about half the meetings. Surveys (the platform's default templates): entry diagnostics of every
mentee in October, both sides' satisfaction in May, and exit diagnostics of the mentees of a
quarter of the pairs.

School 0 is the region's big school complex: its programme is sized to carry at least 10,000
events, for the auditor's replay figure.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5

from services.demo import full_name
from services.programs.domain import Purpose
from services.registry.domain import PersonKind
from shared.dictionaries import MenteeCategory, MentoringForm
from shared.kernel.scope import child_path

NAMESPACE = UUID("6b1f4d8e-2a57-4c1e-9f3b-5d0a7c2e8b14")

SCHOOL_YEAR = "2025/26"
YEAR_STARTS = date(2025, 9, 1)  # a Monday
CONSENTS_SIGNED = date(2025, 9, 1)
PAIRS_APPROVED = date(2025, 9, 26)
FIRST_MEETING_WEEK = 5  # the week of 6 October
LAST_MEETING_WEEK = 38  # the week of 25 May
HOLIDAY_WEEKS = frozenset({8, 17, 18, 29})  # autumn, winter (two), spring
REPLAY_EVENTS = 10_000
GROUP_SHARE = 0.2  # of a teacher's pairs with students: a group of two or three instead
EXIT_SHARE = 0.25  # of the pairs whose mentees answer the exit diagnostics in May
ENTRY_ON = date(2025, 10, 3)
SATISFACTION_ON = date(2026, 5, 22)
EXIT_ON = date(2026, 5, 29)
DIAGNOSTICS = ("confidence", "goals", "communication", "motivation", "independence")


@dataclass(frozen=True)
class Size:
    name: str
    schools: int
    municipalities: int
    people_per_school: int
    # Figures' run lengths: seconds of HTTP command load, GraphQL requests per query.
    load_seconds: float
    graphql_requests: int
    copy_rows: int
    encryption_rounds: int  # issue #10: pairs of rounds of 40 commands, with and without it


SIZES = {
    "small": Size(
        "small",
        20,
        4,
        100,
        load_seconds=6,
        graphql_requests=25,
        copy_rows=100_000,
        encryption_rounds=16,
    ),
    "medium": Size(
        "medium",
        200,
        20,
        500,
        load_seconds=30,
        graphql_requests=100,
        copy_rows=500_000,
        encryption_rounds=30,
    ),
    "large": Size(
        "large",
        2000,
        60,
        500,
        load_seconds=60,
        graphql_requests=300,
        copy_rows=1_000_000,
        encryption_rounds=30,
    ),
}

_CATEGORIES = (
    (MenteeCategory.LOW_RESULTS, 40),
    (MenteeCategory.OUTSTANDING_ABILITIES, 25),
    (MenteeCategory.DETACHED, 20),
    (MenteeCategory.DIFFICULT_SITUATION, 15),
)
_COMMENTS = (
    "Разобрали домашнее задание, договорились о следующем шаге",
    "Обсудили подготовку к контрольной, составили план",
    "Встреча прошла продуктивно",
    "Работали над проектом, есть результат",
)


def bench_id(*parts: object) -> UUID:
    return uuid5(NAMESPACE, "/".join(str(p) for p in parts))


def week_day(week: int, weekday: int = 2) -> date:
    return YEAR_STARTS + timedelta(weeks=week, days=weekday)


MEETING_WEEKS = tuple(
    w for w in range(FIRST_MEETING_WEEK, LAST_MEETING_WEEK + 1) if w not in HOLIDAY_WEEKS
)


@dataclass(frozen=True)
class PersonPlan:
    id: UUID
    kind: PersonKind
    full_name: str
    birth_date: date
    grade: str | None = None
    mentor: bool = False
    mentee: bool = False
    capacity: int = 1
    teaching_since: date | None = None
    representative: str | None = None
    relation: str | None = None
    categories: tuple[MenteeCategory, ...] = ()

    @property
    def young_specialist(self) -> bool:
        return self.teaching_since is not None and self.teaching_since.year >= 2023


@dataclass(frozen=True)
class MeetingPlan:
    id: UUID
    week: int
    kind: str
    mentor_rating: int
    mentee_rating: int | None  # a pair's mentee rates inline; a group's members separately
    mentor_comment: str | None
    mentee_comment: str | None
    members_feedback: tuple[tuple[UUID, int], ...] = ()  # a group's members' ratings

    @property
    def held_on(self) -> date:
        return week_day(self.week)


@dataclass(frozen=True)
class PairPlan:
    id: UUID
    form: MentoringForm
    mentor_id: UUID
    mentee_ids: tuple[UUID, ...]  # one for a pair, several for a group
    meetings: tuple[MeetingPlan, ...]

    @property
    def mentee_id(self) -> UUID:
        return self.mentee_ids[0]

    @property
    def is_group(self) -> bool:
        return len(self.mentee_ids) > 1


@dataclass(frozen=True)
class SurveyPlan:
    """A response to one of the platform's default templates, through `submit_response`."""

    purpose: Purpose
    pair_id: UUID
    respondent_id: UUID
    answered_on: date
    answers: dict[str, Any]


@dataclass(frozen=True)
class OrganisationPlan:
    id: UUID
    name: str
    path: str


@dataclass
class SchoolPlan:
    number: int
    organisation: OrganisationPlan
    municipality: OrganisationPlan
    programme_id: UUID
    people: list[PersonPlan] = field(default_factory=list)
    pairs: list[PairPlan] = field(default_factory=list)
    surveys: list[SurveyPlan] = field(default_factory=list)

    @property
    def single_pairs(self) -> list[PairPlan]:
        """The pairs of one mentee (a meeting with both sides' feedback inline)."""
        return [p for p in self.pairs if not p.is_group]

    @property
    def forms(self) -> list[MentoringForm]:
        return sorted({p.form for p in self.pairs}) or [MentoringForm.TEACHER_STUDENT]

    @property
    def meetings(self) -> int:
        return sum(len(p.meetings) for p in self.pairs)


class Region:
    """The region of a given size and seed: its tree, and each school's people on demand."""

    def __init__(self, size: Size, seed: int = 2025) -> None:
        self.size = size
        self.seed = seed
        region_id = bench_id(seed, "region")
        self.region = OrganisationPlan(
            region_id, "Синтетическая область", child_path("", region_id)
        )
        self.municipalities = [
            OrganisationPlan(
                bench_id(seed, "municipality", m),
                f"Городской округ № {m + 1}",
                child_path(self.region.path, bench_id(seed, "municipality", m)),
            )
            for m in range(size.municipalities)
        ]

    def school_organisation(self, number: int) -> tuple[OrganisationPlan, OrganisationPlan]:
        municipality = self.municipalities[number % len(self.municipalities)]
        school_id = bench_id(self.seed, "school", number)
        kind = ("СОШ", "Лицей", "Гимназия")[number % 3]
        return municipality, OrganisationPlan(
            school_id, f"МБОУ «{kind} № {number + 1}»", child_path(municipality.path, school_id)
        )

    def schools(self) -> Iterator[SchoolPlan]:
        for number in range(self.size.schools):
            yield self.school(number)

    def school(self, number: int) -> SchoolPlan:
        rng = random.Random(f"{self.seed}-{number}")
        municipality, organisation = self.school_organisation(number)
        plan = SchoolPlan(
            number, organisation, municipality, bench_id(self.seed, "programme", number)
        )
        people = self.size.people_per_school
        if number == 0:
            # Big enough that its programme carries REPLAY_EVENTS events (≈ 32 per pair).
            people = max(people, REPLAY_EVENTS * 9 // 32)
        plan.people = _people(rng, self.seed, number, people)
        plan.pairs = _pairs(rng, self.seed, number, plan.people)
        plan.surveys = _surveys(rng, plan.pairs)
        return plan


def _people(rng: random.Random, seed: int, school: int, count: int) -> list[PersonPlan]:
    teachers = max(5, count * 10 // 100)
    alumni = max(1, count * 2 // 100)
    students = max(1, count - teachers - alumni)
    result: list[PersonPlan] = []
    seen: set[tuple[str, date]] = set()

    def unique(name: str, birth: date) -> date:
        """The registry refuses a second person with the same name and birth date."""
        while (name, birth) in seen:
            birth += timedelta(days=1)
        seen.add((name, birth))
        return birth

    for index in range(students):
        grade = 1 + index % 11
        name = full_name(rng, rng.random() < 0.5)
        birth = date(
            2025 - grade - 6 - (rng.random() < 0.3), rng.randint(1, 12), rng.randint(1, 28)
        )
        mentee = grade >= 5 and rng.random() < 0.20
        mentor = not mentee and grade >= 9 and rng.random() < 0.15
        categories: tuple[MenteeCategory, ...] = ()
        if mentee:
            pick = rng.choices([c for c, _ in _CATEGORIES], [w for _, w in _CATEGORIES])[0]
            categories = (pick,)
        result.append(
            PersonPlan(
                id=bench_id(seed, school, "student", index),
                kind=PersonKind.STUDENT,
                full_name=name,
                birth_date=unique(name, birth),
                grade=f"{grade}{rng.choice('АБВГ')}",
                mentor=mentor,
                mentee=mentee,
                representative=full_name(rng, rng.random() < 0.8),
                relation=rng.choice(("мать", "мать", "отец", "опекун")),
                categories=categories,
            )
        )
    for index in range(teachers):
        young = rng.random() < 0.15
        since = (
            date(2025 - rng.randint(0, 2), 9, 1) if young else date(rng.randint(1985, 2020), 9, 1)
        )
        age_at_start = rng.randint(22, 25) if young else rng.randint(22, 30)
        name = full_name(rng, rng.random() < 0.8)
        birth = date(since.year - age_at_start, rng.randint(1, 12), rng.randint(1, 28))
        result.append(
            PersonPlan(
                id=bench_id(seed, school, "teacher", index),
                kind=PersonKind.TEACHER,
                full_name=name,
                birth_date=unique(name, birth),
                mentor=not young and rng.random() < 0.7,
                mentee=young,
                capacity=rng.choice((2, 3)),
                teaching_since=since,
            )
        )
    for index in range(alumni):
        name = full_name(rng, rng.random() < 0.5)
        birth = date(rng.randint(2001, 2006), rng.randint(1, 12), rng.randint(1, 28))
        result.append(
            PersonPlan(
                id=bench_id(seed, school, "alumnus", index),
                kind=PersonKind.ALUMNUS,
                full_name=name,
                birth_date=unique(name, birth),
                mentor=True,
                capacity=2,
            )
        )
    return result


def _form(mentor: PersonPlan, mentee: PersonPlan) -> MentoringForm | None:
    if mentee.kind == PersonKind.TEACHER:
        return MentoringForm.TEACHER_YOUNG_SPECIALIST if mentor.kind == PersonKind.TEACHER else None
    if mentor.kind == PersonKind.TEACHER:
        return MentoringForm.TEACHER_STUDENT
    if mentor.kind == PersonKind.STUDENT:
        grade = int((mentee.grade or "0")[:-1])
        return MentoringForm.STUDENT_STUDENT if grade <= 8 else None
    return MentoringForm.UNIVERSITY_STUDENT_STUDENT


def _pairs(rng: random.Random, seed: int, school: int, people: list[PersonPlan]) -> list[PairPlan]:
    mentors = [p for p in people if p.mentor]
    load = dict.fromkeys((m.id for m in mentors), 0)
    pairs: list[PairPlan] = []
    waiting = [p for p in people if p.mentee]
    while waiting:
        mentee = waiting.pop(0)
        candidates = [
            m for m in mentors if load[m.id] < m.capacity and _form(m, mentee) is not None
        ]
        if not candidates:
            continue  # stays unmatched, as some mentees do
        mentor = rng.choice(candidates)
        form = _form(mentor, mentee)
        assert form is not None
        members = [mentee]
        if form == MentoringForm.TEACHER_STUDENT and rng.random() < GROUP_SHARE:
            # A group: the teacher takes more students of the same form, up to capacity.
            for other in [w for w in waiting if _form(mentor, w) == form]:
                if load[mentor.id] + len(members) >= mentor.capacity:
                    break
                members.append(other)
                waiting.remove(other)
        load[mentor.id] += len(members)
        pair_id = bench_id(seed, school, "pair", len(pairs))
        ids = tuple(m.id for m in members)
        pairs.append(PairPlan(pair_id, form, mentor.id, ids, _meetings(rng, pair_id, ids)))
    return pairs


def _meetings(
    rng: random.Random, pair_id: UUID, mentees: tuple[UUID, ...]
) -> tuple[MeetingPlan, ...]:
    # The standard sequence; no final meeting yet: the benchmark keeps recording meetings.
    kinds = {0: "introduction", 1: "trial", 2: "planning"}
    group = len(mentees) > 1
    return tuple(
        MeetingPlan(
            id=bench_id(pair_id, week),
            week=week,
            kind=kinds.get(index, "regular"),
            mentor_rating=rng.randint(6, 10),
            mentee_rating=None if group else rng.randint(5, 10),
            mentor_comment=rng.choice(_COMMENTS) if rng.random() < 0.3 else None,
            mentee_comment="Было полезно" if not group and rng.random() < 0.15 else None,
            members_feedback=tuple(
                (member, rng.randint(5, 10)) for member in mentees if group and rng.random() < 0.5
            ),
        )
        for index, week in enumerate(MEETING_WEEKS)
    )


def _surveys(rng: random.Random, pairs: list[PairPlan]) -> list[SurveyPlan]:
    """Entry diagnostics of every mentee in October; both sides' satisfaction in May; exit
    diagnostics of the mentees of a quarter of the pairs (their year's work done)."""
    surveys = []
    for pair in pairs:
        exit_too = rng.random() < EXIT_SHARE
        for mentee in pair.mentee_ids:
            entry = {code: rng.randint(3, 7) for code in DIAGNOSTICS}
            surveys.append(SurveyPlan(Purpose.ENTRY_DIAGNOSTICS, pair.id, mentee, ENTRY_ON, entry))
            surveys.append(
                SurveyPlan(
                    Purpose.MENTEE_SATISFACTION, pair.id, mentee, SATISFACTION_ON, _satisfied(rng)
                )
            )
            if exit_too:
                grown = {code: min(10, v + rng.randint(0, 3)) for code, v in entry.items()}
                surveys.append(
                    SurveyPlan(Purpose.EXIT_DIAGNOSTICS, pair.id, mentee, EXIT_ON, grown)
                )
        mentor = _satisfied(rng) | {"mentee_progress": rng.randint(5, 10)}
        surveys.append(
            SurveyPlan(
                Purpose.MENTOR_SATISFACTION, pair.id, pair.mentor_id, SATISFACTION_ON, mentor
            )
        )
    return surveys


def _satisfied(rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "overall": rng.randint(6, 10),
        "meetings": rng.randint(5, 10),
        "organisation": rng.randint(5, 10),
        "frequency": rng.choice(("слишком редко", "в самый раз", "в самый раз", "слишком часто")),
        "continue": rng.random() < 0.85,
    }
    if rng.random() < 0.2:
        answers["best"] = rng.choice(_COMMENTS)  # free text: sealed with the respondent's key
    return answers
