"""What the indicators are measured against: the region's targets per school year and its
deadlines for introducing each frame (published to everyone in the region), schools'
contingents and monitoring windows, and the self-audit checklist as the list of every answer and
review (history kept; the current state is the latest entry of each kind per item). No personal
data."""

from __future__ import annotations

import asyncpg

from services.registry.events import (
    FrameDeadlinesDeadlineSet,
    IndicatorTargetsOpened,
    IndicatorTargetsTargetsSet,
    SchoolContingentOpened,
    SchoolContingentRecorded,
    SelfAuditItemAnswered,
    SelfAuditItemReviewed,
    SelfAuditOpened,
    SelfAuditPageGiven,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


class Monitoring(Projection):
    name = "monitoring"
    tables = (
        Table(
            "monitoring_yearly",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               owner_id uuid NOT NULL,
               school_year text NOT NULL""",
            Visibility.PRIVATE,
        ),
        Table(
            "indicator_targets",
            """region_id uuid NOT NULL,
               tenant ltree NOT NULL,
               school_year text NOT NULL,
               code text NOT NULL,
               target double precision NOT NULL,
               set_at timestamptz NOT NULL,
               PRIMARY KEY (region_id, school_year, code)""",
            Visibility.PUBLISHED,
        ),
        Table(
            "frame_deadlines",  # the day by which a region wants each frame introduced
            """region_id uuid NOT NULL,
               tenant ltree NOT NULL,
               frame text NOT NULL,
               deadline date NOT NULL,
               set_at timestamptz NOT NULL,
               PRIMARY KEY (region_id, frame)""",
            Visibility.PUBLISHED,
        ),
        Table(
            "school_contingents",
            """school_id uuid NOT NULL,
               tenant ltree NOT NULL,
               school_year text NOT NULL,
               students int NOT NULL,
               students_10_18 int NOT NULL,
               students_15_19 int NOT NULL,
               teachers int NOT NULL,
               young_teachers int NOT NULL,
               monitoring_from date NOT NULL,
               monitoring_to date NOT NULL,
               recorded_at timestamptz NOT NULL,
               PRIMARY KEY (school_id, school_year)""",
            Visibility.SUBTREE,
        ),
        Table(
            "self_audit_entries",
            """position bigint PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               school_year text NOT NULL,
               action text NOT NULL,
               item int,
               achieved boolean,
               text text,
               actor_user text NOT NULL,
               actor_role text NOT NULL,
               at timestamptz NOT NULL""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS self_audit_entries_school"
                " ON self_audit_entries (school_id, school_year, item, position)",
            ),
        ),
    )

    def handlers(self) -> Handlers:
        return {
            IndicatorTargetsOpened: self.opened,
            SchoolContingentOpened: self.opened,
            SelfAuditOpened: self.opened,
            IndicatorTargetsTargetsSet: self.targets_set,
            FrameDeadlinesDeadlineSet: self.frame_deadline_set,
            SchoolContingentRecorded: self.contingent_recorded,
            SelfAuditPageGiven: self.page_given,
            SelfAuditItemAnswered: self.item_answered,
            SelfAuditItemReviewed: self.item_reviewed,
        }

    async def opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A yearly aggregate opened: remember whose and which year it is."""
        event = envelope.event
        owner = getattr(event, "region_id", None) or event.school_id
        await connection.execute(
            "INSERT INTO monitoring_yearly (id, tenant, owner_id, school_year)"
            " VALUES ($1, $2, $3, $4)",
            event.originator_id,
            event.tenant,
            owner,
            event.school_year,
        )

    async def targets_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        region_id, school_year = await self._owner(connection, envelope)
        await connection.executemany(
            "INSERT INTO indicator_targets (region_id, tenant, school_year, code, target, set_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_id, school_year, code)"
            " DO UPDATE SET target = EXCLUDED.target, set_at = EXCLUDED.set_at",
            [
                (region_id, event.tenant, school_year, code, float(value), envelope.occurred_at)
                for code, value in event.targets.items()
            ],
        )

    async def frame_deadline_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO frame_deadlines (region_id, tenant, frame, deadline, set_at)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (region_id, frame)"
            " DO UPDATE SET deadline = EXCLUDED.deadline, set_at = EXCLUDED.set_at",
            event.region_id,
            event.tenant,
            event.frame,
            event.deadline,
            envelope.occurred_at,
        )

    async def contingent_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        school_id, school_year = await self._owner(connection, envelope)
        await connection.execute(
            "INSERT INTO school_contingents (school_id, tenant, school_year, students,"
            " students_10_18, students_15_19, teachers, young_teachers, monitoring_from,"
            " monitoring_to, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            " ON CONFLICT (school_id, school_year) DO UPDATE SET tenant = EXCLUDED.tenant,"
            " students = EXCLUDED.students, students_10_18 = EXCLUDED.students_10_18,"
            " students_15_19 = EXCLUDED.students_15_19, teachers = EXCLUDED.teachers,"
            " young_teachers = EXCLUDED.young_teachers,"
            " monitoring_from = EXCLUDED.monitoring_from, monitoring_to = EXCLUDED.monitoring_to,"
            " recorded_at = EXCLUDED.recorded_at",
            school_id,
            event.tenant,
            school_year,
            event.students,
            event.students_10_18,
            event.students_15_19,
            event.teachers,
            event.young_teachers,
            event.monitoring_from,
            event.monitoring_to,
            envelope.occurred_at,
        )

    async def page_given(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self._entry(connection, envelope, "page", None, None, envelope.event.url)

    async def item_answered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self._entry(
            connection, envelope, "answer", event.item, event.achieved, event.evidence
        )

    async def item_reviewed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self._entry(
            connection, envelope, "review", event.item, event.achieved, event.recommendation
        )

    async def _entry(
        self,
        connection: asyncpg.Connection,
        envelope: Envelope,
        action: str,
        item: int | None,
        achieved: bool | None,
        text: str | None,
    ) -> None:
        event = envelope.event
        school_id, school_year = await self._owner(connection, envelope)
        await connection.execute(
            "INSERT INTO self_audit_entries (position, tenant, school_id, school_year, action,"
            " item, achieved, text, actor_user, actor_role, at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            envelope.position,
            event.tenant,
            school_id,
            school_year,
            action,
            item,
            achieved,
            text,
            event.actor.user,
            event.actor.role,
            envelope.occurred_at,
        )

    async def _owner(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> tuple[object, str]:
        """The organisation and school year of a yearly aggregate."""
        row = await connection.fetchrow(
            "SELECT owner_id, school_year FROM monitoring_yearly WHERE id = $1",
            envelope.event.originator_id,
        )
        assert row is not None, "a yearly aggregate's events follow its opening"
        return row["owner_id"], row["school_year"]
