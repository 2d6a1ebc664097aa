"""The unified regional base of mentors that the institute keeps by name: training courses,
who completed them, and mentors approved by their school's order.

Only adult mentors approved by an order or trained by a course enter the register; the names of
everyone else stay in a private working table that no GraphQL caller can read.
"""

from __future__ import annotations

import asyncpg

from services.registry.events import (
    MentorRegisterApproved,
    PersonErased,
    PersonRegistered,
    TrainingCourseAnnounced,
    TrainingCourseCompleted,
)
from shared.adapters.personal_data import ERASED

from .base import Envelope, Handlers, Projection, Rows, Table, Visibility


class MentorsRegister(Projection):
    name = "mentors_register"
    tables = (
        Table(
            "training_courses",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               name text NOT NULL,
               hours int NOT NULL,
               provider text NOT NULL,
               starts_on date NOT NULL,
               ends_on date NOT NULL""",
            Visibility.SUBTREE,
        ),
        Table(
            "course_completions",
            """course_id uuid NOT NULL,
               person_id uuid NOT NULL,
               tenant ltree NOT NULL,
               completed_on date NOT NULL,
               certificate text NOT NULL,
               PRIMARY KEY (course_id, person_id)""",
            Visibility.SUBTREE,
        ),
        Table(
            "register_candidates",
            """person_id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               full_name text NOT NULL,
               kind text NOT NULL,
               position text""",
            Visibility.PRIVATE,
        ),
        Table(
            "regional_mentors",
            """person_id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               full_name text NOT NULL,
               kind text NOT NULL,
               position text,
               order_number text,
               order_date date,
               school_year text""",
            Visibility.SUBTREE,
        ),
    )

    deferring = frozenset({PersonRegistered})
    candidates = Rows(
        "register_candidates",
        ("person_id", "tenant", "school_id", "full_name", "kind", "position"),
    )

    def handlers(self) -> Handlers:
        return {
            PersonRegistered: self.person_registered,
            MentorRegisterApproved: self.register_approved,
            TrainingCourseAnnounced: self.course_announced,
            TrainingCourseCompleted: self.course_completed,
            PersonErased: self.person_erased,
        }

    async def person_erased(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        for table in ("register_candidates", "regional_mentors"):
            await connection.execute(
                f"UPDATE {table} SET full_name = $2 WHERE person_id = $1",
                envelope.event.originator_id,
                ERASED,
            )

    async def person_registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        if "mentor" not in set(event.roles) or str(event.kind) == "student":
            return  # students' names never leave their school
        fields = await self.keyring.unseal(connection, event.personal)
        self.defer(
            self.candidates,
            event.originator_id,
            event.tenant,
            event.school_id,
            ERASED if fields is None else fields["full_name"],
            str(event.kind),
            event.position,
        )

    async def _enter(self, connection: asyncpg.Connection, person_ids: list[object]) -> None:
        await connection.execute(
            "INSERT INTO regional_mentors (person_id, tenant, school_id, full_name, kind, position)"
            " SELECT person_id, tenant, school_id, full_name, kind, position"
            " FROM register_candidates WHERE person_id = ANY($1::uuid[])"
            " ON CONFLICT (person_id) DO NOTHING",
            person_ids,
        )

    async def register_approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self._enter(connection, list(event.mentor_ids))
        await connection.execute(
            "UPDATE regional_mentors SET order_number = $2, order_date = $3, school_year = $4"
            " WHERE person_id = ANY($1::uuid[])",
            list(event.mentor_ids),
            event.order_number,
            event.order_date,
            event.school_year,
        )

    async def course_announced(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO training_courses (id, tenant, name, hours, provider, starts_on, ends_on)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            event.originator_id,
            event.tenant,
            event.name,
            event.hours,
            event.provider,
            event.starts_on,
            event.ends_on,
        )

    async def course_completed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO course_completions (course_id, person_id, tenant, completed_on,"
            " certificate) VALUES ($1, $2, $3, $4, $5)",
            event.originator_id,
            event.person_id,
            event.school_tenant,
            event.completed_on,
            event.certificate,
        )
        await self._enter(connection, [event.person_id])
