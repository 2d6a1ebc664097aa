"""A small demo region, loaded through the services' own HTTP commands.

Ids are fixed (uuid5 of a name), so tokens for the demo's scopes can be issued without a database
and a second `make run` finds the same region.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid5

import httpx

from shared.auth import Role, issue_token
from shared.settings import Settings
from shared.tenancy import child_path

_NAMESPACE = UUID("2f5b9a60-93c4-4c7e-8d57-3d0c1b6f5e21")


def demo_id(name: str) -> UUID:
    return uuid5(_NAMESPACE, name)


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    name: str
    parent: str | None = None

    @property
    def id(self) -> UUID:
        return demo_id(self.key)


REGION = Node("region", "region", "Демонстрационная область")
INSTITUTE = Node("institute", "institute", "Институт развития образования", "region")
MUNICIPALITIES = (
    Node("municipality-1", "municipality", "Новокузнецкий городской округ", "region"),
    Node("municipality-2", "municipality", "Кемеровский городской округ", "region"),
)
SCHOOLS = (
    Node("school-1", "school", "МБОУ «Средняя общеобразовательная школа № 1»", "municipality-1"),
    Node("school-2", "school", "МБОУ «Лицей № 2»", "municipality-1"),
    Node("school-3", "school", "МБОУ «Гимназия № 3»", "municipality-2"),
)
NODES = {n.key: n for n in (REGION, INSTITUTE, *MUNICIPALITIES, *SCHOOLS)}


def path_of(key: str) -> str:
    node = NODES[key]
    return child_path(path_of(node.parent) if node.parent else "", node.id)


SCHOOL_ROLES = {Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR, Role.SCHOOL_CURATOR}
MUNICIPALITY_ROLES = {Role.MUNICIPALITY_OFFICER}


def default_scope(role: Role) -> str:
    """The demo's first school for a school's roles, its first municipality for a municipality's,
    the demo region for everyone else."""
    if role in SCHOOL_ROLES:
        return path_of("school-1")
    if role in MUNICIPALITY_ROLES:
        return path_of("municipality-1")
    return path_of("region")


DEMO_USERS: tuple[tuple[Role, str], ...] = (
    (Role.SCHOOL_COORDINATOR, "Координатор школы № 1"),
    (Role.MUNICIPALITY_OFFICER, "Специалист управления образования"),
    (Role.INSTITUTE_METHODOLOGIST, "Методист ИРО"),
    (Role.REGION_OFFICER, "Специалист министерства образования"),
    (Role.AUDITOR, "Аудитор"),
)


def demo_token(settings: Settings, role: Role, scope: str | None = None) -> str:
    name = dict(DEMO_USERS).get(role, str(role))
    return issue_token(settings, role, scope or default_scope(role), user=f"demo-{role}", name=name)


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


def _full_name(rng: random.Random, index: int) -> str:
    woman = index % 2 == 1
    first_names, patronymics = _WOMEN if woman else _MEN
    surname = rng.choice(_SURNAMES) + ("а" if woman else "")
    return f"{surname} {rng.choice(first_names)} {rng.choice(patronymics)}"


class DemoLoader:
    """Loads the demo through HTTP, as an operator and each school's coordinator would."""

    def __init__(self, settings: Settings, registry_url: str, programs_url: str) -> None:
        self.settings = settings
        self.registry = httpx.Client(base_url=registry_url, timeout=30)
        self.programs = httpx.Client(base_url=programs_url, timeout=30)
        self.rng = random.Random(2025)

    def _post(self, client: httpx.Client, path: str, token: str, body: dict[str, Any]) -> Any:
        response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        if response.status_code >= 400:
            raise RuntimeError(f"demo load failed at {path}: {response.text}")
        return response.json()

    def load(self) -> None:
        operator = issue_token(self.settings, Role.OPERATOR, path_of("region"), user="demo-loader")
        for node in NODES.values():
            self._post(
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
        for number, school in enumerate(SCHOOLS):
            self._load_school(school, number)

    def _load_school(self, school: Node, number: int) -> None:
        token = demo_token(self.settings, Role.SCHOOL_COORDINATOR, path_of(school.key))
        today = date.today()
        mentors = [self._person(school, token, i, mentor=True) for i in range(8)]
        mentees = [self._person(school, token, 8 + i, mentor=False) for i in range(10)]
        programme = self._post(
            self.programs,
            "/programmes",
            token,
            {
                "id": str(demo_id(f"{school.key}-programme")),
                "school_id": str(school.id),
                "school_year": "2025/26",
                "title": "Программа наставничества на 2025/26 учебный год",
                "forms": ["teacher_student", "student_student"],
            },
        )
        for index in range(4 + number):
            pair = self._post(
                self.programs,
                f"/programmes/{programme['id']}/pairs",
                token,
                {
                    "form": "teacher_student",
                    "mentor_id": mentors[index],
                    "mentee_id": mentees[index],
                },
            )
            kinds = ["introduction", "trial", "planning", "regular"][: 1 + (index + number) % 4]
            for offset, kind in enumerate(kinds):
                self._post(
                    self.programs,
                    f"/pairs/{pair['id']}/meetings",
                    token,
                    {
                        "kind": kind,
                        "held_on": str(today - timedelta(days=7 * (len(kinds) - offset))),
                        "duration_minutes": 45,
                        "topic": "Знакомство и цели" if offset == 0 else "",
                        "mentor_feedback": {
                            "rating": self.rng.randint(7, 10),
                            "comment": "Встреча прошла продуктивно",
                        },
                        "mentee_feedback": {"rating": self.rng.randint(6, 10)},
                    },
                )

    def _person(self, school: Node, token: str, index: int, mentor: bool) -> str:
        today = date.today()
        if mentor:
            birth = date(today.year - self.rng.randint(25, 60), self.rng.randint(1, 12), 15)
            consent: dict[str, Any] = {"signed_on": str(today - timedelta(days=60))}
            kind, grade = "teacher", None
        else:
            birth = date(today.year - self.rng.randint(11, 16), self.rng.randint(1, 12), 10)
            consent = {
                "signed_on": str(today - timedelta(days=60)),
                "representative_name": _full_name(self.rng, index + 3),
                "relation": self.rng.choice(["мать", "отец"]),
            }
            kind, grade = "student", f"{today.year - birth.year - 6}{self.rng.choice('АБВ')}"
        person = self._post(
            self.registry,
            "/people",
            token,
            {
                "id": str(demo_id(f"{school.key}-person-{index}")),
                "school_id": str(school.id),
                "kind": kind,
                "full_name": _full_name(self.rng, index),
                "birth_date": str(birth),
                "grade": grade,
                "roles": ["mentor" if mentor else "mentee"],
                "mentor_capacity": 2 if mentor else 1,
                "consent": consent,
            },
        )
        return str(person["id"])
