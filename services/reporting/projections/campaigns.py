"""Monitoring campaigns: the forms (every version, published to the organisations below their
owner), the campaigns (published to the subtree they target), and each organisation's
submission — its current answers and stamp, and its whole history of drafts, submissions,
reviews and conclusions. No personal data: answers are the organisation's."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

import asyncpg

from services.registry.events import (
    CampaignAnnounced,
    FixOrderIssued,
    FormTemplateDrafted,
    FormTemplateItemsMapped,
    FormTemplateRevised,
    FormTemplateUsed,
    SubmissionAccepted,
    SubmissionDraftSaved,
    SubmissionItemReviewed,
    SubmissionReturned,
    SubmissionStarted,
    SubmissionSubmitted,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


class Campaigns(Projection):
    # Sorts after «history»: workers lock tracking rows in the order of names, and the lanes
    # test (test_projection_batches) holds history's as the first a worker takes.
    name = "monitoring_campaigns"
    version = 2  # a campaign's announcing act in the register of acts; orders on results
    tables = (
        Table(
            "campaign_forms",
            """form_id uuid NOT NULL,
               version int NOT NULL,
               tenant ltree NOT NULL,
               owner_id uuid NOT NULL,
               title text NOT NULL,
               sections jsonb NOT NULL,
               in_use boolean NOT NULL DEFAULT false,
               saved_at timestamptz NOT NULL,
               PRIMARY KEY (form_id, version)""",
            Visibility.PUBLISHED,
        ),
        Table(
            "campaign_form_mappings",
            """form_id uuid NOT NULL,
               other_id uuid NOT NULL,
               tenant ltree NOT NULL,
               pairs jsonb NOT NULL,
               PRIMARY KEY (form_id, other_id)""",
            Visibility.PUBLISHED,
        ),
        Table(
            "campaigns",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               title text NOT NULL,
               form_id uuid NOT NULL,
               form_version int NOT NULL,
               act_number text NOT NULL,
               act_date date NOT NULL,
               act_id uuid,
               target_kinds text[] NOT NULL,
               window_from date NOT NULL,
               window_to date NOT NULL,
               reference_date date NOT NULL,
               reviewer_roles text[] NOT NULL,
               municipality_submits boolean NOT NULL,
               announced_at timestamptz NOT NULL""",
            Visibility.PUBLISHED,
        ),
        Table(
            "campaign_submissions",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               campaign_id uuid NOT NULL,
               organisation_id uuid NOT NULL,
               status text NOT NULL,
               answers jsonb NOT NULL DEFAULT '[]',
               first_submitted_on date,
               first_late boolean,
               submitted_on date,
               late boolean,
               submissions int NOT NULL DEFAULT 0,
               conclusion text,
               updated_at timestamptz NOT NULL""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS campaign_submissions_campaign"
                " ON campaign_submissions (campaign_id)",
            ),
        ),
        Table(
            "campaign_entries",
            """position bigint PRIMARY KEY,
               tenant ltree NOT NULL,
               submission_id uuid NOT NULL,
               campaign_id uuid NOT NULL,
               action text NOT NULL,
               number text,
               verdict text,
               missing text[],
               text text,
               answers jsonb,
               submitted_on date,
               late boolean,
               actor_user text NOT NULL,
               actor_role text NOT NULL,
               at timestamptz NOT NULL""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS campaign_entries_submission"
                " ON campaign_entries (submission_id, position)",
            ),
        ),
        Table(  # a municipality's order on a campaign's results: read by its schools too
            "campaign_fix_orders",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               campaign_id uuid NOT NULL,
               municipality_id uuid NOT NULL,
               act_id uuid,
               act_number text NOT NULL,
               act_date date NOT NULL,
               issued_at timestamptz NOT NULL""",
            Visibility.PUBLISHED,
        ),
        Table(  # each fix it orders, in the tenant of the organisation that fixes
            "campaign_fixes",
            """order_id uuid NOT NULL,
               tenant ltree NOT NULL,
               campaign_id uuid NOT NULL,
               organisation_id uuid NOT NULL,
               number text NOT NULL,
               director text NOT NULL,
               due_on date NOT NULL,
               PRIMARY KEY (order_id, organisation_id, number)""",
            Visibility.PUBLISHED,
            ("CREATE INDEX IF NOT EXISTS campaign_fixes_campaign ON campaign_fixes (campaign_id)",),
        ),
    )

    def handlers(self) -> Handlers:
        return {
            FormTemplateDrafted: self.form_drafted,
            FormTemplateRevised: self.form_revised,
            FormTemplateUsed: self.form_used,
            FormTemplateItemsMapped: self.items_mapped,
            CampaignAnnounced: self.announced,
            SubmissionStarted: self.started,
            SubmissionDraftSaved: self.draft_saved,
            SubmissionSubmitted: self.submitted,
            SubmissionItemReviewed: self.item_reviewed,
            SubmissionReturned: self.returned,
            SubmissionAccepted: self.accepted,
            FixOrderIssued: self.fixes_ordered,
        }

    async def form_drafted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self._form_version(
            connection, event, event.owner_id, 1, event.title, event.sections, envelope.occurred_at
        )

    async def form_revised(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        owner_id = await connection.fetchval(
            "SELECT owner_id FROM campaign_forms WHERE form_id = $1 LIMIT 1", event.originator_id
        )
        await self._form_version(
            connection,
            event,
            owner_id,
            event.version,
            event.title,
            event.sections,
            envelope.occurred_at,
        )

    async def _form_version(
        self,
        connection: asyncpg.Connection,
        event: Any,
        owner_id: Any,
        version: int,
        title: str,
        sections: list[dict[str, Any]],
        at: datetime,
    ) -> None:
        await connection.execute(
            "INSERT INTO campaign_forms (form_id, version, tenant, owner_id, title, sections,"
            " saved_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (form_id, version)"
            " DO UPDATE SET title = EXCLUDED.title, sections = EXCLUDED.sections,"
            " saved_at = EXCLUDED.saved_at",
            event.originator_id,
            version,
            event.tenant,
            owner_id,
            title,
            _json(sections),
            at,
        )

    async def form_used(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE campaign_forms SET in_use = true WHERE form_id = $1 AND version = $2",
            event.originator_id,
            event.version,
        )

    async def items_mapped(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO campaign_form_mappings (form_id, other_id, tenant, pairs)"
            " VALUES ($1, $2, $3, $4) ON CONFLICT (form_id, other_id)"
            " DO UPDATE SET pairs = EXCLUDED.pairs",
            event.originator_id,
            event.other_id,
            event.tenant,
            _json(event.pairs),
        )

    async def announced(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO campaigns (id, tenant, title, form_id, form_version, act_number,"
            " act_date, act_id, target_kinds, window_from, window_to, reference_date,"
            " reviewer_roles, municipality_submits, announced_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            event.originator_id,
            event.tenant,
            event.title,
            event.form_id,
            event.form_version,
            event.act_number,
            event.act_date,
            event.act_id,
            event.target_kinds,
            event.window_from,
            event.window_to,
            event.reference_date,
            event.reviewer_roles,
            event.municipality_submits,
            envelope.occurred_at,
        )

    async def fixes_ordered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO campaign_fix_orders (id, tenant, campaign_id, municipality_id, act_id,"
            " act_number, act_date, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            event.originator_id,
            event.tenant,
            event.campaign_id,
            event.municipality_id,
            event.act_id,
            event.act_number,
            event.act_date,
            envelope.occurred_at,
        )
        await connection.executemany(
            "INSERT INTO campaign_fixes (order_id, tenant, campaign_id, organisation_id, number,"
            " director, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (
                    event.originator_id,
                    fix["tenant"],
                    event.campaign_id,
                    UUID(fix["organisation_id"]),
                    fix["number"],
                    fix["director"],
                    date.fromisoformat(fix["due_on"]),
                )
                for fix in event.fixes
            ],
        )

    async def started(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO campaign_submissions (id, tenant, campaign_id, organisation_id, status,"
            " updated_at) VALUES ($1, $2, $3, $4, 'draft', $5)",
            event.originator_id,
            event.tenant,
            event.campaign_id,
            event.organisation_id,
            envelope.occurred_at,
        )

    async def draft_saved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A draft's answers replace those of the same items; the others stay."""
        event = envelope.event
        current = await connection.fetchval(
            "SELECT answers FROM campaign_submissions WHERE id = $1", event.originator_id
        )
        merged = {a["number"]: a for a in json.loads(current)}
        merged.update({a["number"]: a for a in event.answers})
        # a returned submission stays returned while the school revises it
        await self._state(connection, envelope, None, answers=list(merged.values()))
        await self._entry(connection, envelope, "draft", answers=event.answers)

    async def submitted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE campaign_submissions SET status = 'submitted', answers = $2,"
            " first_submitted_on = coalesce(first_submitted_on, $3),"
            " first_late = coalesce(first_late, $4), submitted_on = $3, late = $4,"
            " submissions = submissions + 1, conclusion = NULL, updated_at = $5 WHERE id = $1",
            event.originator_id,
            _json(event.answers),
            event.submitted_on,
            event.late,
            envelope.occurred_at,
        )
        await self._entry(
            connection,
            envelope,
            "submitted",
            answers=event.answers,
            submitted_on=event.submitted_on,
            late=event.late,
        )

    async def item_reviewed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self._entry(
            connection,
            envelope,
            "review",
            number=event.number,
            verdict=event.verdict,
            missing=event.missing,
            text=event.recommendation,
        )

    async def returned(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self._concluded(connection, envelope, "returned")

    async def accepted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self._concluded(connection, envelope, "accepted")

    async def _concluded(
        self, connection: asyncpg.Connection, envelope: Envelope, status: str
    ) -> None:
        await self._state(connection, envelope, status, conclusion=envelope.event.comment)
        await self._entry(connection, envelope, status, text=envelope.event.comment)

    async def _state(
        self,
        connection: asyncpg.Connection,
        envelope: Envelope,
        status: str | None,
        answers: list[dict[str, Any]] | None = None,
        conclusion: str | None = None,
    ) -> None:
        await connection.execute(
            "UPDATE campaign_submissions SET status = coalesce($2, status),"
            " answers = coalesce($3, answers),"
            " conclusion = coalesce($4, conclusion), updated_at = $5 WHERE id = $1",
            envelope.event.originator_id,
            status,
            None if answers is None else _json(answers),
            conclusion,
            envelope.occurred_at,
        )

    async def _entry(
        self, connection: asyncpg.Connection, envelope: Envelope, action: str, **fields: Any
    ) -> None:
        event = envelope.event
        campaign_id = await connection.fetchval(
            "SELECT campaign_id FROM campaign_submissions WHERE id = $1", event.originator_id
        )
        answers = fields.get("answers")
        await connection.execute(
            "INSERT INTO campaign_entries (position, tenant, submission_id, campaign_id, action,"
            " number, verdict, missing, text, answers, submitted_on, late, actor_user,"
            " actor_role, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,"
            " $14, $15)",
            envelope.position,
            event.tenant,
            event.originator_id,
            campaign_id,
            action,
            fields.get("number"),
            fields.get("verdict"),
            fields.get("missing"),
            fields.get("text"),
            None if answers is None else _json(answers),
            fields.get("submitted_on"),
            fields.get("late"),
            event.actor.user,
            event.actor.role,
            envelope.occurred_at,
        )
