"""A school's own stage scheme (in its words, mapped onto the seven) and its own events: listed
for the school, counted per kind for the school and above."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import asyncpg
import strawberry

from services.programs.labels import SCHOOL_EVENT_KIND_NAMES, STAGE_NAMES

from .arguments import OptionalSchoolYear, OrganisationId, SchoolId
from .context import ReaderInfo, reader_of, uuid_of
from .pagination import After, Connection, First, paginate


@strawberry.type(description="A stage as the school names it (этап в словах школы).")
class SchoolStage:
    name: str = strawberry.field(description="The stage's name as the school writes it.")
    stages: list[int] = strawberry.field(
        description="The numbers (1–7) of the target model's stages it covers; none: a stage "
        "outside the seven (e.g. information support)."
    )
    stage_names: list[str] = strawberry.field(
        description="The covered stages of the seven, in the target model's words."
    )


@strawberry.type(description="A school's own scheme of stages (схема этапов школы).")
class StageScheme:
    school_id: strawberry.ID = strawberry.field(description="The school's id.")
    stages: list[SchoolStage] = strawberry.field(description="Its stages, in its order.")


async def stage_scheme(info: ReaderInfo, school_id: SchoolId) -> StageScheme | None:
    """Этапы реализации в словах школы и этапы целевой модели, которым они соответствуют."""
    rows = await reader_of(info).fetch(
        "SELECT stages FROM stage_schemes WHERE school_id = $1", uuid_of(school_id)
    )
    if not rows:
        return None
    return StageScheme(
        school_id=school_id,
        stages=[
            SchoolStage(
                name=stage["name"],
                stages=stage["stages"],
                stage_names=[STAGE_NAMES[n] for n in stage["stages"]],
            )
            for stage in json.loads(rows[0]["stages"])
        ],
    )


@strawberry.type(description="A material of a school event (материал мероприятия).")
class EventMaterial:
    title: str = strawberry.field(description="The material's title.")
    url: str | None = strawberry.field(description="Its link, where it is published.")


@strawberry.type(description="An event of the school, not of one pair (мероприятие школы).")
class SchoolEvent:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    school_id: strawberry.ID = strawberry.field(description="The school's id.")
    kind: str = strawberry.field(description="Its kind's code (group_meeting, round_table …).")
    kind_name: str = strawberry.field(description="Its kind in Russian (вид мероприятия).")
    held_on: date = strawberry.field(description="The day it was held.")
    school_year: str = strawberry.field(description="The school year it was held in.")
    title: str = strawberry.field(description="Its title as the school writes it.")
    pair_ids: list[strawberry.ID] = strawberry.field(
        description="The pairs and groups present (ids; the names stay in the school)."
    )
    classes: list[str] = strawberry.field(description="Whole classes present, by name («7А»).")
    person_ids: list[strawberry.ID] = strawberry.field(description="People present (ids).")
    materials: list[EventMaterial] = strawberry.field(description="Its materials and links.")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> SchoolEvent:
        return cls(
            id=strawberry.ID(str(row["id"])),
            school_id=strawberry.ID(str(row["school_id"])),
            kind=row["kind"],
            kind_name=SCHOOL_EVENT_KIND_NAMES[row["kind"]],
            held_on=row["held_on"],
            school_year=row["school_year"],
            title=row["title"],
            pair_ids=[strawberry.ID(str(i)) for i in row["pair_ids"]],
            classes=list(row["classes"]),
            person_ids=[strawberry.ID(str(i)) for i in row["person_ids"]],
            materials=[
                EventMaterial(title=m["title"], url=m["url"] or None)
                for m in json.loads(row["materials"])
            ],
        )


async def school_events(
    info: ReaderInfo,
    school_id: SchoolId,
    school_year: OptionalSchoolYear = None,
    first: First = 50,
    after: After = None,
) -> Connection[SchoolEvent]:
    """Мероприятия школы (групповые встречи, конференции, круглые столы …), новые первыми;
    видны только самой школе."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM school_events WHERE school_id = $1"
        " AND ($2::text IS NULL OR school_year = $2) ORDER BY held_on DESC, id",
        uuid_of(school_id),
        school_year,
    )
    return paginate([(r["id"], SchoolEvent.from_row(r)) for r in rows], first, after)


@strawberry.type(description="School events of one kind counted (мероприятия школ по видам).")
class SchoolEventCount:
    kind: str = strawberry.field(description="The kind's code.")
    kind_name: str = strawberry.field(description="The kind in Russian.")
    events: int = strawberry.field(description="How many events of this kind were held.")
    schools: int = strawberry.field(description="How many schools held at least one.")


async def school_event_counts(
    info: ReaderInfo,
    school_year: OptionalSchoolYear = None,
    organisation_id: OrganisationId = None,
) -> list[SchoolEventCount]:
    """Мероприятия школ вашей области (или организации) по видам: сколько проведено и сколькими
    школами."""
    rows: list[Any] = await reader_of(info).fetch(
        "SELECT kind, sum(events) AS events, count(DISTINCT school_id) AS schools"
        " FROM school_event_counts WHERE ($1::text IS NULL OR school_year = $1)"
        " AND ($2::uuid IS NULL OR tenant <@ (SELECT tenant FROM organisations WHERE id = $2))"
        " GROUP BY kind",
        school_year,
        None if organisation_id is None else uuid_of(organisation_id),
    )
    found = {r["kind"]: r for r in rows}
    return [
        SchoolEventCount(
            kind=kind,
            kind_name=name,
            events=found[kind]["events"] if kind in found else 0,
            schools=found[kind]["schools"] if kind in found else 0,
        )
        for kind, name in SCHOOL_EVENT_KIND_NAMES.items()
    ]
