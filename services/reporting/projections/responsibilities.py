"""What each school made its staff responsible for (issue 20, point 7): every grant with who gave
it and when, and its revocation. Read by the school itself: the grants name its staff."""

from __future__ import annotations

import json

import asyncpg

from services.programs.events import ResponsibilitiesGranted, ResponsibilitiesRevoked

from .base import Envelope, Handlers, Projection, Table, Visibility


class Responsibilities(Projection):
    name = "responsibilities"
    tables = (
        Table(
            "responsibility_grants",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_id uuid NOT NULL,
               person_id uuid NOT NULL,
               parts jsonb NOT NULL,
               act_id uuid,
               granted_on date NOT NULL,
               granted_at timestamptz NOT NULL,
               granted_by_user text NOT NULL,
               granted_by_role text NOT NULL,
               revoked_on date,
               revoked_at timestamptz,
               revoked_by_user text,
               revoked_by_role text""",
            Visibility.SCHOOL,
        ),
    )

    def handlers(self) -> Handlers:
        return {ResponsibilitiesGranted: self.granted, ResponsibilitiesRevoked: self.revoked}

    async def granted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO responsibility_grants (id, tenant, school_id, person_id, parts, act_id,"
            " granted_on, granted_at, granted_by_user, granted_by_role)"
            " VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)",
            event.grant_id,
            event.tenant,
            event.school_id,
            event.person_id,
            json.dumps(event.parts, ensure_ascii=False),
            event.act_id,
            event.granted_on,
            envelope.occurred_at,
            event.actor.user,
            event.actor.role,
        )

    async def revoked(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE responsibility_grants SET revoked_on = $2, revoked_at = $3,"
            " revoked_by_user = $4, revoked_by_role = $5 WHERE id = $1",
            event.grant_id,
            event.revoked_on,
            envelope.occurred_at,
            event.actor.user,
            event.actor.role,
        )
