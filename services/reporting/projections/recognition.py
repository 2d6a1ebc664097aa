"""Best-practice cases proposed by schools and published by the institute, and nominations with
their results (mentors by pseudonymous id: the names stay in the school's own views)."""

from __future__ import annotations

import asyncpg

from services.programs.events import (
    CandidacyDecided,
    CandidacyNominated,
    PracticeCaseProposed,
    PracticeCasePublished,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


class Recognition(Projection):
    name = "recognition"
    tables = (
        Table(
            "practice_cases",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               programme_id uuid NOT NULL,
               form text NOT NULL,
               title text NOT NULL,
               summary text NOT NULL,
               results text NOT NULL,
               proposed_at timestamptz NOT NULL,
               published_on date""",
            Visibility.SUBTREE,
        ),
        Table(
            "candidacies",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               nomination text NOT NULL,
               school_year text NOT NULL,
               mentor_id uuid NOT NULL,
               pair_id uuid,
               nominated_at timestamptz NOT NULL,
               result text,
               decided_on date,
               decided_at_level text""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> Handlers:
        return {
            PracticeCaseProposed: self.case_proposed,
            PracticeCasePublished: self.case_published,
            CandidacyNominated: self.nominated,
            CandidacyDecided: self.decided,
        }

    async def case_proposed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO practice_cases (id, tenant, school_id, programme_id, form, title,"
            " summary, results, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            event.originator_id,
            event.tenant,
            event.school_id,
            event.programme_id,
            str(event.form),
            event.title,
            event.summary,
            event.results,
            envelope.occurred_at,
        )

    async def case_published(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE practice_cases SET published_on = $2 WHERE id = $1",
            envelope.event.originator_id,
            envelope.event.published_on,
        )

    async def nominated(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO candidacies (id, tenant, school_id, nomination, school_year, mentor_id,"
            " pair_id, nominated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            event.originator_id,
            event.tenant,
            event.school_id,
            str(event.nomination),
            event.school_year,
            event.mentor_id,
            event.pair_id,
            envelope.occurred_at,
        )

    async def decided(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE candidacies SET result = $2, decided_on = $3, decided_at_level = $4"
            " WHERE id = $1",
            event.originator_id,
            str(event.result),
            event.decided_on,
            event.level,
        )
