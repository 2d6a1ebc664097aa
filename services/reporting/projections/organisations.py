"""The organisation tree with every former name, and partners' agreements (no personal data)."""

from __future__ import annotations

import asyncpg

from services.registry.events import (
    OrganisationAgreementSigned,
    OrganisationClosed,
    OrganisationMoved,
    OrganisationRegistered,
    OrganisationRenamed,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


class Organisations(Projection):
    name = "organisations"
    version = 2  # an educational organisation's kind and legal form
    tables = (
        Table(
            "organisations",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               name text NOT NULL,
               parent_id uuid,
               partner_kind text,
               education_kind text,
               legal_form text,
               registered_at timestamptz NOT NULL,
               closed_on date,
               closure_reason text""",
            Visibility.SUBTREE,
        ),
        Table(
            "organisation_names",
            """organisation_id uuid NOT NULL,
               tenant ltree NOT NULL,
               name text NOT NULL,
               until timestamptz NOT NULL,
               PRIMARY KEY (organisation_id, until)""",
            Visibility.SUBTREE,
        ),
        Table(
            "partner_agreements",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               partner_id uuid NOT NULL,
               partner_name text NOT NULL,
               school_id uuid NOT NULL,
               number text NOT NULL,
               signed_on date NOT NULL,
               valid_until date,
               subject text NOT NULL""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> Handlers:
        return {
            OrganisationRegistered: self.registered,
            OrganisationRenamed: self.renamed,
            OrganisationClosed: self.closed,
            OrganisationMoved: self.moved,
            OrganisationAgreementSigned: self.agreement_signed,
        }

    async def registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO organisations (id, tenant, kind, name, parent_id, partner_kind,"
            " education_kind, legal_form, registered_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.name,
            event.parent_id,
            event.partner_kind,
            event.education_kind,
            event.legal_form,
            envelope.occurred_at,
        )

    async def renamed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO organisation_names (organisation_id, tenant, name, until)"
            " VALUES ($1, $2, $3, $4)",
            event.originator_id,
            event.tenant,
            event.former_name,
            envelope.occurred_at,
        )
        await connection.execute(
            "UPDATE organisations SET name = $2 WHERE id = $1", event.originator_id, event.name
        )
        await connection.execute(
            "UPDATE partner_agreements SET partner_name = $2 WHERE partner_id = $1",
            event.originator_id,
            event.name,
        )

    async def closed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE organisations SET closed_on = $2, closure_reason = $3 WHERE id = $1",
            event.originator_id,
            event.closed_on,
            event.reason,
        )

    async def moved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE organisations SET parent_id = $2 WHERE id = $1",
            envelope.event.originator_id,
            envelope.event.parent_id,
        )

    async def agreement_signed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        partner_name = await connection.fetchval(
            "SELECT name FROM organisations WHERE id = $1", event.originator_id
        )
        await connection.execute(
            "INSERT INTO partner_agreements (id, tenant, partner_id, partner_name, school_id,"
            " number, signed_on, valid_until, subject) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            event.agreement_id,
            event.school_tenant,
            event.originator_id,
            partner_name,
            event.school_id,
            event.number,
            event.signed_on,
            event.valid_until,
            event.subject,
        )
