"""What the indicators count, readable above the school because it holds no names: each person
of the bases by pseudonymous id with kind, birth year and career start (both in clear in the
events already), each pair or group with its form, order date and whether it has a plan, and each
meeting's two ratings, with each rating given after the meeting (a group's mentees each give
theirs so). Indicators for a school, a municipality or the region are sums over these
rows; names, birth dates and free text stay in the school's own read models.

The measures reach these rows through the scope's programmes, pairs by programme and meetings by
pair, so their `tenant` has no GiST index: with one, the planner (which cannot know the scope a
policy reads at run time) took it as selective and scanned the whole region's rows once per
pair — seconds for a region of twenty schools."""

from __future__ import annotations

import asyncpg

from .base import Envelope, Handler, Projection, Rows, Table, Visibility


class IndicatorFacts(Projection):
    name = "indicator_facts"
    replay_cost = 4
    tables = (
        Table(
            "indicator_people",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               kind text NOT NULL,
               birth_year int,
               teaching_since date,
               partner_id uuid""",
            Visibility.SUBTREE,
            subtree_index=False,  # found by id, from the pairs
        ),
        Table(
            "indicator_pairs",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               programme_id uuid NOT NULL,
               form text NOT NULL,
               mentor_id uuid NOT NULL,
               mentee_ids uuid[] NOT NULL,
               approved_on date,
               has_plan boolean NOT NULL DEFAULT false""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS indicator_pairs_programme"
                " ON indicator_pairs (programme_id)",
            ),
            subtree_index=False,  # found by programme
        ),
        Table(
            "indicator_meetings",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               pair_id uuid NOT NULL,
               held_on date NOT NULL,
               mentor_rating int,
               mentee_rating int""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS indicator_meetings_pair"
                " ON indicator_meetings (pair_id, held_on)",
            ),
            subtree_index=False,  # found by pair
        ),
        Table(
            "indicator_feedback",
            """meeting_id uuid NOT NULL,
               author_id uuid NOT NULL,
               tenant ltree NOT NULL,
               pair_id uuid NOT NULL,
               side text NOT NULL,
               rating int NOT NULL,
               PRIMARY KEY (meeting_id, author_id)""",
            Visibility.SUBTREE,
        ),
    )

    deferring = frozenset(
        {
            "Person.Registered",
            "Pair.Formed",
            "Pair.Approved",
            "Pair.PlanDrawnUp",
            "Pair.MeetingRecorded",
            "Pair.FeedbackGiven",
        }
    )
    people = Rows(
        "indicator_people", ("id", "tenant", "kind", "birth_year", "teaching_since", "partner_id")
    )
    pairs = Rows(
        "indicator_pairs", ("id", "tenant", "programme_id", "form", "mentor_id", "mentee_ids")
    )
    meetings = Rows(
        "indicator_meetings",
        ("id", "tenant", "pair_id", "held_on", "mentor_rating", "mentee_rating"),
    )
    feedback = Rows(
        "indicator_feedback", ("meeting_id", "author_id", "tenant", "pair_id", "side", "rating")
    )

    def handlers(self) -> dict[str, Handler]:
        return {
            "Person.Registered": self.person_registered,
            "Pair.Formed": self.pair_formed,
            "Pair.Approved": self.pair_approved,
            "Pair.PlanDrawnUp": self.plan_drawn_up,
            "Pair.MeetingRecorded": self.meeting_recorded,
            "Pair.FeedbackGiven": self.feedback_given,
        }

    async def person_registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.people,
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.birth_year,
            event.teaching_since,
            event.partner_id,
        )

    async def pair_formed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.pairs,
            event.originator_id,
            event.tenant,
            event.programme_id,
            str(event.form),
            event.mentor_id,
            list(event.mentee_ids),
        )

    async def pair_approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self.settle(connection, envelope.event.originator_id)
        await connection.execute(
            "UPDATE indicator_pairs SET approved_on = $2 WHERE id = $1",
            envelope.event.originator_id,
            envelope.event.order_date,
        )

    async def plan_drawn_up(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        await self.settle(connection, envelope.event.originator_id)
        await connection.execute(
            "UPDATE indicator_pairs SET has_plan = true WHERE id = $1",
            envelope.event.originator_id,
        )

    async def meeting_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.meetings,
            event.meeting_id,
            event.tenant,
            event.originator_id,
            event.held_on,
            event.mentor_rating,
            event.mentee_rating,
        )

    async def feedback_given(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A rating given after the meeting; feedback without a score counts in no mean."""
        event = envelope.event
        if event.rating is None:
            return
        self.defer(
            self.feedback,
            event.meeting_id,
            event.author_id,
            event.tenant,
            event.originator_id,
            str(event.side),
            event.rating,
        )
