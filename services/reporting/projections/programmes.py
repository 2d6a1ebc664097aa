"""Schools' programmes: school year, title, frame, forms, stage, description (no personal data), and
the suggestions of matching that curators rejected (the reason, sealed with the mentee's key, is
decrypted here for the school's own view and goes with the mentee's erasure)."""

from __future__ import annotations

import json

import asyncpg

from services.programs.events import (
    ProgrammeDescribed,
    ProgrammeMeetingRuleSet,
    ProgrammeOpened,
    ProgrammeStageChanged,
    ProgrammeSuggestionRejected,
)
from services.registry.events import PersonErased
from shared.adapters.personal_data import ERASED

from .base import Envelope, Handlers, Projection, Table, Visibility


class Programmes(Projection):
    name = "programmes"
    # 2: a stage's effective date beside when it was recorded; the stages reached. 3: the frame
    version = 3
    tables = (
        Table(
            "programmes",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               school_year text NOT NULL,
               title text NOT NULL,
               frame text NOT NULL,
               forms text[] NOT NULL,
               opened_at timestamptz NOT NULL,
               stage int NOT NULL DEFAULT 1,
               stage_changed_at timestamptz,
               stage_since date,
               meeting_every_days int NOT NULL,
               starts_on date,
               ends_on date,
               goals text[] NOT NULL DEFAULT '{}',
               curators jsonb NOT NULL DEFAULT '{}'""",
            Visibility.SUBTREE,
        ),
        Table(
            # each stage a programme reached, from the day its documents give: the stage on
            # any reference date (a school entering its past moves through stages in a day)
            "programme_stages",
            """programme_id uuid NOT NULL,
               tenant ltree NOT NULL,
               stage int NOT NULL,
               since date NOT NULL,
               recorded_at timestamptz NOT NULL,
               PRIMARY KEY (programme_id, stage)""",
            Visibility.SUBTREE,
        ),
        Table(
            "rejected_suggestions",
            """programme_id uuid NOT NULL,
               mentee_id uuid NOT NULL,
               mentor_id uuid NOT NULL,
               tenant ltree NOT NULL,
               reason text,
               rejected_at timestamptz NOT NULL,
               PRIMARY KEY (programme_id, mentee_id, mentor_id)""",
            Visibility.SCHOOL,
        ),
    )

    def handlers(self) -> Handlers:
        return {
            ProgrammeOpened: self.opened,
            ProgrammeStageChanged: self.stage_changed,
            ProgrammeMeetingRuleSet: self.meeting_rule_set,
            ProgrammeDescribed: self.described,
            ProgrammeSuggestionRejected: self.suggestion_rejected,
            PersonErased: self.person_erased,
        }

    async def person_erased(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE rejected_suggestions SET reason = $2"
            " WHERE mentee_id = $1 AND reason IS NOT NULL",
            envelope.event.originator_id,
            ERASED,
        )

    async def described(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE programmes SET starts_on = $2, ends_on = $3, goals = $4, curators = $5"
            " WHERE id = $1",
            event.originator_id,
            event.starts_on,
            event.ends_on,
            list(event.goals),
            json.dumps({form: str(person) for form, person in event.curators.items()}),
        )

    async def suggestion_rejected(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO rejected_suggestions (programme_id, mentee_id, mentor_id, tenant, reason,"
            " rejected_at) VALUES ($1, $2, $3, $4, $5, $6)",
            event.originator_id,
            event.mentee_id,
            event.mentor_id,
            event.tenant,
            await self.unsealed_text(connection, event.reason, "reason"),
            envelope.occurred_at,
        )

    async def meeting_rule_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE programmes SET meeting_every_days = $2 WHERE id = $1",
            envelope.event.originator_id,
            envelope.event.every_days,
        )

    async def stage_changed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE programmes SET stage = $2, stage_changed_at = $3, stage_since = $4"
            " WHERE id = $1",
            event.originator_id,
            int(event.stage),
            envelope.occurred_at,
            event.effective_on,
        )
        await connection.execute(
            "INSERT INTO programme_stages (programme_id, tenant, stage, since, recorded_at)"
            " VALUES ($1, $2, $3, $4, $5)",
            event.originator_id,
            event.tenant,
            int(event.stage),
            event.effective_on,
            envelope.occurred_at,
        )

    async def opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO programmes (id, tenant, school_id, school_year, title, forms, opened_at,"
            " meeting_every_days, frame) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            event.originator_id,
            event.tenant,
            event.school_id,
            event.school_year,
            event.title,
            [str(f) for f in event.forms],
            envelope.occurred_at,
            event.meeting_every_days,
            event.frame,
        )
