"""The register of acts of every organisation: the acts entered into it, and — a union on the
read side — the acts the platform issues itself (the implementation order and the regulation,
the orders approving pairs, the registry's order approving the register of mentors).

Acts are published documents: an organisation's acts are read by its own people, by those
above it, and by the organisations below it that follow them (a school reads its
municipality's order). They hold officials' names as the documents print them, never a pupil's:
pairs and mentors are referenced by id."""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID, uuid5

import asyncpg

from services.programs.events import (
    ActRecorded,
    ImplementationOrderIssued,
    ImplementationRegulationAdopted,
    PairsOrderIssued,
    ProgrammeOpened,
)
from services.registry.events import (
    MentorRegisterApproved,
    OrganisationRegistered,
    OrganisationRenamed,
)
from shared.frames import FRAMES, Frame, frame_of

from .base import Envelope, Handlers, Projection, Table, Visibility

# The federal act the platform's acts follow: the frame's of the programme for its orders
# approving pairs, the students' model's (Р-145) for the rest (DOMAIN.md).
R_145 = FRAMES[Frame.STUDENTS].basis.as_act_basis()
_REGULATION_NAMESPACE = UUID("a4f0c2d9-7e31-4b6a-8f15-0d9e3c2b1a57")

COLUMNS = (
    "id",
    "tenant",
    "organisation_id",
    "organisation_name",
    "source",
    "kind",
    "register",
    "number",
    "act_date",
    "title",
    "basis",
    "marks",
    "points",
    "effective_from",
    "valid_until",
    "published_url",
    "recorded_at",
    "frame",
)


def regulation_id(implementation_id: UUID, version: str) -> UUID:
    """A regulation the platform recorded with its implementation, as an act of the register."""
    return uuid5(_REGULATION_NAMESPACE, f"{implementation_id.hex}:{version}")


class Acts(Projection):
    name = "acts"
    version = 2  # the frame an act belongs to; an order approving pairs cites its frame's act
    tables = (
        Table(
            "acts",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               organisation_id uuid NOT NULL,
               organisation_name text,
               source text NOT NULL,  -- 'register' or the kind of act the platform issued
               kind text NOT NULL,
               register text NOT NULL,
               number text NOT NULL,
               act_date date NOT NULL,
               title text NOT NULL,
               basis jsonb NOT NULL,
               marks jsonb NOT NULL,
               points jsonb NOT NULL,
               effective_from date NOT NULL,
               valid_until date,
               superseded_by uuid,
               superseded_from date,
               published_url text NOT NULL,
               recorded_at timestamptz NOT NULL,
               frame text""",  # `shared.frames`; NULL: mentoring as a whole
            Visibility.PUBLISHED,
            lookups=(  # a name that comes after its acts finds them
                "CREATE INDEX IF NOT EXISTS acts_organisation"
                " ON acts (organisation_id, act_date DESC, id)",
            ),
        ),
        Table(  # every organisation's name, for the acts' headings
            "act_keepers",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               name text NOT NULL""",
            Visibility.PRIVATE,
            subtree_index=False,
        ),
        Table(  # each programme's frame, for the basis of its orders approving pairs
            "act_programmes",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               frame text NOT NULL""",
            Visibility.PRIVATE,
            subtree_index=False,
        ),
    )

    def handlers(self) -> Handlers:
        return {
            OrganisationRegistered: self.organisation_registered,
            OrganisationRenamed: self.organisation_renamed,
            ActRecorded: self.act_recorded,
            ImplementationOrderIssued: self.implementation_order,
            ImplementationRegulationAdopted: self.regulation_adopted,
            ProgrammeOpened: self.programme_opened,
            PairsOrderIssued: self.pairs_order,
            MentorRegisterApproved: self.mentor_register,
        }

    async def organisation_registered(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        """The registry's stream is projected apart from programs': an act may have come
        first, and takes its organisation's name now."""
        event = envelope.event
        await connection.execute(
            "INSERT INTO act_keepers (id, tenant, name) VALUES ($1, $2, $3)",
            event.originator_id,
            event.tenant,
            event.name,
        )
        await connection.execute(
            "UPDATE acts SET organisation_name = $2"
            " WHERE organisation_id = $1 AND organisation_name IS NULL",
            event.originator_id,
            event.name,
        )

    async def organisation_renamed(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        """Acts keep the name their organisation had when they were issued; a new name is
        for the acts to come."""
        event = envelope.event
        await connection.execute(
            "UPDATE act_keepers SET name = $2 WHERE id = $1", event.originator_id, event.name
        )

    async def _insert(self, connection: asyncpg.Connection, **row: Any) -> None:
        for name in ("basis", "marks", "points"):
            row[name] = json.dumps(row[name], default=str, ensure_ascii=False)
        values = [row[c] for c in COLUMNS if c != "organisation_name"]
        names = ", ".join(c for c in COLUMNS if c != "organisation_name")
        places = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        await connection.execute(
            f"INSERT INTO acts ({names}, organisation_name) SELECT {places},"
            f" (SELECT name FROM act_keepers WHERE id = $3) ON CONFLICT (id) DO NOTHING",
            *values,
        )

    async def _supersede(
        self, connection: asyncpg.Connection, old: list[UUID], new: UUID, on: date
    ) -> None:
        await connection.execute(
            "UPDATE acts SET superseded_by = $2, superseded_from = $3 WHERE id = ANY($1::uuid[])",
            old,
            new,
            on,
        )

    async def act_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self._insert(
            connection,
            id=event.originator_id,
            tenant=event.tenant,
            organisation_id=event.organisation_id,
            source="register",
            kind=event.kind,
            register=event.register,
            number=event.number,
            act_date=event.act_date,
            title=event.title,
            basis=event.basis,
            marks=event.marks,
            points=event.points,
            effective_from=event.effective_from,
            valid_until=event.valid_until,
            published_url=event.published_url,
            recorded_at=envelope.occurred_at,
            frame=event.frame,
        )
        if event.supersedes:
            await self._supersede(
                connection, list(event.supersedes), event.originator_id, event.effective_from
            )

    async def _issued(
        self,
        connection: asyncpg.Connection,
        envelope: Envelope,
        source: str,
        school_id: UUID,
        number: str,
        on: date,
        title: str,
        points: list[dict[str, Any]],
        valid_until: date | None = None,
        act_id: UUID | None = None,
        kind: str = "order",
        basis: dict[str, Any] = R_145,
        frame: str | None = None,
    ) -> None:
        """An act the platform issued, as the register lists it: in force from its date."""
        await self._insert(
            connection,
            id=act_id or envelope.event.originator_id,
            tenant=envelope.event.tenant,
            organisation_id=school_id,
            source=source,
            kind=kind,
            register="",
            number=number,
            act_date=on,
            title=title,
            basis=[basis],
            marks=[],
            points=points,
            effective_from=on,
            valid_until=valid_until,
            published_url="",
            recorded_at=envelope.occurred_at,
            frame=frame,
        )

    async def implementation_order(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        event = envelope.event
        period = f"с {event.period_from:%d.%m.%Y} по {event.period_to:%d.%m.%Y}"
        points = [
            _text("Внедрить целевую модель наставничества."),
            _text(f"Утвердить сроки внедрения целевой модели наставничества {period}."),
        ]
        if event.monitoring_window:
            (m1, d1), (m2, d2) = event.monitoring_window
            points.append(
                _text(
                    "Проводить мониторинг эффективности программ наставничества ежегодно"
                    f" с {d1:02d}.{m1:02d} по {d2:02d}.{m2:02d}."
                )
            )
        await self._issued(
            connection,
            envelope,
            "implementation_order",
            event.school_id,
            event.number,
            event.order_date,
            "О внедрении целевой модели наставничества",
            points,
            valid_until=event.period_to,
        )

    async def regulation_adopted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A new version supersedes the regulations recorded before it."""
        event = envelope.event
        school_id = await connection.fetchval(
            "SELECT organisation_id FROM acts WHERE id = $1", event.originator_id
        )
        if school_id is None:
            return
        act_id = regulation_id(event.originator_id, event.version)
        earlier = await connection.fetch(
            "SELECT id FROM acts WHERE organisation_id = $1 AND source = 'regulation_adopted'"
            " AND superseded_by IS NULL",
            school_id,
        )
        await self._issued(
            connection,
            envelope,
            "regulation_adopted",
            school_id,
            "",
            event.adopted_on,
            f"{event.title} (редакция {event.version})",
            [],
            act_id=act_id,
            kind="regulation",
        )
        await self._supersede(connection, [r["id"] for r in earlier], act_id, event.adopted_on)

    async def programme_opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO act_programmes (id, tenant, frame) VALUES ($1, $2, $3)",
            event.originator_id,
            event.tenant,
            event.frame,
        )

    async def pairs_order(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        frame = await connection.fetchval(
            "SELECT frame FROM act_programmes WHERE id = $1", event.programme_id
        )
        point = _approving(
            "pairs", "наставнические пары (группы) согласно приложению", event.pair_ids
        )
        await self._issued(
            connection,
            envelope,
            "pairs_order",
            event.school_id,
            event.number,
            event.order_date,
            "Об утверждении наставнических пар (групп)",
            [point],
            basis=frame_of(frame).basis.as_act_basis(),
            frame=frame,
        )

    async def mentor_register(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        point = _approving(
            "mentor_register",
            f"реестр наставников на {event.school_year} учебный год",
            event.mentor_ids,
        )
        await self._issued(
            connection,
            envelope,
            "mentor_register",
            event.school_id,
            event.order_number,
            event.order_date,
            f"Об утверждении реестра наставников на {event.school_year} учебный год",
            [point],
        )


def _text(text: str) -> dict[str, Any]:
    return {"kind": "text", "text": text, "people": [], "documents": [], "due_on": None, "refs": []}


def _approving(kind: str, what: str, refs: list[UUID]) -> dict[str, Any]:
    """The point of an order that approves a list (pairs, mentors) by their ids."""
    return _text(f"Утвердить {what}.") | {"kind": kind, "refs": [str(r) for r in refs]}
