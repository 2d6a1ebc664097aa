"""The organisation tree: names and kinds of every node (no personal data)."""

from __future__ import annotations

import asyncpg

from .base import Envelope, Handler, Projection, Table, Visibility


class Organisations(Projection):
    name = "organisations"
    tables = (
        Table(
            "organisations",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               name text NOT NULL,
               parent_id uuid,
               registered_at timestamptz NOT NULL""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> dict[str, Handler]:
        return {"Organisation.Registered": self.registered}

    async def registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO organisations (id, tenant, kind, name, parent_id, registered_at) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.name,
            event.parent_id,
            envelope.occurred_at,
        )
