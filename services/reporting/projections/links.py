"""Personal links per person: who has one, who issued and revoked it, who has used it."""

from __future__ import annotations

import asyncpg

from services.registry.events import (
    PersonPersonalLinkIssued,
    PersonPersonalLinkOpened,
    PersonPersonalLinkRevoked,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


class PersonalLinks(Projection):
    name = "personal_links"
    tables = (
        Table(
            "personal_links",
            """id uuid PRIMARY KEY,
               person_id uuid NOT NULL,
               tenant ltree NOT NULL,
               role text NOT NULL,
               school_year text NOT NULL,
               expires_on date NOT NULL,
               issued_at timestamptz NOT NULL,
               issued_by text NOT NULL,
               revoked_on date,
               revoked_by text,
               first_opened_on date,
               last_opened_on date,
               openings int NOT NULL DEFAULT 0""",
            Visibility.SCHOOL,
            lookups=(
                "CREATE INDEX IF NOT EXISTS personal_links_person ON personal_links (person_id)",
            ),
            participant="person_id = {person}",
        ),
    )

    def handlers(self) -> Handlers:
        return {
            PersonPersonalLinkIssued: self.issued,
            PersonPersonalLinkRevoked: self.revoked,
            PersonPersonalLinkOpened: self.opened,
        }

    async def issued(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO personal_links (id, person_id, tenant, role, school_year, expires_on,"
            " issued_at, issued_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            event.link_id,
            event.originator_id,
            event.tenant,
            event.role,
            event.school_year,
            event.expires_on,
            envelope.occurred_at,
            event.actor.role,
        )

    async def revoked(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE personal_links SET revoked_on = $2, revoked_by = $3 WHERE id = $1",
            event.link_id,
            event.revoked_on,
            event.actor.role,
        )

    async def opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE personal_links SET openings = openings + 1, last_opened_on = $2,"
            " first_opened_on = coalesce(first_opened_on, $2) WHERE id = $1",
            event.link_id,
            event.opened_on,
        )
