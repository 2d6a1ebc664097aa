"""The demo region's tree and its users: fixed ids (uuid5 of a name), so that tokens for the
demo's scopes are issued without a database and a second `make run` finds the same region. The
development login reads only this; the loader of the demo's data is `services.demo`."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid5

from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from shared.kernel.scope import child_path

_NAMESPACE = UUID("2f5b9a60-93c4-4c7e-8d57-3d0c1b6f5e21")


def demo_id(name: str) -> UUID:
    return uuid5(_NAMESPACE, name)


def demo_person(school_key: str, index: int) -> UUID:
    """The id of a demo school's `index`-th person (its mentors come first)."""
    return demo_id(f"{school_key}-person-{index}")


# The demo school's curator among its mentors (`services.demo` gives her the role and grants):
# the demo curator's login acts as her, so what the school made her responsible for applies.
CURATOR = 2


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
    (Role.SCHOOL_CURATOR, "Куратор школы № 1"),
    (Role.SCHOOL_DIRECTOR, "Директор школы № 1"),
    (Role.MUNICIPALITY_OFFICER, "Специалист управления образования"),
    (Role.INSTITUTE_METHODOLOGIST, "Методист ИРО"),
    (Role.REGION_OFFICER, "Специалист министерства образования"),
    (Role.AUDITOR, "Аудитор"),
)


def demo_token(settings: Settings, role: Role, scope: str | None = None) -> str:
    name = dict(DEMO_USERS).get(role, str(role))
    curator = role == Role.SCHOOL_CURATOR and scope in (None, default_scope(role))
    person = demo_person("school-1", CURATOR) if curator else None
    return issue_token(
        settings,
        role,
        scope or default_scope(role),
        user=f"demo-{role}",
        name=name,
        person=person,
    )
