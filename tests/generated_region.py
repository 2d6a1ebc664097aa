"""A small generated region with known answers: it registers people, partners, pairs and groups
(with `classes`, also a class-to-class cascade beside a supporting teacher and a team of two
mentors),
plans, meetings with feedback given then and later (by staff or by the participants themselves),
entry, exit and satisfaction surveys (entered by staff or answered by the participants),
contingents and course completions through the real commands, remembers what it did, and computes
every indicator itself by the definitions in `shared.indicators`."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from services.programs.domain import Purpose, default_template_id
from shared.indicators import default_window
from shared.kernel.principal import Role
from tests.conftest import Api, World

YEAR = "2025/26"
FIRST = 2025
ON = date(2026, 5, 20)  # the reference date of the tests
SIGNED = date(2025, 9, 1)
ORDER_EARLY, ORDER_LATE = date(2025, 9, 15), date(2026, 6, 1)  # before / after the reference
MEETING_DAYS = (
    date(2025, 9, 20),  # before the default window
    date(2025, 10, 15),
    date(2025, 11, 20),
    date(2026, 3, 10),
    date(2026, 5, 10),
    date(2026, 5, 25),  # after the reference date
)
ENTRY_DAYS = (date(2025, 9, 25), date(2025, 10, 6))
EXIT_DAYS = (date(2026, 4, 20), date(2026, 5, 12), date(2026, 5, 25))  # the last after ON
SATISFACTION_DAYS = (date(2025, 9, 28), date(2026, 3, 20), date(2026, 5, 15), date(2026, 5, 27))
DIAGNOSTICS = ("confidence", "goals", "communication", "motivation", "independence")
SCHOOLS = ("s1", "s2", "s3")
NO_ROADMAP = {"s3"}
# What a roadmap activity's report may say: (status, school year); None: never reported.
REPORTS = (
    ("done", YEAR),
    ("done", "2024/25"),
    ("in_progress", YEAR),
    ("cancelled", YEAR),
    (None, YEAR),
)
CUSTOM_WINDOW = {"s2": (date(2025, 11, 1), date(2026, 4, 30))}
# Each school's first working pair ends early: before, on and after the reference date.
ENDED_EARLY = {"s1": date(2026, 2, 10), "s2": ON, "s3": date(2026, 5, 28)}
FINAL_MEETING = date(2026, 4, 28)  # a pair's final meeting: it no longer lags after it
NO_CONTINGENT = {"s3"}
# With `classes`: the school whose classes mentor each other (label, pupils' year of birth).
CLASSES_SCHOOL = "s1"
CASCADE = (("7А", 2012), ("6Б", 2013), ("5В", 2014))


@dataclass
class GenPerson:
    id: str
    school: str
    kind: str
    role: str
    name: str
    birth_year: int
    teaching_since: date | None = None
    partner: str | None = None


@dataclass
class GenPair:
    id: str
    school: str
    mentors: list[GenPerson]  # a class's pupils, when a class mentors
    mentees: list[GenPerson]
    approved_on: date | None
    plan: bool = False
    meetings: list[date] = field(default_factory=list)
    ended_on: date | None = None
    early: bool = False
    final_on: date | None = None
    # every score given about a meeting, then or later: (held on, side, rating, by the
    # participant themselves)
    ratings: list[tuple[date, str, int, bool]] = field(default_factory=list)

    @property
    def mentor(self) -> GenPerson:
        """The first mentor: the one whose score a meeting's record carries."""
        return self.mentors[0]

    @property
    def mentee(self) -> GenPerson:
        return self.mentees[0]

    def in_force(self, on: date) -> bool:
        """A pair: approved by an order on or before `on`, not ended by then."""
        approved = self.approved_on is not None and self.approved_on <= on
        return approved and not (self.ended_on and self.ended_on <= on)

    def involves(self, on: date) -> bool:
        """Its people count as involved: approved by `on` and not ended early by then (a
        completed pair leaves them involved in the year)."""
        approved = self.approved_on is not None and self.approved_on <= on
        return approved and not (self.early and self.ended_on and self.ended_on <= on)


@dataclass
class GenSurvey:
    school: str
    respondent: GenPerson
    purpose: Purpose
    answered_on: date
    answers: dict[str, Any]
    own: bool  # answered by the respondent themselves, not entered by staff

    @property
    def scores(self) -> list[int]:
        return [v for v in self.answers.values() if type(v) is int]


class GeneratedRegion:
    def __init__(self, world: World, seed: int = 2025, classes: bool = False) -> None:
        self.world = world
        self.classes = classes
        self.cascade: list[GenPair] = []  # class A → class B, class B → class C
        self.team: GenPair | None = None
        self.orders: dict[tuple[str, date], str] = {}  # (school, order's day) → the order
        self.api = world.api
        self.rng = random.Random(seed)
        # who gives a score (the participant or staff), apart: the region stays what it was
        self.givers = random.Random(seed + 1)
        self.operator = self.api.token(Role.OPERATOR, "")
        self.people: list[GenPerson] = []
        self.pairs: list[GenPair] = []
        self.surveys: list[GenSurvey] = []
        self.programmes: dict[str, str] = {}  # school → its programme of the year
        self.roadmaps: dict[str, tuple[int, int]] = {}  # school → (done in the year, activities)
        self.contingents: dict[str, dict[str, int]] = {}
        self.agreements: list[tuple[str, str, date, date | None]] = []
        self.completions: list[tuple[str, str, date]] = []
        self.partners: dict[str, str] = {}
        self.names: list[str] = []

    # Building

    async def build(self) -> GeneratedRegion:
        await self._partners()
        for school in SCHOOLS:
            await self._school(school)
        await self._training()
        await self.api.command(
            "registry",
            f"/regions/{self.world.ids['region']}/indicator-targets",
            self.world.token(Role.REGION_OFFICER, "region"),
            {"school_year": YEAR, "targets": TARGETS},
            expect=200,
            method="PUT",
        )
        return self

    async def _partners(self) -> None:
        layout = [("p1", "m1", "enterprise"), ("p2", "region", "college"), ("p3", "region", "ngo")]
        for key, parent, kind in layout:
            created = await self.api.command(
                "registry",
                "/organisations",
                self.operator,
                {
                    "kind": "partner",
                    "name": f"Партнёр {key}",
                    "parent_id": str(self.world.ids[parent]),
                    "partner_kind": kind,
                },
            )
            self.partners[key] = created["id"]
        for partner, school, signed_on, until in (
            ("p1", "s1", date(2025, 8, 1), None),
            ("p2", "s2", date(2025, 9, 5), date(2026, 8, 31)),
            ("p2", "s3", date(2025, 9, 5), None),
            ("p3", "s3", date(2024, 1, 10), date(2025, 6, 30)),  # over before the year
        ):
            await self.api.command(
                "registry",
                f"/partners/{self.partners[partner]}/agreements",
                self.operator,
                {
                    "school_id": str(self.world.ids[school]),
                    "number": f"{partner}-{school}",
                    "signed_on": str(signed_on),
                    "valid_until": str(until) if until else None,
                    "subject": "Наставники из числа сотрудников",
                },
            )
            self.agreements.append((partner, school, signed_on, until))

    async def _person(
        self,
        school: str,
        kind: str,
        role: str,
        birth_year: int,
        teaching_since: date | None = None,
        partner: str | None = None,
        grade: str | None = None,
    ) -> GenPerson:
        name = f"{kind}-{school}-{len(self.people)} Тестовый"
        body: dict[str, Any] = {
            "school_id": str(self.world.ids[school]),
            "kind": kind,
            "full_name": name,
            "birth_date": str(date(birth_year, 6, 15)),
            "roles": [role],
            "mentor_capacity": 10,
            "teaching_since": str(teaching_since) if teaching_since else None,
            "partner_id": self.partners[partner] if partner else None,
            "consent": {"signed_on": str(SIGNED)},
            "grade": grade,
        }
        if kind == "student":
            body["consent"] |= {"representative_name": f"Родитель {name}", "relation": "мать"}
        created = await self.api.command(
            "registry", "/people", self.world.coordinator(school), body
        )
        if kind == "teacher" and role == "mentor":
            await self.api.command(
                "registry",
                f"/people/{created['id']}/consents",
                self.world.coordinator(school),
                {"kind": "additional_duty", "signed_on": str(SIGNED)},
            )
        person = GenPerson(
            created["id"], school, kind, role, name, birth_year, teaching_since, partner
        )
        self.people.append(person)
        self.names.append(name)
        return person

    async def _school(self, school: str) -> None:
        rng = self.rng
        coordinator = self.world.coordinator(school)
        students = [
            await self._person(
                school, "student", "mentee" if rng.random() < 0.6 else "mentor", year
            )
            for year in (rng.randint(2005, 2017) for _ in range(rng.randint(9, 12)))
        ]
        student_mentors = [s for s in students if s.role == "mentor"]
        teacher_mentors = [
            await self._person(school, "teacher", "mentor", 1975, date(2001, 9, 1)),
            await self._person(school, "teacher", "mentor", 1980, date(2008, 9, 1)),
        ]
        teacher_mentees = [
            await self._person(school, "teacher", "mentee", 1998, date(2023, 9, 1)),  # young
            await self._person(school, "teacher", "mentee", 1999, date(2024, 9, 1)),  # young
            await self._person(school, "teacher", "mentee", 1980, date(2023, 9, 1)),  # 45
            await self._person(school, "teacher", "mentee", 1990, date(2022, 9, 1)),  # 3+ yrs
        ]
        partner = {"s1": "p1", "s3": "p2"}.get(school)
        employees = (
            [await self._person(school, "partner_employee", "mentor", 1985, partner=partner)]
            if partner
            else []
        )
        programme = await self.api.command(
            "programs",
            "/programmes",
            coordinator,
            {
                "school_id": str(self.world.ids[school]),
                "school_year": YEAR,
                "title": "Программа наставничества",
                "forms": [
                    "student_student",
                    "teacher_student",
                    "employer_student",
                    "teacher_young_specialist",
                ],
            },
        )
        self.programmes[school] = programme["id"]
        student_mentees = [s for s in students if s.role == "mentee"]
        for mentee in [*student_mentees, *teacher_mentees]:
            if rng.random() < 0.2:
                continue  # not in a pair
            if mentee.kind == "teacher":
                mentor, form = rng.choice(teacher_mentors), "teacher_young_specialist"
            else:
                choices = [
                    *((m, "student_student") for m in student_mentors),
                    *((m, "teacher_student") for m in teacher_mentors),
                    *((m, "employer_student") for m in employees),
                ]
                mentor, form = rng.choice(choices)
            created = await self.api.command(
                "programs",
                f"/programmes/{programme['id']}/pairs",
                coordinator,
                {"form": form, "mentor_id": mentor.id, "mentee_ids": [mentee.id]},
            )
            roll = rng.random()
            approved_on = ORDER_EARLY if roll < 0.7 else ORDER_LATE if roll < 0.85 else None
            self.pairs.append(GenPair(created["id"], school, [mentor], [mentee], approved_on))
        students += await self._group(school, programme["id"], teacher_mentors[0])
        if self.classes and school == CLASSES_SCHOOL:
            students += await self._cascade(school, programme["id"])
            students += await self._team(school, programme["id"], employees)
        await self._approve_and_work(school, programme["id"])
        for pair in self.cascade:  # every group of the cascade meets
            if not pair.meetings:
                await self._meeting(school, pair, MEETING_DAYS[1], "introduction")
        await self._surveys(school, programme["id"])
        await self._roadmap(school)
        await self._contingent(school, students, teacher_mentees)

    async def _group(self, school: str, programme: str, mentor: GenPerson) -> list[GenPerson]:
        """A group of three students with one teacher: each mentee rates meetings on their own."""
        members = [
            await self._person(school, "student", "mentee", self.rng.randint(2008, 2014))
            for _ in range(3)
        ]
        created = await self.api.command(
            "programs",
            f"/programmes/{programme}/pairs",
            self.world.coordinator(school),
            {
                "form": "teacher_student",
                "mentor_id": mentor.id,
                "mentee_ids": [m.id for m in members],
            },
        )
        self.pairs.append(GenPair(created["id"], school, [mentor], members, ORDER_EARLY))
        return members

    async def _cascade(self, school: str, programme: str) -> list[GenPerson]:
        """«Класс – классу»: 7А mentors 6Б, and 6Б mentors 5В, a supporting teacher beside the
        first (not a mentor); the pupils of 6Б are mentees of one group and mentors of the other."""
        classes = {
            label: [
                await self._person(school, "student", "mentee", born, grade=label) for _ in range(3)
            ]
            for label, born in CASCADE
        }
        supporting = await self._person(school, "teacher", "mentor", 1979, date(2003, 9, 1))
        for (mentor_class, _), (mentee_class, _) in itertools.pairwise(CASCADE):
            mentors, mentees = classes[mentor_class], classes[mentee_class]
            body: dict[str, Any] = {
                "form": "student_student",
                "mentor_classes": [{"label": mentor_class, "pupil_ids": [p.id for p in mentors]}],
                "mentee_classes": [{"label": mentee_class, "pupil_ids": [p.id for p in mentees]}],
            }
            if not self.cascade:
                body["supporting_ids"] = [supporting.id]
            created = await self.api.command(
                "programs", f"/programmes/{programme}/pairs", self.world.coordinator(school), body
            )
            pair = GenPair(created["id"], school, mentors, mentees, ORDER_EARLY)
            self.pairs.append(pair)
            self.cascade.append(pair)
        return [pupil for pupils in classes.values() for pupil in pupils]

    async def _team(
        self, school: str, programme: str, employees: list[GenPerson]
    ) -> list[GenPerson]:
        """A teacher and a partner's specialist mentor one pupil together."""
        teacher = await self._person(school, "teacher", "mentor", 1983, date(2010, 9, 1))
        mentee = await self._person(school, "student", "mentee", 2011)
        mentors = [teacher, *employees]
        created = await self.api.command(
            "programs",
            f"/programmes/{programme}/pairs",
            self.world.coordinator(school),
            {
                "form": "teacher_student",
                "mentor_ids": [m.id for m in mentors],
                "mentee_ids": [mentee.id],
            },
        )
        self.team = GenPair(created["id"], school, mentors, [mentee], ORDER_EARLY)
        self.pairs.append(self.team)
        return [mentee]

    async def _approve_and_work(self, school: str, programme: str) -> None:
        rng = self.rng
        mine = [p for p in self.pairs if p.school == school]
        for day in (ORDER_EARLY, ORDER_LATE):
            ids = [p.id for p in mine if p.approved_on == day]
            if ids:
                order = await self.api.command(
                    "programs",
                    f"/programmes/{programme}/orders",
                    self.world.token(Role.SCHOOL_DIRECTOR, school),
                    {"number": f"{day:%m}-н", "order_date": str(day), "pair_ids": ids},
                )
                self.orders[school, day] = order["id"]
        for pair in (p for p in mine if p.approved_on is not None):
            if rng.random() < 0.5:
                await self.api.command(
                    "programs",
                    f"/pairs/{pair.id}/plan",
                    self.world.coordinator(school),
                    {"starts_on": "2025-10-01", "ends_on": "2026-05-31", "goals": ["Цель"]},
                    expect=200,
                    method="PUT",
                )
                pair.plan = True
            chosen = rng.sample(MEETING_DAYS, rng.randint(0, 3))
            # The standard sequence: an introduction first, never before the order.
            held = sorted(d for d in chosen if pair.approved_on and d >= pair.approved_on)
            for number, held_on in enumerate(held):
                await self._meeting(school, pair, held_on, "regular" if number else "introduction")
        await self._endings(school, mine)

    async def _endings(self, school: str, mine: list[GenPair]) -> None:
        """The first working pair of one mentee ends early; the next one that met before the
        final meeting's day holds it (and goes on without lagging)."""
        working = [p for p in mine if p.approved_on == ORDER_EARLY and len(p.mentees) == 1]
        ended = working[0]
        await self.api.command(
            "programs",
            f"/pairs/{ended.id}/ending",
            self.world.coordinator(school),
            {"outcome": "ended_early", "ended_on": str(ENDED_EARLY[school]), "reason": "health"},
            expect=200,
        )
        ended.ended_on, ended.early = ENDED_EARLY[school], True
        final = next(
            (p for p in working[1:] if p.meetings and max(p.meetings) < FINAL_MEETING), None
        )
        if final is not None:
            await self._meeting(school, final, FINAL_MEETING, "final")
            final.final_on = FINAL_MEETING

    async def _meeting(self, school: str, pair: GenPair, held_on: date, kind: str) -> None:
        """Inline scores (the mentee's only in a pair, perhaps none), then scores given later by
        mentees who gave none; some later feedback is a comment without a score."""
        rng = self.rng
        mentor_rating = rng.choice([None, *range(1, 11)])
        mentee_rating = rng.choice([None, *range(3, 11)]) if len(pair.mentees) == 1 else None
        body: dict[str, Any] = {
            "kind": kind,
            "held_on": str(held_on),
            "duration_minutes": 40,
            "topic": "Встреча",
            "mentor_feedback": {"rating": mentor_rating},
        }
        if len(pair.mentees) == 1:
            body["mentee_feedback"] = {"rating": mentee_rating}
        meeting = await self.api.command(
            "programs", f"/pairs/{pair.id}/meetings", self.world.coordinator(school), body
        )
        pair.meetings.append(held_on)
        scores = [("mentor", mentor_rating), ("mentee", mentee_rating)]
        later = pair.mentees if len(pair.mentees) > 1 or mentee_rating is None else []
        given = [False, False]
        for mentee in later:
            if rng.random() < 0.3:
                continue
            rating = rng.choice([None, *range(1, 11)])
            own = self.givers.random() < 0.5
            await self.api.command(
                "programs",
                f"/pairs/{pair.id}/meetings/{meeting['id']}/feedback",
                self._giver(school, Role.MENTEE, mentee, own),
                {"author_id": mentee.id, "rating": rating, "comment": "Отзыв после встречи"},
            )
            scores.append(("mentee", rating))
            given.append(own)
        pair.ratings += [
            (held_on, side, r, own)
            for (side, r), own in zip(scores, given, strict=True)
            if r is not None
        ]

    def _giver(self, school: str, role: Role, person: GenPerson, own: bool) -> str:
        """The participant's own token, or the school coordinator's entering it for them."""
        if own:
            return self.world.participant(role, school, person.id)
        return self.world.coordinator(school)

    async def _surveys(self, school: str, programme: str) -> None:
        """Entry and exit diagnostics of mentees in working pairs (some twice, some after the
        reference date, some only one of the two), and satisfaction questionnaires of both sides
        in and outside the monitoring window."""
        rng = self.rng
        working = [p for p in self.pairs if p.school == school and p.approved_on == ORDER_EARLY]
        for mentee in {m.id: m for p in working for m in p.mentees}.values():
            if rng.random() < 0.8:
                await self._survey(programme, mentee, Purpose.ENTRY_DIAGNOSTICS, ENTRY_DAYS)
            for day in rng.sample(EXIT_DAYS, rng.choice([0, 1, 1, 2])):
                await self._survey(programme, mentee, Purpose.EXIT_DIAGNOSTICS, (day,))
            if rng.random() < 0.6:
                await self._survey(programme, mentee, Purpose.MENTEE_SATISFACTION)
        for mentor in {p.mentor.id: p.mentor for p in working}.values():
            if rng.random() < 0.6:
                await self._survey(programme, mentor, Purpose.MENTOR_SATISFACTION)

    async def _survey(
        self,
        programme: str,
        respondent: GenPerson,
        purpose: Purpose,
        days: tuple[date, ...] = SATISFACTION_DAYS,
    ) -> None:
        rng = self.rng
        answers: dict[str, Any]
        if purpose in (Purpose.ENTRY_DIAGNOSTICS, Purpose.EXIT_DIAGNOSTICS):
            answers = {code: rng.randint(1, 10) for code in DIAGNOSTICS}
        else:
            answers = {
                "overall": rng.randint(1, 10),
                "meetings": rng.randint(1, 10),
                "organisation": rng.randint(1, 10),
                "frequency": "в самый раз",
                "continue": rng.random() < 0.5,
            }
            if purpose == Purpose.MENTOR_SATISFACTION:
                answers["mentee_progress"] = rng.randint(1, 10)
        answered_on = rng.choice(days)
        own = self.givers.random() < 0.5
        role = Role.MENTOR if purpose == Purpose.MENTOR_SATISFACTION else Role.MENTEE
        await self.api.command(
            "programs",
            f"/programmes/{programme}/survey-responses",
            self._giver(respondent.school, role, respondent, own),
            {
                "template_id": str(default_template_id(purpose)),
                "respondent_id": respondent.id,
                "answered_on": str(answered_on),
                "answers": answers,
            },
        )
        self.surveys.append(
            GenSurvey(respondent.school, respondent, purpose, answered_on, answers, own)
        )

    async def _roadmap(self, school: str) -> None:
        """The implementation order and a roadmap of yearly and dated activities, reported done,
        in progress, cancelled or done in another year; remembers what counts for 2025/26."""
        if school in NO_ROADMAP:
            return
        coordinator = self.world.coordinator(school)
        base = f"/schools/{self.world.ids[school]}"
        await self.api.command(
            "programs",
            f"{base}/implementation",
            self.world.token(Role.SCHOOL_DIRECTOR, school),
            {
                "number": "1-о",
                "order_date": "2025-08-25",
                "period_from": "2025-09-01",
                "period_to": "2028-06-30",
            },
        )
        done = items = 0
        for number in range(self.rng.randint(4, 7)):
            yearly = number % 3 != 0
            deadline = {"month": 10, "day": 1} if yearly else {"on": "2025-12-20"}
            item = await self.api.command(
                "programs",
                f"{base}/roadmap/items",
                coordinator,
                {"stage": 1 + number % 7, "activity": f"Пункт {number}", "deadline": deadline},
            )
            status, year = self.rng.choice(REPORTS)
            if status is not None:
                await self.api.command(
                    "programs",
                    f"{base}/roadmap/items/{item['id']}/progress",
                    coordinator,
                    {"status": status, "on": "2025-10-01", "school_year": year if yearly else None},
                )
            if status != "cancelled":
                items += 1
                # a dated activity's report counts whatever year was named
                done += status == "done" and (year == YEAR or not yearly)
        self.roadmaps[school] = (done, items)

    async def _contingent(
        self, school: str, students: list[GenPerson], teachers: list[GenPerson]
    ) -> None:
        if school in NO_CONTINGENT:
            return
        ages = [FIRST - s.birth_year for s in students]
        young = [
            t
            for t in teachers
            if t.birth_year > 1991 and t.teaching_since and t.teaching_since >= date(2023, 5, 20)
        ]
        contingent = {
            "students": len(students) + 20,
            "students_10_18": sum(10 <= a <= 18 for a in ages) + 10,
            "students_15_19": sum(15 <= a <= 19 for a in ages) + 5,
            "teachers": 6 + 10,
            "young_teachers": len(young) + 2,
        }
        window = CUSTOM_WINDOW.get(school)
        body: dict[str, Any] = {"school_year": YEAR, **contingent}
        if window:
            body |= {"monitoring_from": str(window[0]), "monitoring_to": str(window[1])}
        await self.api.command(
            "registry",
            f"/schools/{self.world.ids[school]}/contingent",
            self.world.coordinator(school),
            body,
            expect=200,
            method="PUT",
        )
        self.contingents[school] = contingent

    async def _training(self) -> None:
        institute = self.world.token(Role.INSTITUTE_METHODOLOGIST, "region")
        course = await self.api.command(
            "registry",
            "/training-courses",
            institute,
            {
                "name": "Школа наставника",
                "hours": 36,
                "provider": "ИРО",
                "starts_on": "2025-09-01",
                "ends_on": "2025-09-30",
            },
        )
        # of the mentor base (a class's pupils mentor as a class, not from the base)
        mentors = [
            p
            for p in self.people
            if p.role == "mentor" and p.id in {q.mentor.id for q in self.pairs}
        ]
        for mentor in self.rng.sample(mentors, 6):
            completed_on = self.rng.choice([date(2025, 10, 15), date(2026, 5, 25)])
            await self.api.command(
                "registry",
                f"/training-courses/{course['id']}/completions",
                institute,
                {"person_id": mentor.id, "completed_on": str(completed_on), "certificate": "1"},
                expect=201,
            )
            self.completions.append((mentor.id, mentor.school, completed_on))

    # The true values

    def expected(
        self,
        schools: set[str],
        on: date = ON,
        bands: dict[str, tuple[int, int]] | None = None,
    ) -> dict[str, tuple[Any, Any, Any]]:
        """(numerator, denominator, value) of every indicator over the given schools, the ages
        within the region's own bands where given (else the federal 10–18 and 15–19)."""
        mentee_ages = (bands or {}).get("mentees_10_18", (10, 18))
        mentor_ages = (bands or {}).get("mentors_15_19", (15, 19))
        approved = [
            p for p in self.pairs if p.school in schools and p.approved_on and p.approved_on <= on
        ]
        involved = [p for p in approved if p.involves(on)]
        reported = schools & set(self.contingents)
        totals = {
            key: sum(self.contingents[s][key] for s in reported)
            for key in ("students", "students_10_18", "students_15_19", "young_teachers")
        }
        counted = [p for p in involved if p.school in reported]  # contingent shares only

        def mentees(test: Any, pairs: list[GenPair] = counted) -> set[str]:
            return {m.id for p in pairs for m in p.mentees if test(m)}

        def mentors(test: Any) -> set[str]:
            return {m.id for p in counted for m in p.mentors if test(m)}

        def student(low: int, high: int) -> Any:
            return lambda x: x.kind == "student" and low <= FIRST - x.birth_year <= high

        young = mentees(
            lambda x: (
                x.kind == "teacher"
                and x.teaching_since >= date(on.year - 3, on.month, on.day)
                and on.year - x.birth_year < 35
            ),
        )
        students_involved = mentees(student(0, 200)) | mentors(student(0, 200))
        population = {
            partner
            for partner, school, signed_on, until in self.agreements
            if school in schools
            and signed_on <= on
            and (until is None or until >= date(2025, 9, 1))
        }
        providing = {m.partner for p in approved for m in p.mentors if m.partner in population}
        trained = {
            person for person, school, day in self.completions if school in schools and day <= on
        }
        ratings = self._ratings(schools, on)
        everyone = mentees(lambda _: True, involved)
        return {
            "students_involved": _share(len(students_involved), totals["students"], reported),
            "mentees_10_18": _share(
                len(mentees(student(*mentee_ages))), totals["students_10_18"], reported
            ),
            "mentors_15_19": _share(
                len(mentors(student(*mentor_ages))), totals["students_15_19"], reported
            ),
            "young_teachers_mentored": _share(len(young), totals["young_teachers"], reported),
            "partners_providing_mentors": _share(len(providing), len(population), True),
            "mentee_satisfaction": _mean(ratings["mentee"]),
            "mentor_satisfaction": _mean(ratings["mentor"]),
            "individual_plan": _share(
                len(mentees(lambda _: True, [p for p in involved if p.plan])), len(everyone), True
            ),
            "positive_dynamics": self._dynamics(schools, on),
            "trained_mentors": (len(trained), None, float(len(trained))),
        }

    def satisfaction_by_giver(
        self, schools: set[str], on: date = ON
    ) -> dict[str, dict[str, tuple[Any, Any, Any]]]:
        """Each satisfaction indicator's (sum, count, mean) of the scores the participants gave
        themselves (`own`) and of those staff entered for them (`staff`)."""
        ratings = self._ratings(schools, on)
        return {
            f"{side}_satisfaction": {
                giver: _mean(ratings[f"{side}_{giver}"]) for giver in ("own", "staff")
            }
            for side in ("mentee", "mentor")
        }

    def pairs_in_force(self, school: str, on: date = ON) -> int:
        return sum(1 for p in self.pairs if p.school == school and p.in_force(on))

    def lagging(self, school: str, on: date = ON) -> int:
        """Pairs in force more than 7 days (the default rule) after their last meeting, or
        their order before any; none after its final meeting."""
        lagging = 0
        for pair in self.pairs:
            if pair.school != school or not pair.in_force(on) or not pair.approved_on:
                continue
            if pair.final_on and pair.final_on <= on:
                continue
            met = [held_on for held_on in pair.meetings if held_on <= on]
            last = max(met) if met else pair.approved_on
            lagging += (on - last).days > 7
        return lagging

    def averages(self, schools: set[str]) -> tuple[float, float, set[str]]:
        """A group's coverage and roadmap completion as the mean over its schools, a school
        without a contingent or a roadmap counting 0; and those schools («не приступили»)."""
        coverage = [self.expected({s})["students_involved"][2] for s in schools]
        completion = [self.roadmap_completion({s}) for s in schools]
        missing = {s for s in schools if s not in self.contingents or s not in self.roadmaps}
        return (
            round(sum(c or 0 for c in coverage) / len(schools), 2),
            round(sum(c or 0 for c in completion) / len(schools), 2),
            missing,
        )

    def roadmap_completion(self, schools: set[str]) -> float | None:
        """Done activities of 2025/26 ÷ activities (cancelled aside) of the schools' roadmaps."""
        done = sum(self.roadmaps[s][0] for s in schools if s in self.roadmaps)
        items = sum(self.roadmaps[s][1] for s in schools if s in self.roadmaps)
        return round(100 * done / items, 2) if items else None

    def _ratings(self, schools: set[str], on: date) -> dict[str, list[int]]:
        """Scores of meetings (by the meeting's day) and every scale answer of satisfaction
        questionnaires (by the day answered), inside each school's window up to `on`: of each
        side, and of each side by who gave them (`mentee_own`, `mentee_staff`, …)."""

        def in_window(school: str, day: date) -> bool:
            start, end = CUSTOM_WINDOW.get(school, default_window(YEAR))
            return start <= day <= min(end, on)

        ratings: dict[str, list[int]] = {}

        def count(side: str, own: bool, scores: list[int]) -> None:
            for key in (side, f"{side}_{'own' if own else 'staff'}"):
                ratings.setdefault(key, []).extend(scores)

        for side in ("mentor", "mentee"):
            count(side, True, [])
            count(side, False, [])
        for pair in (p for p in self.pairs if p.school in schools):
            for held_on, side, rating, own in pair.ratings:
                if in_window(pair.school, held_on):
                    count(side, own, [rating])
        sides = {Purpose.MENTEE_SATISFACTION: "mentee", Purpose.MENTOR_SATISFACTION: "mentor"}
        for survey in self.surveys:
            if survey.purpose not in sides or survey.school not in schools:
                continue
            if in_window(survey.school, survey.answered_on):
                count(sides[survey.purpose], survey.own, survey.scores)
        return ratings

    def _dynamics(self, schools: set[str], on: date) -> tuple[Any, Any, Any]:
        """Mentees whose last exit diagnostics up to `on` beat their first entry diagnostics."""
        means: dict[str, dict[Purpose, list[tuple[date, float]]]] = {}
        for survey in self.surveys:
            if survey.school in schools and survey.answered_on <= on:
                mean = round(sum(survey.scores) / len(survey.scores), 2)
                by_purpose = means.setdefault(survey.respondent.id, {})
                by_purpose.setdefault(survey.purpose, []).append((survey.answered_on, mean))
        diagnosed = improved = 0
        for by_purpose in means.values():
            entries = by_purpose.get(Purpose.ENTRY_DIAGNOSTICS)
            exits = by_purpose.get(Purpose.EXIT_DIAGNOSTICS)
            if entries and exits:
                diagnosed += 1
                improved += max(exits)[1] > min(entries)[1]
        return _share(improved, diagnosed, True)


TARGETS = {
    "students_involved": 70,
    "mentees_10_18": 30,
    "mentee_satisfaction": 7.5,
    "trained_mentors": 2,
}


def _share(numerator: int, denominator: int, present: Any) -> tuple[Any, Any, Any]:
    if not present:
        return numerator, None, None
    if not denominator:
        return numerator, denominator, None
    return numerator, denominator, round(100 * numerator / denominator, 2)


def _mean(ratings: list[int]) -> tuple[Any, Any, Any]:
    if not ratings:
        return 0, 0, None
    return sum(ratings), len(ratings), round(sum(ratings) / len(ratings), 2)


async def generated_region(api: Api, classes: bool = False) -> GeneratedRegion:
    """A fresh world with its generated region (a test module builds one for all its tests)."""
    return await GeneratedRegion(await World(api).build(), classes=classes).build()
