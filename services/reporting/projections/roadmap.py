"""Each school's implementation of the target model: order, regulation, roadmap and progress.
No personal data: responsible parties are positions and organisations, as roadmaps name them."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from services.programs.deadlines import Deadline
from services.programs.events import (
    ImplementationOrderIssued,
    ImplementationRegulationAdopted,
    ImplementationRoadmapItemAdded,
    ImplementationRoadmapItemChanged,
    ImplementationRoadmapItemProgressed,
    ImplementationRoadmapWritten,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


class Roadmap(Projection):
    name = "roadmap"
    version = 3  # 2: an order may state no monitoring window; 3: deadlines as written, blocks
    tables = (
        Table(
            "implementations",
            """id uuid PRIMARY KEY,
               school_id uuid NOT NULL UNIQUE,
               tenant ltree NOT NULL,
               order_number text NOT NULL,
               order_date date NOT NULL,
               period_from date NOT NULL,
               period_to date NOT NULL,
               monitoring_from int[],
               monitoring_to int[],
               regulation_title text,
               regulation_version text,
               regulation_adopted_on date,
               roadmap_title text,
               roadmap_order_number text,
               roadmap_order_date date,
               blocks jsonb NOT NULL DEFAULT '[]'""",  # the roadmap's blocks as written
            Visibility.SUBTREE,
        ),
        Table(
            "roadmap_items",
            """id uuid PRIMARY KEY,
               school_id uuid NOT NULL,
               tenant ltree NOT NULL,
               place int NOT NULL,
               number text NOT NULL,
               block text NOT NULL,
               block_title text,
               stage int,
               activity text NOT NULL,
               deadline jsonb NOT NULL,  -- the deadline as written and what it means
               recurring boolean NOT NULL,
               responsible text[] NOT NULL,
               expected_result text NOT NULL,
               control_point boolean NOT NULL,
               cancelled boolean NOT NULL DEFAULT false""",
            Visibility.SUBTREE,
            lookups=(  # a new item takes the next place of its school
                "CREATE INDEX IF NOT EXISTS roadmap_school ON roadmap_items (school_id, place)",
            ),
        ),
        Table(
            "roadmap_progress",
            """item_id uuid NOT NULL,
               school_year text NOT NULL,  -- '' for an item with a fixed date
               tenant ltree NOT NULL,
               status text NOT NULL,
               reported_on date NOT NULL,
               evidence text NOT NULL,
               PRIMARY KEY (item_id, school_year)""",
            Visibility.SUBTREE,
        ),
    )

    def handlers(self) -> Handlers:
        return {
            ImplementationOrderIssued: self.order_issued,
            ImplementationRegulationAdopted: self.regulation_adopted,
            ImplementationRoadmapItemAdded: self.item_added,
            ImplementationRoadmapItemChanged: self.item_changed,
            ImplementationRoadmapWritten: self.roadmap_written,
            ImplementationRoadmapItemProgressed: self.progressed,
        }

    async def order_issued(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        start, end = event.monitoring_window or (None, None)  # the order may state none
        await connection.execute(
            "INSERT INTO implementations (id, school_id, tenant, order_number, order_date,"
            " period_from, period_to, monitoring_from, monitoring_to)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            event.originator_id,
            event.school_id,
            event.tenant,
            event.number,
            event.order_date,
            event.period_from,
            event.period_to,
            start,
            end,
        )

    async def regulation_adopted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE implementations SET regulation_title = $2, regulation_version = $3,"
            " regulation_adopted_on = $4 WHERE id = $1",
            event.originator_id,
            event.title,
            event.version,
            event.adopted_on,
        )

    async def item_added(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO roadmap_items (id, school_id, tenant, place, number, block, block_title,"
            " stage, activity, deadline, recurring, responsible, expected_result, control_point)"
            " SELECT $1, i.school_id, $2,"
            " (SELECT count(*) FROM roadmap_items r WHERE r.school_id = i.school_id),"
            " $3, $4, (SELECT b->>'title' FROM jsonb_array_elements(i.blocks) b"
            " WHERE b->>'number' = $4), $5, $6, $7, $8, $9, $10, $11"
            " FROM implementations i WHERE i.id = $12",
            event.item_id,
            event.tenant,
            *_item_values(event.item),
            event.originator_id,
        )

    async def item_changed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE roadmap_items r SET number = $2, block = $3, block_title = (SELECT"
            " b->>'title' FROM implementations i, jsonb_array_elements(i.blocks) b"
            " WHERE i.school_id = r.school_id AND b->>'number' = $3), stage = $4, activity = $5,"
            " deadline = $6, recurring = $7, responsible = $8, expected_result = $9,"
            " control_point = $10 WHERE id = $1",
            event.item_id,
            *_item_values(event.item),
        )

    async def roadmap_written(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "UPDATE implementations SET roadmap_title = $2, roadmap_order_number = $3,"
            " roadmap_order_date = $4, blocks = $5 WHERE id = $1",
            event.originator_id,
            event.title,
            event.order_number,
            event.order_date,
            json.dumps(event.blocks),
        )

    async def progressed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO roadmap_progress (item_id, school_year, tenant, status, reported_on,"
            " evidence) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (item_id, school_year)"
            " DO UPDATE SET status = EXCLUDED.status, reported_on = EXCLUDED.reported_on,"
            " evidence = EXCLUDED.evidence",
            event.item_id,
            event.school_year or "",
            event.tenant,
            str(event.status),
            event.on,
            event.evidence,
        )
        if str(event.status) == "cancelled":
            await connection.execute(
                "UPDATE roadmap_items SET cancelled = true WHERE id = $1", event.item_id
            )


def _item_values(item: dict[str, Any]) -> tuple[Any, ...]:
    """number, block, stage, activity, deadline, recurring, responsible, result, control point."""
    deadline = Deadline.from_dict(item["deadline"])
    return (
        item["number"],
        item["block"],
        item["stage"],
        item["activity"],
        json.dumps(item["deadline"]),
        deadline.recurring,
        list(item["responsible"]),
        item["expected_result"],
        item["control_point"],
    )
