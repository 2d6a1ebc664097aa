"""A small demo region, loaded through the services' own HTTP commands (its tree and users are
`services.demo_users`, which the development login reads without this loader)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import httpx

from services.demo_users import (
    CURATOR,
    MUNICIPALITIES,
    NODES,
    SCHOOLS,
    Node,
    demo_id,
    demo_person,
    demo_token,
    path_of,
)
from services.programs.domain import (
    DEFAULT_ROADMAP,
    Purpose,
    RoadmapItem,
    default_template_id,
    school_year_of,
)
from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings
from shared.kernel.principal import Role

_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
]
_MEN = (
    ["Александр", "Дмитрий", "Максим", "Иван", "Артём", "Никита", "Егор"],
    ["Александрович", "Дмитриевич", "Петрович", "Сергеевич", "Олегович"],
)
_WOMEN = (
    ["Мария", "Анна", "Елена", "Ольга", "Татьяна", "Наталья", "Светлана"],
    ["Александровна", "Сергеевна", "Игоревна", "Олеговна", "Петровна"],
)


def full_name(rng: random.Random, woman: bool) -> str:
    """A random Russian full name (surname, first name, patronymic)."""
    first_names, patronymics = _WOMEN if woman else _MEN
    surname = rng.choice(_SURNAMES) + ("а" if woman else "")
    return f"{surname} {rng.choice(first_names)} {rng.choice(patronymics)}"


def _full_name(rng: random.Random, index: int) -> str:
    return full_name(rng, woman=index % 2 == 1)


def representative(rng: random.Random, index: int) -> dict[str, str]:
    """A minor's legal representative who signs the consent: a mother or a father, the
    relation matching the name."""
    woman = index % 2 == 1
    return {"representative_name": full_name(rng, woman), "relation": "мать" if woman else "отец"}


COMPETENCES = [
    "математика",
    "физика",
    "русский язык",
    "олимпиады",
    "проектная деятельность",
    "профориентация",
    "ИКТ",
    "классное руководство",
]
INTERESTS = ["шахматы", "робототехника", "театр", "спорт", "краеведение", "волонтёрство"]
CURATED_FORMS = ["teacher_student", "student_student"]  # the demo curator's forms
CATEGORIES = ["low_results", "outstanding_abilities", "detached", "difficult_situation"]
REQUESTS = [
    "Подтянуть математику к ОГЭ",
    "Подготовка к олимпиаде",
    "Адаптация в новом классе",
    "Выбор профиля обучения",
]


# The 1–10 questions of the default templates the demo answers.
SURVEY_SCALES = {
    Purpose.ENTRY_DIAGNOSTICS: (
        "confidence",
        "goals",
        "communication",
        "motivation",
        "independence",
    ),
    Purpose.EXIT_DIAGNOSTICS: (
        "confidence",
        "goals",
        "communication",
        "motivation",
        "independence",
    ),
    Purpose.MENTEE_SATISFACTION: ("overall", "meetings", "organisation"),
    Purpose.MENTOR_SATISFACTION: ("overall", "meetings", "organisation", "mentee_progress"),
}


def _roadmap_item(item: RoadmapItem) -> dict[str, Any]:
    """A roadmap activity as the programs service takes it."""
    return item.as_dict() | {"deadline": {"words": item.deadline.words}}


class DemoLoader:
    """Loads the demo through HTTP, as an operator, the institute and each school would."""

    def __init__(self, settings: Settings, registry_url: str, programs_url: str) -> None:
        self.settings = settings
        self.registry = httpx.Client(base_url=registry_url, timeout=30)
        self.programs = httpx.Client(base_url=programs_url, timeout=30)
        self.rng = random.Random(2025)
        self.today = settings.region_today()
        # Two school years: the last one whole (pairs formed in September, completed in May,
        # diagnostics at entry and exit), and the current one under way.
        self.current = school_year_of(self.today)
        first = int(self.current[:4])
        self.previous = f"{first - 1}/{first % 100:02d}"
        self.previous_start = date(first - 1, 9, 1)
        # the current year's order: 40 days back, but inside this school year
        self.recent = min(self.today, max(self.today - timedelta(days=40), date(first, 9, 1)))

    def _send(
        self,
        client: httpx.Client,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
        method: str = "POST",
    ) -> Any:
        response = client.request(
            method, path, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        if response.status_code >= 400:
            raise RuntimeError(f"demo load failed at {path}: {response.text}")
        return response.json()

    def load(self) -> None:
        operator = issue_token(self.settings, Role.OPERATOR, path_of("region"), user="demo-loader")
        for node in NODES.values():
            self._send(
                self.registry,
                "/organisations",
                operator,
                {
                    "id": str(node.id),
                    "kind": node.kind,
                    "name": node.name,
                    "parent_id": str(NODES[node.parent].id) if node.parent else None,
                },
            )
        partner = self._send(
            self.registry,
            "/organisations",
            operator,
            {
                "id": str(demo_id("partner")),
                "kind": "partner",
                "partner_kind": "enterprise",
                "name": "АО «Кузнецкий металлургический комбинат»",
                "parent_id": str(MUNICIPALITIES[0].id),
            },
        )
        self._send(
            self.registry,
            f"/partners/{partner['id']}/agreements",
            operator,
            {
                "school_id": str(SCHOOLS[0].id),
                "number": f"17/{self.previous_start.year}",
                "signed_on": str(self.previous_start - timedelta(days=7)),
                "subject": "Наставничество «работодатель – ученик»: профориентация и проекты",
            },
        )
        courses = [
            self._course(self.previous_start + timedelta(days=9)),
            self._course(min(self.today - timedelta(days=70), self.recent - timedelta(days=10))),
        ]
        for number, school in enumerate(SCHOOLS):
            self._load_school(school, number, courses)
        for school_year in (self.previous, self.current):
            self._monitoring(school_year)
        self._campaign()
        self._acts()

    def _acts(self) -> None:
        """The first municipality's order on its schools' documents, naming two directors, and
        the first school's regulation with its four approval marks (issue 19's examples)."""
        municipality, school = MUNICIPALITIES[0], SCHOOLS[0]
        officer = issue_token(
            self.settings, Role.MUNICIPALITY_OFFICER, path_of(municipality.key), user="demo-loader"
        )
        audit_day = self.previous_start + timedelta(days=60)
        self._send(
            self.programs,
            f"/organisations/{municipality.id}/acts",
            officer,
            {
                "kind": "order",
                "number": "94-13",
                "register": "по основной деятельности",
                "act_date": str(audit_day),
                "title": "Об итогах мониторинга нормативных документов по внедрению системы"
                " наставничества",
                "points": [
                    {
                        "kind": "assignment",
                        "text": "Директорам внести изменения в нормативные документы (приказы)"
                        " с устранением недочётов, указанных в аналитической справке",
                        "people": [
                            {
                                "name": "Сальникова Г.И.",
                                "position": "директор",
                                "organisation": "МБОУ «Лицей № 2»",
                            },
                            {
                                "name": "Каширина О.А.",
                                "position": "директор",
                                "organisation": "МБОУ «Гимназия № 3»",
                            },
                        ],
                        "due_on": str(audit_day + timedelta(days=30)),
                    },
                    {
                        "kind": "control",
                        "text": "Контроль за исполнением приказа оставляю за собой",
                    },
                ],
            },
        )
        director = issue_token(
            self.settings, Role.SCHOOL_DIRECTOR, path_of(school.key), user="demo-loader"
        )
        accepted = self.previous_start - timedelta(days=3)
        self._send(
            self.programs,
            f"/organisations/{school.id}/acts",
            director,
            {
                "kind": "regulation",
                "title": "Положение о системе наставничества педагогических работников",
                "act_date": str(accepted),
                "marks": [
                    {
                        "kind": "accepted",
                        "body": "педагогическим советом",
                        "on": str(accepted),
                        "protocol_number": "1",
                    },
                    {
                        "kind": "agreed",
                        "body": "с управляющим советом",
                        "on": str(accepted),
                        "protocol_number": "2",
                    },
                    {
                        "kind": "agreed",
                        "body": "с советом обучающихся",
                        "on": str(accepted),
                        "protocol_number": "1",
                    },
                    {"kind": "approved", "body": "Директор", "on": str(accepted + timedelta(1))},
                ],
            },
        )

    def _course(self, starts_on: date) -> dict[str, Any]:
        """The institute's 36-hour «Школа наставника», ten days long."""
        course: dict[str, Any] = self._send(
            self.registry,
            "/training-courses",
            demo_token(self.settings, Role.INSTITUTE_METHODOLOGIST),
            {
                "name": f"Школа наставника: технологии сопровождения ({starts_on.year})",
                "hours": 36,
                "provider": "Институт развития образования",
                "starts_on": str(starts_on),
                "ends_on": str(starts_on + timedelta(days=10)),
            },
        )
        course["ends_on"] = starts_on + timedelta(days=10)
        return course

    def _monitoring(self, school_year: str) -> None:
        """The region's targets, each school's contingent, and self-audits with a review."""
        grows = 5 * (school_year == self.current)  # a year later, a little more is asked
        self._send(
            self.registry,
            f"/regions/{NODES['region'].id}/indicator-targets",
            demo_token(self.settings, Role.REGION_OFFICER),
            {
                "school_year": school_year,
                "targets": {
                    "students_involved": 60 + 2 * grows,
                    "mentees_10_18": 25 + grows,
                    "mentors_15_19": 10,
                    "young_teachers_mentored": 80,
                    "mentee_satisfaction": 7.5,
                    "mentor_satisfaction": 7.5,
                    "individual_plan": 100,
                    "positive_dynamics": 60,
                    "trained_mentors": 10,
                },
            },
            method="PUT",
        )
        for number, school in enumerate(SCHOOLS):
            director = demo_token(self.settings, Role.SCHOOL_DIRECTOR, path_of(school.key))
            self._send(
                self.registry,
                f"/schools/{school.id}/contingent",
                director,
                {
                    "school_year": school_year,
                    "students": 420 + 60 * number,
                    "students_10_18": 250 + 40 * number,
                    "students_15_19": 90 + 10 * number,
                    "teachers": 38 + 4 * number,
                    "young_teachers": 3 + number,
                },
                method="PUT",
            )
            gaps = 3 + number + (school_year == self.current)  # gaps closed over the year
            items = [{"item": n, "achieved": n % gaps != 0} for n in range(1, 13)]
            self._send(
                self.registry,
                f"/schools/{school.id}/self-audit",
                director,
                {
                    "school_year": school_year,
                    "items": items,
                    "page_url": f"https://school{number + 1}.example.ru/nastavnichestvo",
                },
                method="PUT",
            )
        self._send(
            self.registry,
            f"/schools/{SCHOOLS[0].id}/self-audit/reviews",
            demo_token(self.settings, Role.MUNICIPALITY_OFFICER),
            {
                "school_year": school_year,
                "item": 3,
                "achieved": False,
                "recommendation": "Опишите формы педагог – педагог и руководитель ОО – педагог",
            },
        )

    def _campaign(self) -> None:
        """The region's monitoring of the schools' documents, open this week: the first two
        schools have submitted; the institute returned the first one's, asking it to complete
        item 1.5; the third has not started."""
        institute = demo_token(self.settings, Role.INSTITUTE_METHODOLOGIST)
        region = NODES["region"]
        forms = [
            self._send(
                self.registry,
                "/forms/examples",
                institute,
                {"owner_id": str(region.id), "example": example},
            )
            for example in ("documents", "s1", "school")
        ]
        campaign = self._send(
            self.registry,
            "/campaigns",
            demo_token(self.settings, Role.REGION_OFFICER),
            {
                "title": "Мониторинг нормативных документов по внедрению системы наставничества",
                "form_id": forms[0]["id"],
                "form_version": 1,
                "act_number": "1620-р",
                "act_date": str(self.today - timedelta(days=5)),
                "target_id": str(region.id),
                "target_kinds": ["school"],
                "window_from": str(self.today - timedelta(days=3)),
                "window_to": str(self.today + timedelta(days=7)),
                "reference_date": str(self.today - timedelta(days=3)),
                "reviewer_roles": ["institute_methodologist", "municipality_officer"],
            },
        )
        for number, school in enumerate(SCHOOLS[:2], start=1):
            site = f"https://school{number}.example.ru/nastavnichestvo"
            answers: list[dict[str, Any]] = [
                {"number": f"1.{n}", "value": f"{site}/doc{n}"} for n in range(1, 5)
            ]
            answers.append({"number": "1.5", "value": True, "evidence": "Программа на сайте"})
            director = demo_token(self.settings, Role.SCHOOL_DIRECTOR, path_of(school.key))
            base = f"/campaigns/{campaign['id']}/submissions/{school.id}"
            self._send(self.registry, base, director, {"answers": answers, "submit": True}, "PUT")
        base = f"/campaigns/{campaign['id']}/submissions/{SCHOOLS[0].id}"
        self._send(
            self.registry,
            f"{base}/reviews",
            institute,
            {
                "number": "1.5",
                "verdict": "partly",
                "missing": ["1.5.2", "1.5.4"],
                "recommendation": "Опишите ожидаемые результаты и приложите персонализированные"
                " программы наставничества",
            },
        )
        self._send(
            self.registry,
            f"{base}/conclusion",
            institute,
            {"accepted": False, "comment": "Доработайте программу наставничества (пункт 1.5)"},
        )

    def _load_school(self, school: Node, number: int, courses: list[dict[str, Any]]) -> None:
        token = demo_token(self.settings, Role.SCHOOL_COORDINATOR, path_of(school.key))
        mentors = [self._person(school, token, i, mentor=True) for i in range(8)]
        mentees = [self._person(school, token, 8 + i, mentor=False) for i in range(10)]
        self._staff(school, token, mentors)
        approved = [m for i, m in enumerate(mentors) if self._mentor_base(token, m, i)]
        self._send(
            self.registry,
            f"/schools/{school.id}/mentor-registers",
            demo_token(self.settings, Role.SCHOOL_DIRECTOR, path_of(school.key)),
            {
                "school_year": self.current,
                "order_number": f"{101 + number}-о",
                "order_date": str(self.recent),
                "mentor_ids": approved,
            },
        )
        institute = demo_token(self.settings, Role.INSTITUTE_METHODOLOGIST)
        # two mentors trained in the last year, one more in this one
        for index, (mentor, course) in enumerate(zip(approved[:3], (0, 0, 1), strict=True)):
            self._send(
                self.registry,
                f"/training-courses/{courses[course]['id']}/completions",
                institute,
                {
                    "person_id": mentor,
                    "completed_on": str(courses[course]["ends_on"]),
                    "certificate": f"ШН-{number + 1}{index + 1:03d}",
                },
            )
        for index, mentee in enumerate(mentees):
            self._mentee_base(token, mentee, index)
        roadmap = self._implementation(school, token)
        self._last_year(school, number, token, mentors, mentees, roadmap)
        self._programme(school, number, token, mentors, mentees)
        self._school_events(school, token)

    def _school_events(self, school: Node, token: str) -> None:
        """The school's own events of the year: the group meeting of mentors and mentees and a
        publication about it on the school's website."""
        events: tuple[tuple[str, str, list[str], list[dict[str, str]]], ...] = (
            ("group_meeting", "Групповая встреча наставников и наставляемых", ["7А", "8Б"], []),
            (
                "publicity",
                "О групповой встрече на сайте школы",
                [],
                [{"title": "Новость на сайте школы", "url": "https://school.example/nastavnik"}],
            ),
        )
        for kind, title, classes, materials in events:
            self._send(
                self.programs,
                f"/schools/{school.id}/events",
                token,
                {
                    "kind": kind,
                    "held_on": str(self.recent),
                    "title": title,
                    "classes": classes,
                    "materials": materials,
                },
            )

    def _staff(self, school: Node, token: str, mentors: list[str]) -> None:
        officer = demo_token(
            self.settings, Role.MUNICIPALITY_OFFICER, path_of(NODES[school.key].parent or "region")
        )
        self._send(
            self.registry, f"/people/{mentors[0]}/staff-roles", officer, {"role": "director"}
        )
        roles: list[tuple[str, dict[str, Any]]] = [
            (mentors[1], {"role": "coordinator"}),
            (mentors[CURATOR], {"role": "curator", "forms": CURATED_FORMS}),
            (
                mentors[3],
                {
                    "role": "working_group_member",
                    "area": "мониторинг и оценка результатов программы",
                },
            ),
        ]
        for person, body in roles:
            self._send(self.registry, f"/people/{person}/staff-roles", token, body)
        # as seed 004's curator: stages 2–7 and the forms she curates
        parts = [{"kind": "stage", "subject": str(stage)} for stage in range(2, 8)]
        parts += [{"kind": "form", "subject": form} for form in CURATED_FORMS]
        self._send(
            self.programs,
            f"/schools/{school.id}/responsibilities",
            token,
            {"person_id": mentors[CURATOR], "parts": parts},
        )

    def _mentor_base(self, token: str, mentor: str, index: int) -> bool:
        """Questionnaire and interview; teachers also sign the consent to the extra duty.
        Returns whether the mentor goes into the register approved by order."""
        self._send(
            self.registry,
            f"/people/{mentor}/mentor-questionnaire",
            token,
            {
                "competences": self.rng.sample(COMPETENCES, 3),
                "interests": self.rng.sample(INTERESTS, 2),
                "hours_per_month": 8,
                "capacity": 2,
                "preferred_age_min": 11,
                "preferred_age_max": 16,
                "experience": "Педагогический стаж более 10 лет",
            },
            method="PUT",
        )
        if index == 7:
            return False  # one potential mentor still waits for the interview
        self._send(
            self.registry,
            f"/people/{mentor}/mentor-interview",
            token,
            {
                "held_on": str(self.previous_start + timedelta(days=5)),
                "recommended": True,
            },
        )
        self._send(
            self.registry,
            f"/people/{mentor}/consents",
            token,
            {
                "kind": "additional_duty",
                "signed_on": str(self.previous_start + timedelta(days=5)),
            },
        )
        return True

    def _mentee_base(self, token: str, mentee: str, index: int) -> None:
        self._send(
            self.registry,
            f"/people/{mentee}/mentee-profile",
            token,
            {
                "categories": [CATEGORIES[index % len(CATEGORIES)]],
                "requests": REQUESTS[index % len(REQUESTS)],
            },
            method="PUT",
        )
        if index % 3 == 0:
            self._send(
                self.registry,
                f"/people/{mentee}/third-party-information",
                token,
                {
                    "source": "class_teacher",
                    "information": "Со слов классного руководителя: нуждается в поддержке",
                },
            )

    def _implementation(self, school: Node, token: str) -> list[str]:
        """The order implementing the target model, its regulation and the platform's default
        roadmap; returns the ids of the roadmap's activities."""
        order_date = self.previous_start - timedelta(days=7)
        self._send(
            self.programs,
            f"/schools/{school.id}/implementation",
            token,
            {
                "number": "78-о",
                "order_date": str(order_date),
                "period_from": str(order_date),
                "period_to": str(order_date + timedelta(days=4 * 365)),
                "monitoring_from": {"month": 10, "day": 1},
                "monitoring_to": {"month": 5, "day": 30},
            },
        )
        self._send(
            self.programs,
            f"/schools/{school.id}/regulations",
            token,
            {"title": "Положение о наставничестве", "version": "1", "adopted_on": str(order_date)},
        )
        # The default activities one by one (what `roadmap/default` adopts at once), so that
        # the demo knows their ids to report last year's progress on.
        return [
            self._send(
                self.programs, f"/schools/{school.id}/roadmap/items", token, _roadmap_item(item)
            )["id"]
            for item in DEFAULT_ROADMAP
        ]

    def _programme(
        self, school: Node, number: int, token: str, mentors: list[str], mentees: list[str]
    ) -> None:
        """This year's programme: pairs approved some weeks ago, meeting weekly since."""
        programme = self._send(
            self.programs,
            "/programmes",
            token,
            {
                "id": str(demo_id(f"{school.key}-programme")),
                "school_id": str(school.id),
                "school_year": self.current,
                "title": f"Программа наставничества на {self.current} учебный год",
                "forms": ["teacher_student", "student_student"],
            },
        )
        # The schools are at different stages of their programmes.
        director = demo_token(self.settings, Role.SCHOOL_DIRECTOR, path_of(school.key))
        self._send(
            self.programs,
            f"/programmes/{programme['id']}/stage",
            director,
            {"stage": (6, 5, 3)[number]},
        )
        pairs = [
            self._send(
                self.programs,
                f"/programmes/{programme['id']}/pairs",
                token,
                {
                    "form": "teacher_student",
                    "mentor_id": mentors[index],
                    "mentee_ids": [mentees[index]],
                },
            )["id"]
            for index in range(4 + number)
        ]
        self._send(
            self.programs,
            f"/programmes/{programme['id']}/orders",
            director,
            {
                "number": f"{120 + number}-о",
                "order_date": str(self.recent),
                "pair_ids": pairs,
            },
        )
        for index, pair in enumerate(pairs):
            kinds = ["introduction", "trial", "planning", "regular"][: 1 + (index + number) % 4]
            # weekly up to last week; early in a school year, from the order's day
            days = [
                max(self.recent, self.today - timedelta(days=7 * (len(kinds) - n)))
                for n in range(len(kinds))
            ]
            for kind, held_on in zip(kinds, days, strict=True):
                self._meeting(pair, token, kind, held_on, "Знакомство и цели")
            self._survey(programme["id"], token, Purpose.ENTRY_DIAGNOSTICS, mentees[index])
            if len(kinds) == 4:
                self._complete(programme["id"], token, pair, mentees[index])

    def _meeting(self, pair: str, token: str, kind: str, held_on: date, topic: str) -> None:
        """A meeting with both sides' feedback, the mentor's with a comment."""
        self._send(
            self.programs,
            f"/pairs/{pair}/meetings",
            token,
            {
                "kind": kind,
                "held_on": str(held_on),
                "duration_minutes": 45,
                "topic": topic if kind == "introduction" else "",
                "mentor_feedback": {
                    "rating": self.rng.randint(7, 10),
                    "comment": "Встреча прошла продуктивно",
                },
                "mentee_feedback": {"rating": self.rng.randint(6, 10)},
            },
        )

    def _survey(
        self,
        programme: str,
        token: str,
        purpose: Purpose,
        respondent: str,
        answered_on: date | None = None,
        growth: int = 0,
    ) -> None:
        """A questionnaire answered on the scale (1–10) as the default templates ask; exit
        diagnostics come out `growth` points better on average."""
        codes = SURVEY_SCALES[purpose]
        answers: dict[str, Any] = {c: min(10, self.rng.randint(3, 8) + growth) for c in codes}
        if purpose in (Purpose.MENTEE_SATISFACTION, Purpose.MENTOR_SATISFACTION):
            answers |= {"frequency": "в самый раз", "continue": True}
        self._send(
            self.programs,
            f"/programmes/{programme}/survey-responses",
            token,
            {
                "template_id": str(default_template_id(purpose)),
                "respondent_id": respondent,
                "answered_on": str(answered_on or self.recent),
                "answers": answers,
            },
        )

    def _complete(self, programme: str, token: str, pair: str, mentee: str) -> None:
        """A pair that held its final meeting, answered the exit diagnostics and completed."""
        final = max(self.recent, self.today - timedelta(days=2))
        self._send(
            self.programs,
            f"/pairs/{pair}/meetings",
            token,
            {"kind": "final", "held_on": str(final), "duration_minutes": 60},
        )
        self._survey(programme, token, Purpose.EXIT_DIAGNOSTICS, mentee, final, growth=2)
        self._send(
            self.programs,
            f"/pairs/{pair}/ending",
            token,
            {
                "outcome": "completed",
                "ended_on": str(final),
                "summary": "Цели индивидуального плана достигнуты",
            },
        )

    def _last_year(
        self,
        school: Node,
        number: int,
        token: str,
        mentors: list[str],
        mentees: list[str],
        roadmap: list[str],
    ) -> None:
        """Last school year whole: pairs approved in September with plans, meetings from
        October to May, entry and exit diagnostics, satisfaction questionnaires, endings."""
        start = self.previous_start
        director = demo_token(self.settings, Role.SCHOOL_DIRECTOR, path_of(school.key))
        programme = self._send(
            self.programs,
            "/programmes",
            token,
            {
                "id": str(demo_id(f"{school.key}-programme-{self.previous}")),
                "school_id": str(school.id),
                "school_year": self.previous,
                "title": f"Программа наставничества на {self.previous} учебный год",
                "forms": ["teacher_student"],
            },
        )["id"]
        self._send(self.programs, f"/programmes/{programme}/stage", director, {"stage": 7})
        pairs = [
            self._send(
                self.programs,
                f"/programmes/{programme}/pairs",
                token,
                {"form": "teacher_student", "mentor_id": mentor, "mentee_ids": [mentee]},
            )["id"]
            for mentor, mentee in zip(mentors[:5], mentees[number : number + 5], strict=True)
        ]
        self._send(
            self.programs,
            f"/programmes/{programme}/orders",
            director,
            {
                "number": f"{90 + number}-о",
                "order_date": str(start + timedelta(days=19)),
                "pair_ids": pairs,
            },
        )
        for index, (pair, mentee) in enumerate(zip(pairs, mentees[number:], strict=False)):
            self._year_of_a_pair(programme, token, pair, mentee, mentors[index], index)
        for index, item in enumerate(roadmap):  # most of last year's activities were done
            self._send(
                self.programs,
                f"/schools/{school.id}/roadmap/items/{item}/progress",
                token,
                {
                    "status": "done" if (index + number) % 4 else "in_progress",
                    "on": str(start + timedelta(days=250)),
                    "school_year": self.previous,
                },
            )

    def _year_of_a_pair(
        self, programme: str, token: str, pair: str, mentee: str, mentor: str, index: int
    ) -> None:
        start = self.previous_start
        self._send(
            self.programs,
            f"/pairs/{pair}/plan",
            token,
            {
                "starts_on": str(start + timedelta(days=30)),
                "ends_on": str(start + timedelta(days=270)),
                "goals": ["Повысить учебную мотивацию", "Подготовиться к олимпиаде"],
                "tasks": [
                    {"title": "Входная диагностика", "due_on": str(start + timedelta(days=40))}
                ],
            },
            method="PUT",
        )
        self._survey(
            programme, token, Purpose.ENTRY_DIAGNOSTICS, mentee, start + timedelta(days=24)
        )
        kinds = ["introduction", "trial", "planning", "regular", "regular", "regular", "final"]
        offsets = [30, 44, 60, 100, 160, 220, 256]  # 1 October … mid-May
        last = len(kinds) if index != 3 else 4  # one pair parted early, in winter
        for kind, offset in list(zip(kinds, offsets, strict=True))[:last]:
            self._meeting(pair, token, kind, start + timedelta(days=offset), "Знакомство и цели")
        if last < len(kinds):
            self._send(
                self.programs,
                f"/pairs/{pair}/ending",
                token,
                {
                    "outcome": "ended_early",
                    "ended_on": str(start + timedelta(days=110)),
                    "initiator": "mentee",
                    "reason": "relocation",
                    "summary": "Семья переехала в другой город",
                },
            )
            return
        end = start + timedelta(days=262)  # in May, inside the monitoring window
        self._survey(programme, token, Purpose.EXIT_DIAGNOSTICS, mentee, end, growth=index % 3)
        self._survey(programme, token, Purpose.MENTEE_SATISFACTION, mentee, end, growth=2)
        self._survey(programme, token, Purpose.MENTOR_SATISFACTION, mentor, end, growth=2)
        self._send(
            self.programs,
            f"/pairs/{pair}/ending",
            token,
            {"outcome": "completed", "ended_on": str(end), "summary": "Цели плана достигнуты"},
        )

    def _person(self, school: Node, token: str, index: int, mentor: bool) -> str:
        if mentor:
            birth = date(self.today.year - self.rng.randint(25, 60), self.rng.randint(1, 12), 15)
            consent: dict[str, Any] = {"signed_on": str(self.previous_start)}
            kind, grade = "teacher", None
            career = date(self.today.year - (1 if index == 6 else self.rng.randint(5, 30)), 9, 1)
        else:
            birth = date(self.today.year - self.rng.randint(11, 16), self.rng.randint(1, 12), 10)
            consent = {
                "signed_on": str(self.previous_start),
                **representative(self.rng, index + 3),
            }
            kind, grade = "student", f"{self.today.year - birth.year - 6}{self.rng.choice('АБВ')}"
            career = None
        person = self._send(
            self.registry,
            "/people",
            token,
            {
                "id": str(demo_person(school.key, index)),
                "school_id": str(school.id),
                "kind": kind,
                "full_name": _full_name(self.rng, index),
                "birth_date": str(birth),
                "grade": grade,
                "roles": ["mentor" if mentor else "mentee"],
                "mentor_capacity": 2 if mentor else 1,
                "consent": consent,
                "position": "учитель" if mentor else None,
                "teaching_since": str(career) if career else None,
            },
        )
        return str(person["id"])
