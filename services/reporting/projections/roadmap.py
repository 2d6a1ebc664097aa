"""Each school's implementation of the target model: order, regulation, roadmap and progress.
No personal data: responsible parties are positions and organisations, as roadmaps name them."""

from __future__ import annotations

import asyncpg

from services.programs.events import (
    ImplementationOrderIssued,
    ImplementationRegulationAdopted,
    ImplementationRoadmapItemAdded,
    ImplementationRoadmapItemChanged,
    ImplementationRoadmapItemProgressed,
)

from .base import Envelope, Handlers, Projection, Table, Visibility


class Roadmap(Projection):
    name = "roadmap"
    version = 2  # an implementation order may state no monitoring window
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
               regulation_adopted_on date""",
            Visibility.SUBTREE,
        ),
        Table(
            "roadmap_items",
            """id uuid PRIMARY KEY,
               school_id uuid NOT NULL,
               tenant ltree NOT NULL,
               place int NOT NULL,
               stage int NOT NULL,
               activity text NOT NULL,
               deadline_on date,
               deadline_month int,
               deadline_day int,
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
        item, deadline = event.item, event.item["deadline"]
        await connection.execute(
            "INSERT INTO roadmap_items (id, school_id, tenant, place, stage, activity,"
            " deadline_on, deadline_month, deadline_day, responsible, expected_result,"
            " control_point) SELECT $1, i.school_id, $2,"
            " (SELECT count(*) FROM roadmap_items r WHERE r.school_id = i.school_id),"
            " $3, $4, $5, $6, $7, $8, $9, $10 FROM implementations i WHERE i.id = $11",
            event.item_id,
            event.tenant,
            item["stage"],
            item["activity"],
            deadline["on"],
            deadline["month"],
            deadline["day"],
            list(item["responsible"]),
            item["expected_result"],
            item["control_point"],
            event.originator_id,
        )

    async def item_changed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        item, deadline = event.item, event.item["deadline"]
        await connection.execute(
            "UPDATE roadmap_items SET stage = $2, activity = $3, deadline_on = $4,"
            " deadline_month = $5, deadline_day = $6, responsible = $7, expected_result = $8,"
            " control_point = $9 WHERE id = $1",
            event.item_id,
            item["stage"],
            item["activity"],
            deadline["on"],
            deadline["month"],
            deadline["day"],
            list(item["responsible"]),
            item["expected_result"],
            item["control_point"],
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
