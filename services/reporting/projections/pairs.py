"""A school's pairs and groups, their orders, plans, meetings, feedback and endings."""

from __future__ import annotations

import json
from typing import NamedTuple
from uuid import UUID

import asyncpg

from services.programs.events import (
    PairApproved,
    PairDissolved,
    PairEnded,
    PairFeedbackGiven,
    PairFormed,
    PairMeetingPlanned,
    PairMeetingRecorded,
    PairPlanDrawnUp,
    PairPlanTaskCompleted,
    PairsOrderIssued,
)
from services.registry.events import PersonErased
from shared.adapters.keystore import Keyring
from shared.adapters.personal_data import ERASED
from shared.lru import LRU

from .base import (
    PAIR_CACHE,
    Envelope,
    Handlers,
    Projection,
    Rows,
    Table,
    Visibility,
    given_by,
)

# A participant reads their own pairs and groups (a legal representative: the child's), and what
# belongs to them: meetings, plans and tasks; of the feedback, only what they gave themselves.
MEMBER = "{person} = ANY(mentor_ids || mentee_ids || supporting_ids)"
OWN_PAIR = "pair_id = ANY((SELECT app_person_pairs())::uuid[])"


class Members(NamedTuple):
    mentor: UUID
    mentee: UUID  # the first of a group's
    one_mentee: bool


class Pairs(Projection):
    name = "pairs"
    version = 3  # 2: feedback says whether the participant gave it themselves; 3: the sides
    replay_cost = 9
    tables = (
        Table(
            "pairs",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               programme_id uuid NOT NULL,
               form text NOT NULL,
               mentor_id uuid NOT NULL,
               mentor_ids uuid[] NOT NULL,
               mentee_ids uuid[] NOT NULL,
               classes jsonb NOT NULL DEFAULT '[]',
               supporting_ids uuid[] NOT NULL DEFAULT '{}',
               basis text NOT NULL,
               status text NOT NULL,
               formed_at timestamptz NOT NULL,
               order_id uuid,
               order_number text,
               order_date date,
               outcome text,
               ended_on date,
               ended_by text,
               end_reason text,
               summary text""",
            Visibility.SCHOOL,
            (
                "CREATE INDEX IF NOT EXISTS pairs_programme ON pairs (programme_id)",
                "CREATE INDEX IF NOT EXISTS pairs_mentees ON pairs USING gin (mentee_ids)",
                # A school's page in id order reads the school's range: with the id index
                # alone, a generic plan scanned the ids of the whole region's pairs.
                "CREATE INDEX IF NOT EXISTS pairs_tenant_id ON pairs (tenant, id)",
            ),
            participant=MEMBER,
        ),
        Table(
            "meetings",
            """id uuid PRIMARY KEY,
               pair_id uuid NOT NULL,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               held_on date NOT NULL,
               duration_minutes int NOT NULL,
               meeting_format text NOT NULL,
               topic text NOT NULL,
               mentor_rating int,
               mentor_comment text,
               mentee_rating int,
               mentee_comment text""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS meetings_pair ON meetings (pair_id, held_on)",),
            participant=OWN_PAIR,
        ),
        Table(
            "planned_meetings",
            """id uuid PRIMARY KEY,
               pair_id uuid NOT NULL,
               tenant ltree NOT NULL,
               starts_on date NOT NULL,
               start_time text NOT NULL,
               duration_minutes int NOT NULL,
               place text NOT NULL,
               topic text NOT NULL,
               planned_at timestamptz NOT NULL""",
            Visibility.SCHOOL,
            (
                "CREATE INDEX IF NOT EXISTS planned_meetings_pair"
                " ON planned_meetings (pair_id, starts_on)",
            ),
            participant=OWN_PAIR,
        ),
        Table(
            "meeting_feedback",
            """meeting_id uuid NOT NULL,
               author_id uuid NOT NULL,
               pair_id uuid NOT NULL,
               tenant ltree NOT NULL,
               side text NOT NULL,
               rating int,
               comment text,
               given_at timestamptz NOT NULL,
               by_participant boolean NOT NULL DEFAULT false,
               PRIMARY KEY (meeting_id, author_id)""",
            Visibility.SCHOOL,
            ("CREATE INDEX IF NOT EXISTS meeting_feedback_pair ON meeting_feedback (pair_id)",),
            participant="author_id = {person}",
        ),
        Table(
            "plans",
            """pair_id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               starts_on date NOT NULL,
               ends_on date NOT NULL,
               goals text[] NOT NULL,
               drawn_up_at timestamptz NOT NULL""",
            Visibility.SCHOOL,
            participant=OWN_PAIR,
        ),
        Table(
            "plan_tasks",
            """id uuid PRIMARY KEY,
               pair_id uuid NOT NULL,
               tenant ltree NOT NULL,
               title text NOT NULL,
               due_on date NOT NULL,
               completed_on date""",
            Visibility.SCHOOL,
            lookups=(  # a new plan replaces the pair's tasks
                "CREATE INDEX IF NOT EXISTS plan_tasks_pair ON plan_tasks (pair_id, due_on)",
            ),
            participant=OWN_PAIR,
        ),
        Table(
            "pair_orders",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               programme_id uuid NOT NULL,
               number text NOT NULL,
               order_date date NOT NULL,
               pair_ids uuid[] NOT NULL,
               issued_at timestamptz NOT NULL""",
            Visibility.SUBTREE,
        ),
    )

    deferring = frozenset({PairFormed, PairMeetingRecorded, PairFeedbackGiven, PairApproved})
    formed_pairs = Rows(
        "pairs",
        (
            "id",
            "tenant",
            "programme_id",
            "form",
            "mentor_id",
            "mentor_ids",
            "mentee_ids",
            "classes",
            "supporting_ids",
            "basis",
            "status",
            "formed_at",
        ),
    )
    meetings = Rows(
        "meetings",
        (
            "id",
            "pair_id",
            "tenant",
            "kind",
            "held_on",
            "duration_minutes",
            "meeting_format",
            "topic",
            "mentor_rating",
            "mentor_comment",
            "mentee_rating",
            "mentee_comment",
        ),
    )
    feedback = Rows(
        "meeting_feedback",
        (
            "meeting_id",
            "author_id",
            "pair_id",
            "tenant",
            "side",
            "rating",
            "comment",
            "given_at",
            "by_participant",
        ),
    )

    def __init__(self, keyring: Keyring) -> None:
        super().__init__(keyring)
        # A pair's members never change: the authors of a meeting's inline feedback, and
        # whether it is a pair (one mentee) or a group.
        self._members: LRU[UUID, Members] = LRU(PAIR_CACHE)

    async def prepare(self, connection: asyncpg.Connection, envelopes: list[Envelope]) -> None:
        """The members of the pairs whose meetings or feedback the batch records, in one query."""
        wanted = {
            e.event.originator_id
            for e in envelopes
            if e.event_type in (PairMeetingRecorded, PairFeedbackGiven)
            and e.event.originator_id not in self._members
        }
        if wanted:
            rows = await connection.fetch(
                "SELECT id, mentor_id, mentee_ids[1], cardinality(mentee_ids) = 1 FROM pairs"
                " WHERE id = ANY($1::uuid[])",
                list(wanted),
            )
            self._members.update({r[0]: Members(r[1], r[2], r[3]) for r in rows})

    def handlers(self) -> Handlers:
        return {
            PairFormed: self.formed,
            PairMeetingRecorded: self.meeting_recorded,
            PairMeetingPlanned: self.meeting_planned,
            PairApproved: self.approved,
            PairsOrderIssued: self.order_issued,
            PairPlanDrawnUp: self.plan_drawn_up,
            PairPlanTaskCompleted: self.task_completed,
            PairFeedbackGiven: self.feedback_given,
            PairDissolved: self.dissolved,
            PairEnded: self.ended,
            PersonErased: self.person_erased,
        }

    async def person_erased(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """The erased person's own texts read «данные удалены»; the other side's stay."""
        person = envelope.event.originator_id
        await connection.execute(
            "UPDATE meeting_feedback SET comment = $2 WHERE author_id = $1 AND comment IS NOT NULL",
            person,
            ERASED,
        )
        for side, members in (("mentor", "ARRAY[mentor_id]"), ("mentee", "mentee_ids")):
            await connection.execute(
                f"UPDATE meetings SET {side}_comment = $2 WHERE {side}_comment IS NOT NULL"
                f" AND pair_id IN (SELECT id FROM pairs WHERE $1 = ANY({members}))",
                person,
                ERASED,
            )
        await connection.execute(
            "UPDATE pairs SET summary = $2 WHERE summary IS NOT NULL"
            " AND $1 = ANY(mentor_ids || mentee_ids || supporting_ids)",
            person,
            ERASED,
        )

    async def formed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self._members.put(
            event.originator_id,
            Members(event.mentor_id, event.mentee_ids[0], len(event.mentee_ids) == 1),
        )
        self.defer(
            self.formed_pairs,
            event.originator_id,
            event.tenant,
            event.programme_id,
            str(event.form),
            event.mentor_id,
            list(event.mentor_ids),
            list(event.mentee_ids),
            json.dumps(event.classes, default=str),
            list(event.supporting_ids),
            str(event.basis),
            "proposed",
            envelope.occurred_at,
        )

    async def dissolved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE pairs SET status = 'dissolved' WHERE id = $1", envelope.event.originator_id
        )

    async def ended(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        summary = await self.unsealed_text(connection, event.summary, "summary")
        await connection.execute(
            "UPDATE pairs SET status = 'ended', outcome = $2, ended_on = $3, ended_by = $4,"
            " end_reason = $5, summary = $6 WHERE id = $1",
            event.originator_id,
            str(event.outcome),
            event.ended_on,
            str(event.initiator),
            str(event.reason) if event.reason else None,
            summary,
        )

    async def approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await self.settle(connection, event.originator_id)
        await connection.execute(
            "UPDATE pairs SET status = 'active', order_id = $2, order_number = $3,"
            " order_date = $4 WHERE id = $1",
            event.originator_id,
            event.order_id,
            event.number,
            event.order_date,
        )

    async def plan_drawn_up(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A new plan replaces the pair's previous one (history keeps both)."""
        event = envelope.event
        await connection.execute("DELETE FROM plan_tasks WHERE pair_id = $1", event.originator_id)
        await connection.execute(
            "INSERT INTO plans (pair_id, tenant, starts_on, ends_on, goals, drawn_up_at)"
            " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (pair_id) DO UPDATE SET"
            " starts_on = EXCLUDED.starts_on, ends_on = EXCLUDED.ends_on,"
            " goals = EXCLUDED.goals, drawn_up_at = EXCLUDED.drawn_up_at",
            event.originator_id,
            event.tenant,
            event.starts_on,
            event.ends_on,
            list(event.goals),
            envelope.occurred_at,
        )
        await connection.executemany(
            "INSERT INTO plan_tasks (id, pair_id, tenant, title, due_on)"
            " VALUES ($1, $2, $3, $4, $5)",
            [
                (t["id"], event.originator_id, event.tenant, t["title"], t["due_on"])
                for t in event.tasks
            ],
        )

    async def task_completed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await connection.execute(
            "UPDATE plan_tasks SET completed_on = $2 WHERE id = $1",
            envelope.event.task_id,
            envelope.event.completed_on,
        )

    async def order_issued(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO pair_orders (id, tenant, programme_id, number, order_date, pair_ids,"
            " issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            event.originator_id,
            event.tenant,
            event.programme_id,
            event.number,
            event.order_date,
            list(event.pair_ids),
            envelope.occurred_at,
        )

    async def feedback_given(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """Feedback given after the meeting; a pair's two sides also fill the meeting's row."""
        event = envelope.event
        comment = await self.unsealed_text(connection, event.comment, "comment")
        side = str(event.side)
        self.defer(
            self.feedback,
            event.meeting_id,
            event.author_id,
            event.originator_id,
            event.tenant,
            side,
            event.rating,
            comment,
            envelope.occurred_at,
            given_by(envelope, side),
        )
        members = self._members.get(event.originator_id)
        if members is not None and not members.one_mentee:
            return  # a group member's feedback fills no column of the meeting
        await self.settle(connection, event.meeting_id)
        await connection.execute(
            f"UPDATE meetings SET {side}_rating = $2, {side}_comment = $3 WHERE id = $1"
            " AND (SELECT cardinality(mentee_ids) FROM pairs WHERE id = meetings.pair_id) = 1",
            event.meeting_id,
            event.rating,
            comment,
        )

    async def meeting_planned(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        await connection.execute(
            "INSERT INTO planned_meetings (id, pair_id, tenant, starts_on, start_time,"
            " duration_minutes, place, topic, planned_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            event.meeting_id,
            event.originator_id,
            event.tenant,
            event.starts_on,
            event.start_time,
            event.duration_minutes,
            event.place,
            event.topic,
            envelope.occurred_at,
        )

    async def meeting_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """The meeting, and its inline feedback as rows of the feedback table: the mentor's, and
        the mentee's of a pair (a group's members give theirs separately)."""
        event = envelope.event
        mentor_comment = await self.unsealed_text(connection, event.mentor_comment, "comment")
        mentee_comment = await self.unsealed_text(connection, event.mentee_comment, "comment")
        self.defer(
            self.meetings,
            event.meeting_id,
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.held_on,
            event.duration_minutes,
            str(event.meeting_format),
            event.topic,
            event.mentor_rating,
            mentor_comment,
            event.mentee_rating,
            mentee_comment,
        )
        members = self._members.get(event.originator_id)
        mentor, mentee = (members.mentor, members.mentee) if members else (None, None)
        for author, side, rating, comment in (
            (mentor, "mentor", event.mentor_rating, mentor_comment),
            (mentee, "mentee", event.mentee_rating, mentee_comment),
        ):
            if author is not None and (rating is not None or comment is not None):
                self.defer(
                    self.feedback,
                    event.meeting_id,
                    author,
                    event.originator_id,
                    event.tenant,
                    side,
                    rating,
                    comment,
                    envelope.occurred_at,
                    given_by(envelope, side),
                )
