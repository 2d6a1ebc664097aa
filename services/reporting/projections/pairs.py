"""A school's pairs and their meetings with both sides' feedback."""

from __future__ import annotations

import asyncpg

from shared.personal_data import ERASED, Sealed

from .base import Envelope, Handler, Projection, Table, Visibility


class Pairs(Projection):
    name = "pairs"
    tables = (
        Table(
            "pairs",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               programme_id uuid NOT NULL,
               form text NOT NULL,
               mentor_id uuid NOT NULL,
               mentee_id uuid NOT NULL,
               status text NOT NULL,
               formed_at timestamptz NOT NULL,
               order_id uuid,
               order_number text,
               order_date date""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS pairs_programme ON pairs (programme_id)",),
        ),
        Table(
            "meetings",
            """id uuid PRIMARY KEY,
               pair_id uuid NOT NULL,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               held_on date NOT NULL,
               duration_minutes int NOT NULL,
               meeting_format text NOT NULL,
               topic text NOT NULL,
               mentor_rating int,
               mentor_comment text,
               mentee_rating int,
               mentee_comment text""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS meetings_pair ON meetings (pair_id, held_on)",),
        ),
        Table(
            "plans",
            """pair_id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               starts_on date NOT NULL,
               ends_on date NOT NULL,
               goals text[] NOT NULL,
               drawn_up_at timestamptz NOT NULL""",
            Visibility.SCHOOL,
        ),
        Table(
            "plan_tasks",
            """id uuid PRIMARY KEY,
               pair_id uuid NOT NULL,
               tenant ltree NOT NULL,
               title text NOT NULL,
               due_on date NOT NULL,
               completed_on date""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS plan_tasks_pair ON plan_tasks (pair_id, due_on)",),
        ),
        Table(
            "pair_orders",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               programme_id uuid NOT NULL,
               number text NOT NULL,
               order_date date NOT NULL,
               pair_ids uuid[] NOT NULL,
               issued_at timestamptz NOT NULL""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> dict[str, Handler]:
        return {
            "Pair.Formed": self.formed,
            "Pair.MeetingRecorded": self.meeting_recorded,
            "Pair.Approved": self.approved,
            "PairsOrder.Issued": self.order_issued,
            "Pair.PlanDrawnUp": self.plan_drawn_up,
            "Pair.PlanTaskCompleted": self.task_completed,
            "Person.Erased": self.person_erased,
        }

    async def person_erased(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """The erased person's own feedback reads «данные удалены»; the other side's stays."""
        for side in ("mentor", "mentee"):
            await connection.execute(
                f"UPDATE meetings SET {side}_comment = $2 WHERE {side}_comment IS NOT NULL"
                f" AND pair_id IN (SELECT id FROM pairs WHERE {side}_id = $1)",
                envelope.event.originator_id,
                ERASED,
            )

    async def formed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO pairs (id, tenant, programme_id, form, mentor_id, mentee_id, status,"
            " formed_at) VALUES ($1, $2, $3, $4, $5, $6, 'proposed', $7)",
            event.originator_id,
            event.tenant,
            event.programme_id,
            str(event.form),
            event.mentor_id,
            event.mentee_id,
            envelope.occurred_at,
        )

    async def approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE pairs SET status = 'active', order_id = $2, order_number = $3,"
            " order_date = $4 WHERE id = $1",
            event.originator_id,
            event.order_id,
            event.number,
            event.order_date,
        )

    async def plan_drawn_up(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A new plan replaces the pair's previous one (history keeps both)."""
        event = envelope.event
        await connection.execute("DELETE FROM plan_tasks WHERE pair_id = $1", event.originator_id)
        await connection.execute(
            "INSERT INTO plans (pair_id, tenant, starts_on, ends_on, goals, drawn_up_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pair_id) DO UPDATE SET"
            " starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,"
            " goals = EXCLUDED.goals, drawn_up_at = EXCLUDED.drawn_up_at",
            event.originator_id,
            event.tenant,
            event.starts_on,
            event.ends_on,
            list(event.goals),
            envelope.occurred_at,
        )
        await connection.executemany(
            "INSERT INTO plan_tasks (id, pair_id, tenant, title, due_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            [
                (t["id"], event.originator_id, event.tenant, t["title"], t["due_on"])
                for t in event.tasks
            ],
        )

    async def task_completed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE plan_tasks SET completed_on = $2 WHERE id = $1",
            envelope.event.task_id,
            envelope.event.completed_on,
        )

    async def order_issued(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO pair_orders (id, tenant, programme_id, number, order_date, pair_ids,"
            " issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            event.originator_id,
            event.tenant,
            event.programme_id,
            event.number,
            event.order_date,
            list(event.pair_ids),
            envelope.occurred_at,
        )

    async def _comment(self, connection: asyncpg.Connection, sealed: Sealed | None) -> str | None:
        if sealed is None:
            return None
        fields = await self.keyring.unseal(connection, sealed)
        return ERASED if fields is None else str(fields["comment"])

    async def meeting_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO meetings (id, pair_id, tenant, kind, held_on, duration_minutes,"
            " meeting_format, topic, mentor_rating, mentor_comment, mentee_rating, mentee_comment)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            event.meeting_id,
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.held_on,
            event.duration_minutes,
            str(event.meeting_format),
            event.topic,
            event.mentor_rating,
            await self._comment(connection, event.mentor_comment),
            event.mentee_rating,
            await self._comment(connection, event.mentee_comment),
        )
