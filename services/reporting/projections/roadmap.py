"""Each school's implementation of the target model: order, regulation, roadmap and progress,
and the facts that fulfil its activities (acts issued, stages reached, bases begun, surveys run),
each school's earliest of a kind in a school year. No personal data: responsible parties are
positions and organisations, as roadmaps name them; a fact keeps a number and a date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from services.programs.deadlines import Deadline
from services.programs.events import (
    ActRecorded,
    ImplementationOrderIssued,
    ImplementationRegulationAdopted,
    ImplementationRoadmapItemAdded,
    ImplementationRoadmapItemChanged,
    ImplementationRoadmapItemProgressed,
    ImplementationRoadmapWritten,
    PairsOrderIssued,
    ProgrammeOpened,
    ProgrammeStageChanged,
    SchoolEventRecorded,
    SurveyResponseSubmitted,
)
from services.programs.labels import fulfilling_act
from services.registry.events import MentorRegisterApproved, PersonRegistered
from shared.dictionaries import school_year_of

from .base import Envelope, Handlers, Projection, Rows, Table, Visibility


class Roadmap(Projection):
    name = "roadmap"
    # 2: an order may state no monitoring window; 3: deadlines as written, blocks; 4: the facts
    # that fulfil activities; 6: school events fulfil too
    version = 6
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
               fulfilled_fact text,  -- what fulfils it (a roadmap_facts kind), if anything
               fulfilled_subject text,
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
        Table(
            "roadmap_facts",
            """school_id uuid NOT NULL,
               tenant ltree NOT NULL,
               fact text NOT NULL,  -- act, stage, base, survey, event
               subject text NOT NULL,  -- the act's kind, the stage's number, the base, the
                                       -- event's kind; ''
               school_year text NOT NULL,
               happened_on date NOT NULL,  -- the document's date where one gives it
               number text NOT NULL,  -- the act's number; ''
               PRIMARY KEY (school_id, fact, subject, school_year)""",
            Visibility.SUBTREE,
        ),
        Table(
            "roadmap_programmes",  # whose school a stage or a survey is of
            """programme_id uuid PRIMARY KEY,
               school_id uuid NOT NULL,
               tenant ltree NOT NULL""",
            Visibility.PRIVATE,
        ),
    )

    # A person's registration, frequent and reading nothing, adds its base's fact with the
    # batch's other rows; the first of a base in a school year stays.
    deferring = frozenset({PersonRegistered})
    base_facts = Rows(
        "roadmap_facts",
        ("school_id", "tenant", "fact", "subject", "school_year", "happened_on", "number"),
        on_conflict="ON CONFLICT (school_id, fact, subject, school_year) DO NOTHING",
    )

    def handlers(self) -> Handlers:
        return {
            PairsOrderIssued: self.pairs_order_issued,
            ActRecorded: self.act_recorded,
            MentorRegisterApproved: self.mentor_register_approved,
            ProgrammeOpened: self.programme_opened,
            ProgrammeStageChanged: self.stage_changed,
            PersonRegistered: self.person_registered,
            SurveyResponseSubmitted: self.survey_answered,
            SchoolEventRecorded: self.school_event_held,
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
        await _act(connection, event, "implementation_order", event.order_date, event.number)

    async def regulation_adopted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        school_id = await connection.fetchval(
            "UPDATE implementations SET regulation_title = $2, regulation_version = $3,"
            " regulation_adopted_on = $4 WHERE id = $1 RETURNING school_id",
            event.originator_id,
            event.title,
            event.version,
            event.adopted_on,
        )
        on = event.adopted_on
        await _fact(connection, school_id, event.tenant, "act", "regulation_adopted", on)

    async def pairs_order_issued(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await _act(connection, event, "pairs_order", event.order_date, event.number)

    async def act_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """An act of the register fulfils from the date it takes effect."""
        event = envelope.event
        subject = fulfilling_act(event.kind)
        await _fact(
            connection,
            event.organisation_id,
            event.tenant,
            "act",
            subject,
            event.effective_from,
            event.number,
        )

    async def mentor_register_approved(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        event = envelope.event
        await _act(connection, event, "mentor_register", event.order_date, event.order_number)

    async def programme_opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO roadmap_programmes (programme_id, school_id, tenant) VALUES ($1, $2, $3)",
            event.originator_id,
            event.school_id,
            event.tenant,
        )

    async def stage_changed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A stage reached on the day it was recorded (a stage move states no other)."""
        event = envelope.event
        on = envelope.occurred_at.date()
        await _programme_fact(
            connection, event.originator_id, event.tenant, "stage", str(event.stage), on
        )

    async def survey_answered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        on = event.answered_on
        await _programme_fact(connection, event.programme_id, event.tenant, "survey", "", on)

    async def school_event_held(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A school event of a kind fulfils from the day it was held."""
        event = envelope.event
        await _fact(connection, event.school_id, event.tenant, "event", event.kind, event.held_on)

    async def person_registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A base is begun by the first person entered in it, on the day they were."""
        event = envelope.event
        on = envelope.occurred_at.date()
        for role in {"mentee", "mentor"}.intersection(event.roles):
            self.defer(
                self.base_facts,
                event.school_id,
                event.tenant,
                "base",
                role,
                school_year_of(on),
                on,
                "",
            )

    async def item_added(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO roadmap_items (id, school_id, tenant, place, number, block, block_title,"
            " stage, activity, deadline, recurring, responsible, expected_result, control_point,"
            " fulfilled_fact, fulfilled_subject)"
            " SELECT $1, i.school_id, $2,"
            " (SELECT count(*) FROM roadmap_items r WHERE r.school_id = i.school_id),"
            " $3, $4, (SELECT b->>'title' FROM jsonb_array_elements(i.blocks) b"
            " WHERE b->>'number' = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13"
            " FROM implementations i WHERE i.id = $14",
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
            " control_point = $10, fulfilled_fact = $11, fulfilled_subject = $12 WHERE id = $1",
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


async def _programme_fact(
    connection: asyncpg.Connection,
    programme_id: UUID,
    tenant: str,
    fact: str,
    subject: str,
    on: date,
) -> None:
    school_id = await connection.fetchval(
        "SELECT school_id FROM roadmap_programmes WHERE programme_id = $1", programme_id
    )
    await _fact(connection, school_id, tenant, fact, subject, on)


async def _act(
    connection: asyncpg.Connection, event: Any, kind: str, on: date, number: str
) -> None:
    """An act the platform issues for a school (the event names the school)."""
    await _fact(connection, event.school_id, event.tenant, "act", kind, on, number)


async def _fact(
    connection: asyncpg.Connection,
    school_id: UUID | None,
    tenant: str,
    fact: str,
    subject: str,
    on: date,
    number: str = "",
) -> None:
    """The school's earliest fact of a kind in a school year is the one that fulfils."""
    if school_id is None:
        return  # a regulation of no implementation: nothing on the roadmap to fulfil
    await connection.execute(
        "INSERT INTO roadmap_facts AS f (school_id, tenant, fact, subject, school_year,"
        " happened_on, number) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (school_id, fact, subject, school_year) DO UPDATE"
        " SET happened_on = EXCLUDED.happened_on, number = EXCLUDED.number"
        " WHERE EXCLUDED.happened_on < f.happened_on",
        school_id,
        tenant,
        fact,
        subject,
        school_year_of(on),
        on,
        number,
    )


def _item_values(item: dict[str, Any]) -> tuple[Any, ...]:
    """number, block, stage, activity, deadline, recurring, responsible, result, control point,
    the fact that fulfils it and its subject."""
    deadline = Deadline.from_dict(item["deadline"])
    fulfilled_by = item["fulfilled_by"] or {"fact": None, "subject": None}
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
        fulfilled_by["fact"],
        fulfilled_by["subject"],
    )
