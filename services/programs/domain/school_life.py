"""What a school runs beside its pairs: its own scheme of stages, in its own words and mapped onto
the seven, and its own events (a group meeting of all pairs, a conference, a round table, the
publication of results …). No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import event

from shared.kernel.aggregate import Actor, TenantAggregate
from shared.kernel.errors import RuleViolated, check_not_in_future

from ..values import SchoolEventKind, Stage

_SCHEME_NAMESPACE = UUID("6a0c3f4e-1d7b-4f55-9a2e-83c5d1e0b7a4")


@dataclass(frozen=True)
class SchoolStage:
    """A stage as the school names it, and the stages of the seven it covers: one, several (its
    «организация хода программы» is both forming pairs and their work) or none (information
    support runs beside all seven)."""

    name: str
    stages: tuple[Stage, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "stages": [int(stage) for stage in self.stages]}


def school_stages(written: list[tuple[str, list[int]]]) -> tuple[SchoolStage, ...]:
    """The scheme as the school writes it, each stage's name and numbers of the seven it
    covers; refused whole when empty, when a name repeats or a number is none of the seven."""
    if not written:
        raise RuleViolated("stage_scheme_empty", "В схеме этапов нет ни одного этапа")
    names: set[str] = set()
    scheme = []
    for index, (name, numbers) in enumerate(written):
        name = " ".join(name.split())
        if not name:
            raise RuleViolated(
                "stage_name_missing", "У этапа нет названия", field=f"stages[{index}].name"
            )
        if name.casefold() in names:
            raise RuleViolated(
                "stage_name_repeated",
                f"Этап «{name}» назван в схеме дважды",
                field=f"stages[{index}].name",
            )
        names.add(name.casefold())
        scheme.append(SchoolStage(name, _covered(name, numbers, f"stages[{index}].stages")))
    return tuple(scheme)


def _covered(name: str, numbers: list[int], field: str) -> tuple[Stage, ...]:
    known = {int(stage) for stage in Stage}
    for number in numbers:
        if number not in known:
            raise RuleViolated(
                "stage_unknown",
                f"Этап «{name}»: этапа № {number} среди семи этапов целевой модели нет",
                field=field,
            )
    return tuple(Stage(number) for number in sorted(set(numbers)))


class StageScheme(TenantAggregate):
    """One per school: its stages as its documents name them. Rewritten whole when the school
    changes it; the seven stages stay what the municipality and the region read."""

    @staticmethod
    def id_for(school_id: UUID) -> UUID:
        return uuid5(_SCHEME_NAMESPACE, school_id.hex)

    @event("Written")
    def __init__(
        self, id: UUID, tenant: str, actor: Actor, school_id: UUID, stages: list[dict[str, Any]]
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id

    def rewrite(self, actor: Actor, stages: tuple[SchoolStage, ...]) -> None:
        self._rewritten(actor=actor, stages=[stage.as_dict() for stage in stages])

    @event("Rewritten")
    def _rewritten(self, actor: Actor, stages: list[dict[str, Any]]) -> None:
        pass  # nothing the scheme decides from: each writing is whole


@dataclass(frozen=True)
class Material:
    """A material of an event: its title and, where it is published, its link."""

    title: str
    url: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url}


@dataclass(frozen=True)
class Attendance:
    """Who was present, as the school records it: pairs and groups, whole classes by their
    name («7А»), single people."""

    pair_ids: tuple[UUID, ...] = ()
    classes: tuple[str, ...] = ()
    person_ids: tuple[UUID, ...] = ()


class SchoolEvent(TenantAggregate):
    """An event of the school rather than of one pair."""

    @staticmethod
    def check(
        kind: SchoolEventKind, held_on: date, today: date, materials: tuple[Material, ...]
    ) -> None:
        """Recorded once held; a publication of results is recorded with its link."""
        check_not_in_future(held_on, today, "Дата мероприятия", "held_on")
        for index, material in enumerate(materials):
            if material.url and not material.url.startswith(("https://", "http://")):
                raise RuleViolated(
                    "link_invalid",
                    f"Ссылка на материал «{material.title}» должна начинаться с https://",
                    field=f"materials[{index}].url",
                )
        if kind == SchoolEventKind.PUBLICITY and not any(m.url for m in materials):
            raise RuleViolated(
                "publication_link_missing",
                "Укажите ссылку на публикацию об итогах",
                field="materials",
            )

    @event("Recorded")
    def __init__(
        self,
        id: UUID,
        tenant: str,
        actor: Actor,
        school_id: UUID,
        kind: SchoolEventKind,
        held_on: date,
        title: str,
        pair_ids: list[UUID],
        classes: list[str],
        person_ids: list[UUID],
        materials: list[dict[str, str]],
    ) -> None:
        self.tenant = tenant
        self.school_id = school_id
