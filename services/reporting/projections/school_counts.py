"""Counters per school, kept as events arrive, so that rolling up a region never counts raw rows.

A pair counts as every view counts it (`shared.indicators`): from the order approving it until
it ends — formed and waiting for the order, or ended, it is no pair of the school's."""

from __future__ import annotations

import asyncpg

from services.programs.events import PairApproved, PairEnded, PairMeetingRecorded
from services.registry.events import OrganisationRegistered, PersonRegistered

from .base import Envelope, Handlers, Projection, Rows, Table, Visibility


class SchoolCounts(Projection):
    name = "school_counts"
    version = 2  # pairs from their order to their end, not from forming
    tables = (
        Table(
            "school_counts",
            """tenant ltree PRIMARY KEY,
               mentors int NOT NULL DEFAULT 0,
               mentees int NOT NULL DEFAULT 0,
               pairs int NOT NULL DEFAULT 0,
               meetings int NOT NULL DEFAULT 0""",
            Visibility.SUBTREE,
        ),
    )

    deferring = frozenset(
        {
            OrganisationRegistered,
            PersonRegistered,
            PairApproved,
            PairEnded,
            PairMeetingRecorded,
        }
    )

    counts = Rows(
        "school_counts",
        ("tenant", "mentors", "mentees", "pairs", "meetings"),
        "ON CONFLICT (tenant) DO UPDATE SET"
        " mentors = school_counts.mentors + EXCLUDED.mentors,"
        " mentees = school_counts.mentees + EXCLUDED.mentees,"
        " pairs = school_counts.pairs + EXCLUDED.pairs,"
        " meetings = school_counts.meetings + EXCLUDED.meetings",
        added_by=("tenant",),
    )

    def handlers(self) -> Handlers:
        return {
            OrganisationRegistered: self.organisation_registered,
            PersonRegistered: self.person_registered,
            PairApproved: self.pair_approved,
            PairEnded: self.pair_ended,
            PairMeetingRecorded: self.meeting_recorded,
        }

    async def _add(
        self,
        connection: asyncpg.Connection,
        tenant: str,
        mentors: int = 0,
        mentees: int = 0,
        pairs: int = 0,
        meetings: int = 0,
    ) -> None:
        self.defer(
            self.counts,
            tenant,
            mentors,
            mentees,
            pairs,
            meetings,
        )

    async def organisation_registered(
        self, connection: asyncpg.Connection, envelope: Envelope
    ) -> None:
        if str(envelope.event.kind) == "school":
            await self._add(connection, envelope.event.tenant)

    async def person_registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        roles = set(envelope.event.roles)
        await self._add(
            connection,
            envelope.event.tenant,
            mentors=int("mentor" in roles),
            mentees=int("mentee" in roles),
        )

    async def pair_approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self._add(connection, envelope.event.tenant, pairs=1)

    async def pair_ended(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self._add(connection, envelope.event.tenant, pairs=-1)

    async def meeting_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self._add(connection, envelope.event.tenant, meetings=1)
