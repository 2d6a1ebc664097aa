"""What a school runs beside its pairs: its own stage scheme and its own events. An event's
title, attendance and materials stay the school's; above it, the events are counted per kind and
school year (a counter per school, as the region reads sums)."""

from __future__ import annotations

import json

import asyncpg

from services.programs.events import (
    SchoolEventRecorded,
    StageSchemeRewritten,
    StageSchemeWritten,
)
from shared.dictionaries import school_year_of

from .base import Envelope, Handlers, Projection, Table, Visibility


class SchoolLife(Projection):
    name = "school_life"
    tables = (
        Table(
            "stage_schemes",
            """id uuid PRIMARY KEY,
               school_id uuid NOT NULL UNIQUE,
               tenant ltree NOT NULL,
               stages jsonb NOT NULL""",  # [{name, stages: numbers of the seven}] as written
            Visibility.SUBTREE,
        ),
        Table(
            "school_events",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               kind text NOT NULL,
               held_on date NOT NULL,
               school_year text NOT NULL,
               title text NOT NULL,
               pair_ids uuid[] NOT NULL,
               classes text[] NOT NULL,
               person_ids uuid[] NOT NULL,
               materials jsonb NOT NULL""",
            Visibility.SCHOOL,
            indexes=("CREATE INDEX IF NOT EXISTS school_events_day ON school_events (held_on)",),
        ),
        Table(
            "school_event_counts",
            """school_id uuid NOT NULL,
               tenant ltree NOT NULL,
               school_year text NOT NULL,
               kind text NOT NULL,
               events int NOT NULL,
               PRIMARY KEY (school_id, school_year, kind)""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> Handlers:
        return {
            StageSchemeWritten: self.scheme_written,
            StageSchemeRewritten: self.scheme_rewritten,
            SchoolEventRecorded: self.event_recorded,
        }

    async def scheme_written(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO stage_schemes (id, school_id, tenant, stages) VALUES ($1, $2, $3, $4)",
            event.originator_id,
            event.school_id,
            event.tenant,
            json.dumps(event.stages),
        )

    async def scheme_rewritten(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE stage_schemes SET stages = $2 WHERE id = $1",
            event.originator_id,
            json.dumps(event.stages),
        )

    async def event_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        year = school_year_of(event.held_on)
        await connection.execute(
            "INSERT INTO school_events (id, tenant, school_id, kind, held_on, school_year, title,"
            " pair_ids, classes, person_ids, materials)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            event.originator_id,
            event.tenant,
            event.school_id,
            event.kind,
            event.held_on,
            year,
            event.title,
            event.pair_ids,
            event.classes,
            event.person_ids,
            json.dumps(event.materials),
        )
        await connection.execute(
            "INSERT INTO school_event_counts (school_id, tenant, school_year, kind, events)"
            " VALUES ($1, $2, $3, $4, 1) ON CONFLICT (school_id, school_year, kind)"
            " DO UPDATE SET events = school_event_counts.events + 1",
            event.school_id,
            event.tenant,
            year,
            event.kind,
        )
