"""The organisation tree as `ltree` paths, and the scope a caller may see and act in.

A region is `<region>`, a municipality `<region>.<municipality>`, a school
`<region>.<municipality>.<school>`; the institute sits at `<region>.<institute>` and its users are
scoped to the whole region. The schools the region founds itself (ГКОУ) sit under the region's own
node at the municipality level, `<region>.<regional>.<school>`: every school is three deep, and
no municipality's scope covers them.

A participant (mentor, mentee, a minor's legal representative) is scoped to one person within
the school, `<school path>.<person>`: no row of the school lies under it, so every read model
hides the school from them unless its policy names what the person may read. Labels are
organisation ids in hex: `ltree` labels allow only `[A-Za-z0-9_-]`, so names never appear in
paths.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from uuid import UUID


class Level(IntEnum):
    """Depth of a path in the tree."""

    REGION = 1
    MUNICIPALITY = 2
    SCHOOL = 3
    PERSON = 4


def label(organisation_id: UUID) -> str:
    return organisation_id.hex


def child_path(parent: str, organisation_id: UUID) -> str:
    return f"{parent}.{label(organisation_id)}" if parent else label(organisation_id)


def depth(path: str) -> int:
    return len(path.split("."))


def region_of(path: str) -> str:
    return path.split(".")[0]


@dataclass(frozen=True)
class Scope:
    """The subtree a caller works in."""

    path: str

    def covers(self, tenant: str) -> bool:
        return tenant == self.path or tenant.startswith(self.path + ".")

    @property
    def level(self) -> Level:
        return Level(min(depth(self.path), Level.PERSON))

    @property
    def is_school(self) -> bool:
        return self.level == Level.SCHOOL

    @property
    def person_id(self) -> UUID | None:
        """The person a participant's scope is (None for organisation scopes)."""
        if self.level != Level.PERSON:
            return None
        return UUID(hex=self.path.split(".")[Level.SCHOOL])

    @property
    def school_path(self) -> str:
        """The school a participant's scope lies in (the path itself for organisations)."""
        return ".".join(self.path.split(".")[: Level.SCHOOL]) if self.person_id else self.path


def person_path(school: str, person_id: UUID) -> str:
    return f"{school}.{label(person_id)}"
