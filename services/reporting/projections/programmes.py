"""Schools' programmes: school year, title, forms of mentoring (no personal data)."""

from __future__ import annotations

import asyncpg

from .base import Envelope, Handler, Projection, Table, Visibility


class Programmes(Projection):
    name = "programmes"
    tables = (
        Table(
            "programmes",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               school_year text NOT NULL,
               title text NOT NULL,
               forms text[] NOT NULL,
               opened_at timestamptz NOT NULL,
               stage int NOT NULL DEFAULT 1,
               stage_changed_at timestamptz,
               meeting_every_days int NOT NULL""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> dict[str, Handler]:
        return {
            "Programme.Opened": self.opened,
            "Programme.StageChanged": self.stage_changed,
            "Programme.MeetingRuleSet": self.meeting_rule_set,
        }

    async def meeting_rule_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE programmes SET meeting_every_days = $2 WHERE id = $1",
            envelope.event.originator_id,
            envelope.event.every_days,
        )

    async def stage_changed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE programmes SET stage = $2, stage_changed_at = $3 WHERE id = $1",
            envelope.event.originator_id,
            int(envelope.event.stage),
            envelope.occurred_at,
        )

    async def opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO programmes (id, tenant, school_id, school_year, title, forms, opened_at,"
            " meeting_every_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            event.originator_id,
            event.tenant,
            event.school_id,
            event.school_year,
            event.title,
            [str(f) for f in event.forms],
            envelope.occurred_at,
            event.meeting_every_days,
        )
