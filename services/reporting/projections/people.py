"""A school's bases of mentors and mentees with their consents, names decrypted for the school."""

from __future__ import annotations

from typing import Any

import asyncpg

from shared.personal_data import ERASED, Sealed

from .base import Envelope, Handler, Projection, Table, Visibility


class People(Projection):
    name = "people"
    tables = (
        Table(
            "people",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               kind text NOT NULL,
               full_name text NOT NULL,
               birth_year int,
               grade text,
               is_mentor boolean NOT NULL,
               is_mentee boolean NOT NULL,
               mentor_capacity int NOT NULL,
               registered_at timestamptz NOT NULL""",
            Visibility.SCHOOL,
        ),
        Table(
            "consents",
            """id uuid PRIMARY KEY,
               person_id uuid NOT NULL,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               signed_on date NOT NULL,
               expires_on date,
               signed_by text NOT NULL,
               relation text,
               withdrawn_on date""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS consents_person ON consents (person_id)",),
        ),
    )

    def handlers(self) -> dict[str, Handler]:
        return {
            "Person.Registered": self.registered,
            "Person.ConsentSigned": self.consent_signed,
            "Person.ConsentWithdrawn": self.consent_withdrawn,
        }

    async def _field(self, connection: asyncpg.Connection, sealed: Sealed, field: str) -> Any:
        fields = await self.keyring.unseal(connection, sealed)
        return ERASED if fields is None else fields.get(field)

    async def registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        roles = set(event.roles)
        await connection.execute(
            "INSERT INTO people (id, tenant, school_id, kind, full_name, birth_year, grade,"
            " is_mentor, is_mentee, mentor_capacity, registered_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            event.originator_id,
            event.tenant,
            event.school_id,
            str(event.kind),
            await self._field(connection, event.personal, "full_name"),
            event.birth_year,
            event.grade,
            "mentor" in roles,
            "mentee" in roles,
            event.mentor_capacity,
            envelope.occurred_at,
        )

    async def consent_signed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        signed_by = "сам(а)"
        if event.representative is not None:
            signed_by = await self._field(connection, event.representative, "full_name")
        await connection.execute(
            "INSERT INTO consents (id, person_id, tenant, kind, signed_on, expires_on,"
            " signed_by, relation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            event.consent_id,
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.signed_on,
            event.expires_on,
            signed_by,
            event.relation,
        )

    async def consent_withdrawn(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE consents SET withdrawn_on = $2 WHERE id = $1",
            event.consent_id,
            event.withdrawn_on,
        )
