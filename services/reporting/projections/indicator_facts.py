"""What the indicators count, readable above the school because it holds no names, kept as
counters per school and day so that a region's table never counts raw rows.

The facts: each person of the bases by pseudonymous id with kind, birth year and career start
(in clear in the events already), each pair or group with its order date and whether it has a
plan, each meeting's day. From them each pair, each person (per school year) and each mentee's
diagnostics contribute signed counts on the days their part of an indicator changes
(`indicator_days.py`); ratings add to the day they count for. A batch's changes are summed per
school, school year and day into `indicator_days`, and per school and school year into
`indicator_years` (the sum of all its days), so the indicators on a date are a school's year
total less its days after that date — or the sum of its days up to it, whichever side of the
date holds fewer days (`services/reporting/measures.py`).

Each subject's contribution is stored (`indicator_contributions`), and a change is the
difference between what the subject contributes now, computed from its facts, and what it
counted before: so it does not matter in which order facts arrive (the registry's stream, with
the people, is projected apart from the programmes'). Names, birth dates and free text stay in
the school's own read models.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import fmean
from typing import Any
from uuid import UUID

import asyncpg

from services.programs.events import (
    PairApproved,
    PairEnded,
    PairFeedbackGiven,
    PairFormed,
    PairMeetingRecorded,
    PairPlanDrawnUp,
    ProgrammeMeetingRuleSet,
    ProgrammeOpened,
    SurveyResponseSubmitted,
    SurveyTemplatePublished,
)
from services.registry.events import IndicatorTargetsBandsSet, PersonRegistered

from .base import Envelope, Handlers, Projection, Rows, Table, Visibility, given_by
from .indicator_counters import Changes, Key
from .indicator_days import (
    COUNTERS,
    STATE,
    WINDOWED,
    Days,
    Diagnostic,
    Membership,
    Person,
    decode,
    diagnostics_days,
    pair_days,
    person_days,
    rating_days,
)


def _columns(counters: tuple[str, ...]) -> str:
    return ",\n".join(f"{counter} int NOT NULL DEFAULT 0" for counter in counters)


SATISFACTION = {"mentee_satisfaction": "mentee", "mentor_satisfaction": "mentor"}
DIAGNOSTICS = frozenset({"entry_diagnostics", "exit_diagnostics"})


def _private(name: str, columns: str, *lookups: str) -> Table:
    """A table only the handlers read (its indexes are theirs: made with the table)."""
    return Table(name, columns, Visibility.PRIVATE, lookups=lookups)


class IndicatorFacts(Projection):
    name = "indicator_facts"
    # 2: counters per school and day instead of counting the facts per query; 3: pairs in
    # force until they end, people until their pairs end early, no lag after a final meeting;
    # 4: days past the school year's end kept (a programme's period may run beyond it), a
    # year that comes to nothing has no row; 5: ages within the region's bands of the year;
    # 6: the ratings participants gave themselves counted apart; 7: a team's or a class's
    # mentors all counted (`mentor_ids`)
    version = 7
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
            subtree_index=False,  # found by id
        ),
        Table(
            "indicator_pairs",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               programme_id uuid NOT NULL,
               form text NOT NULL,
               mentor_ids uuid[] NOT NULL,
               mentee_ids uuid[] NOT NULL,
               approved_on date,
               has_plan boolean NOT NULL DEFAULT false,
               ended_on date,
               ended_early boolean NOT NULL DEFAULT false""",
            Visibility.SUBTREE,
            lookups=(
                "CREATE INDEX IF NOT EXISTS indicator_pairs_programme"
                " ON indicator_pairs (programme_id)",
                # a person's pairs, whenever one of them changes
                "CREATE INDEX IF NOT EXISTS indicator_pairs_mentors"
                " ON indicator_pairs USING gin (mentor_ids)",
                "CREATE INDEX IF NOT EXISTS indicator_pairs_mentees"
                " ON indicator_pairs USING gin (mentee_ids)",
            ),
            subtree_index=False,  # found by id, programme or person
        ),
        Table(
            "indicator_meetings",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               pair_id uuid NOT NULL,
               held_on date NOT NULL,
               kind text NOT NULL,
               mentor_rating int,
               mentee_rating int""",
            Visibility.SUBTREE,
            lookups=(
                "CREATE INDEX IF NOT EXISTS indicator_meetings_pair"
                " ON indicator_meetings (pair_id, held_on)",
            ),
            subtree_index=False,  # found by pair
        ),
        Table(
            "indicator_partners",
            """tenant ltree NOT NULL,
               school_year text NOT NULL,
               partner_id uuid NOT NULL,
               since date NOT NULL,
               PRIMARY KEY (tenant, school_year, partner_id)""",
            Visibility.SUBTREE,
            subtree_index=False,  # a few rows per school, read by school year
        ),
        Table(
            "indicator_days",
            f"""tenant ltree NOT NULL,
               school_year text NOT NULL,
               day date NOT NULL,
               {_columns(STATE)},
               PRIMARY KEY (tenant, school_year, day)""",
            Visibility.SUBTREE,
            (
                # the days after a date; and with the school, a day of a school whichever
                # index the planner takes for a batch's days
                "CREATE INDEX IF NOT EXISTS indicator_days_by_day"
                " ON indicator_days (school_year, day, tenant)",
            ),
            subtree_index=False,  # read by school year and days
        ),
        Table(
            "indicator_rating_days",
            f"""tenant ltree NOT NULL,
               school_year text NOT NULL,
               day date NOT NULL,
               {_columns(WINDOWED)},
               PRIMARY KEY (tenant, school_year, day)""",
            Visibility.SUBTREE,
            (
                "CREATE INDEX IF NOT EXISTS indicator_rating_days_by_day"
                " ON indicator_rating_days (school_year, day, tenant)",
            ),
            subtree_index=False,  # read by school year and days, or by school for its window
        ),
        Table(
            "indicator_years",
            # the ratings: those inside the default monitoring window
            f"""tenant ltree NOT NULL,
               school_year text NOT NULL,
               {_columns(COUNTERS)},
               PRIMARY KEY (tenant, school_year)""",
            Visibility.SUBTREE,
            subtree_index=False,  # one row per school and year: a region's are a few thousand
        ),
        _private(
            "indicator_bands",
            """tenant ltree NOT NULL,
               school_year text NOT NULL,
               code text NOT NULL,
               age_from int NOT NULL,
               age_to int NOT NULL,
               PRIMARY KEY (tenant, school_year, code)""",
        ),
        _private(
            "indicator_programmes",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               school_year text NOT NULL,
               meeting_every_days int NOT NULL""",
        ),
        _private(
            "indicator_templates",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               purpose text NOT NULL""",
        ),
        _private(
            "indicator_diagnostics",
            """id uuid PRIMARY KEY,
               tenant ltree NOT NULL,
               respondent_id uuid NOT NULL,
               school_year text NOT NULL,
               purpose text NOT NULL,
               answered_on date NOT NULL,
               scale_mean numeric NOT NULL""",
            "CREATE INDEX IF NOT EXISTS indicator_diagnostics_respondent"
            " ON indicator_diagnostics (respondent_id, school_year)",
        ),
        _private(
            "indicator_contributions",
            """part text NOT NULL,
               subject uuid NOT NULL,
               school_year text NOT NULL,
               tenant ltree NOT NULL,
               days jsonb NOT NULL,
               PRIMARY KEY (part, subject, school_year, tenant)""",
        ),
    )

    deferring = frozenset(
        {
            PersonRegistered,
            ProgrammeOpened,
            ProgrammeMeetingRuleSet,
            SurveyTemplatePublished,
            PairFormed,
            PairApproved,
            PairEnded,
            PairPlanDrawnUp,
            PairMeetingRecorded,
            PairFeedbackGiven,
            SurveyResponseSubmitted,
        }
    )

    people = Rows(
        "indicator_people", ("id", "tenant", "kind", "birth_year", "teaching_since", "partner_id")
    )
    programmes = Rows("indicator_programmes", ("id", "tenant", "school_year", "meeting_every_days"))
    templates = Rows("indicator_templates", ("id", "tenant", "purpose"))
    pairs = Rows(
        "indicator_pairs", ("id", "tenant", "programme_id", "form", "mentor_ids", "mentee_ids")
    )
    meetings = Rows(
        "indicator_meetings",
        ("id", "tenant", "pair_id", "held_on", "kind", "mentor_rating", "mentee_rating"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending = _Pending()

    def handlers(self) -> Handlers:
        return {
            PersonRegistered: self.person_registered,
            IndicatorTargetsBandsSet: self.bands_set,
            ProgrammeOpened: self.programme_opened,
            ProgrammeMeetingRuleSet: self.meeting_rule_set,
            SurveyTemplatePublished: self.template_published,
            PairFormed: self.pair_formed,
            PairApproved: self.pair_approved,
            PairEnded: self.pair_ended,
            PairPlanDrawnUp: self.plan_drawn_up,
            PairMeetingRecorded: self.meeting_recorded,
            PairFeedbackGiven: self.feedback_given,
            SurveyResponseSubmitted: self.response_submitted,
        }

    async def bands_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A region's own bands for a year: every person of its pairs that year counted again."""
        event = envelope.event
        await connection.executemany(
            "INSERT INTO indicator_bands (tenant, school_year, code, age_from, age_to)"
            " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, school_year, code)"
            " DO UPDATE SET age_from = EXCLUDED.age_from, age_to = EXCLUDED.age_to",
            [
                (event.tenant, event.school_year, code, first, last)
                for code, (first, last) in event.bands.items()
            ],
        )
        self._pending.rebanded.add((event.tenant, event.school_year))

    async def person_registered(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self._pending.registered.add(event.originator_id)
        self.defer(
            self.people,
            event.originator_id,
            event.tenant,
            str(event.kind),
            event.birth_year,
            event.teaching_since,
            event.partner_id,
        )

    async def programme_opened(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.programmes,
            event.originator_id,
            event.tenant,
            event.school_year,
            event.meeting_every_days,
        )

    async def meeting_rule_set(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        self._pending.rules[envelope.event.originator_id] = envelope.event.every_days

    async def template_published(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.templates,
            event.originator_id,
            event.tenant,
            str(event.purpose),
        )

    async def pair_formed(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.pairs,
            event.originator_id,
            event.tenant,
            event.programme_id,
            str(event.form),
            list(event.mentor_ids),
            list(event.mentee_ids),
        )

    async def pair_approved(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        self._pending.approvals[envelope.event.originator_id] = envelope.event.order_date

    async def pair_ended(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        early = str(event.outcome) == "ended_early"
        self._pending.endings[event.originator_id] = (event.ended_on, early)

    async def plan_drawn_up(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        self._pending.plans.add(envelope.event.originator_id)

    async def meeting_recorded(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        event = envelope.event
        self.defer(
            self.meetings,
            event.meeting_id,
            event.tenant,
            event.originator_id,
            event.held_on,
            str(event.kind),
            event.mentor_rating,
            event.mentee_rating,
        )
        self._pending.ratings.extend(
            (event.originator_id, event.meeting_id, event.held_on, side, rating, own)
            for side, rating in (("mentee", event.mentee_rating), ("mentor", event.mentor_rating))
            if rating is not None
            for own in [given_by(envelope, side)]
        )

    async def feedback_given(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        """A rating given after the meeting counts on the meeting's day; feedback without a
        score counts in no mean."""
        event = envelope.event
        if event.rating is not None:
            side = str(event.side)
            self._pending.ratings.append(
                (
                    event.originator_id,
                    event.meeting_id,
                    None,
                    side,
                    event.rating,
                    given_by(envelope, side),
                )
            )

    async def response_submitted(self, connection: asyncpg.Connection, envelope: Envelope) -> None:
        self._pending.responses.append(envelope)

    async def flush(self, connection: asyncpg.Connection) -> None:
        """The batch's facts first, then what they change in the counters."""
        await super().flush(connection)
        pending, self._pending = self._pending, _Pending()
        if pending.empty:
            return
        changes = Changes()
        await _update_facts(connection, pending)
        pairs = await _pairs(connection, pending)
        _count_pairs(pairs.values(), changes)
        await _count_ratings(connection, pending.ratings, pairs, changes)
        await _count_people(connection, pending, pairs, changes)
        await _count_responses(connection, pending.responses, changes)
        await changes.write(connection)


Rating = tuple[UUID, UUID, date | None, str, int, bool]


@dataclass
class _Pending:
    """What a batch changed besides the rows it only adds, applied at `flush`."""

    approvals: dict[UUID, date] = field(default_factory=dict)
    endings: dict[UUID, tuple[date, bool]] = field(default_factory=dict)  # day, ended early
    plans: set[UUID] = field(default_factory=set)
    rules: dict[UUID, int] = field(default_factory=dict)  # programme → meeting every N days
    # pair, meeting, its day (None: to be read), side, rating, given by the participant
    ratings: list[Rating] = field(default_factory=list)
    responses: list[Envelope] = field(default_factory=list)
    registered: set[UUID] = field(default_factory=set)
    rebanded: set[tuple[str, str]] = field(default_factory=set)  # region's path, school year

    @property
    def empty(self) -> bool:
        return not (
            self.approvals
            or self.endings
            or self.plans
            or self.rules
            or self.ratings
            or self.responses
            or self.registered
            or self.rebanded
        )

    @property
    def pairs(self) -> set[UUID]:
        return (
            self.approvals.keys()
            | self.endings.keys()
            | self.plans
            | {pair for pair, *_ in self.ratings}
        )


async def _update_facts(connection: asyncpg.Connection, pending: _Pending) -> None:
    if pending.approvals:
        await connection.executemany(
            "UPDATE indicator_pairs SET approved_on = $2 WHERE id = $1",
            list(pending.approvals.items()),
        )
    if pending.endings:
        await connection.executemany(
            "UPDATE indicator_pairs SET ended_on = $2, ended_early = $3 WHERE id = $1",
            [(pair, day, early) for pair, (day, early) in pending.endings.items()],
        )
    if pending.plans:
        await connection.execute(
            "UPDATE indicator_pairs SET has_plan = true WHERE id = ANY($1::uuid[])",
            list(pending.plans),
        )
    if pending.rules:
        await connection.executemany(
            "UPDATE indicator_programmes SET meeting_every_days = $2 WHERE id = $1",
            list(pending.rules.items()),
        )


@dataclass(frozen=True)
class _Pair:
    id: UUID
    key: Key
    mentor_ids: list[UUID]
    mentee_ids: list[UUID]
    days: Days  # what the pair counts now
    counted: Days  # what it counted before


async def _pairs(connection: asyncpg.Connection, pending: _Pending) -> dict[UUID, _Pair]:
    """The pairs the batch touched (every pair of a programme whose rule changed), as they are
    now and with what they counted before."""
    rows = await connection.fetch(
        "SELECT p.id, p.tenant::text AS tenant, g.school_year, g.meeting_every_days,"
        " p.approved_on, p.has_plan, p.mentor_ids, p.mentee_ids, p.ended_on, c.days AS counted,"
        " ARRAY(SELECT held_on FROM indicator_meetings m WHERE m.pair_id = p.id) AS met_on,"
        " (SELECT min(held_on) FROM indicator_meetings m WHERE m.pair_id = p.id"
        "  AND m.kind = 'final') AS final_on"
        " FROM indicator_pairs p JOIN indicator_programmes g ON g.id = p.programme_id"
        " LEFT JOIN indicator_contributions c"
        "  ON c.part = 'pair' AND c.subject = p.id AND c.school_year = g.school_year"
        "  AND c.tenant = p.tenant"
        " WHERE p.id IN (SELECT unnest($1::uuid[])"
        "  UNION SELECT id FROM indicator_pairs WHERE programme_id = ANY($2::uuid[]))",
        list(pending.pairs),
        list(pending.rules),
    )
    return {
        row["id"]: _Pair(
            id=row["id"],
            key=(row["tenant"], row["school_year"]),
            mentor_ids=row["mentor_ids"],
            mentee_ids=row["mentee_ids"],
            days=pair_days(
                row["approved_on"],
                row["met_on"],
                row["meeting_every_days"],
                row["ended_on"],
                row["final_on"],
            ),
            counted=decode(row["counted"] and json.loads(row["counted"])),
        )
        for row in rows
    }


def _count_pairs(pairs: Iterable[_Pair], changes: Changes) -> None:
    for pair in pairs:
        changes.count("pair", pair.id, pair.key, pair.days, pair.counted)


async def _count_ratings(
    connection: asyncpg.Connection,
    ratings: list[Rating],
    pairs: dict[UUID, _Pair],
    changes: Changes,
) -> None:
    """Each rating on its meeting's day (read for those given after the meeting), in the
    school year of the pair's programme."""
    later = list({meeting for _, meeting, day, *_ in ratings if day is None})
    meetings = (
        await connection.fetch(
            "SELECT id, held_on FROM indicator_meetings WHERE id = ANY($1::uuid[])", later
        )
        if later
        else []
    )
    held_on: dict[UUID, date] = {row["id"]: row["held_on"] for row in meetings}
    for pair, meeting, day, side, rating, own in ratings:
        changes.add(pairs[pair].key, rating_days(day or held_on[meeting], side, [rating], own))


# Every pair approved by order of the people given ($1), with its school and school year.
MEMBERSHIPS = """
SELECT k.person, p.tenant::text AS tenant, g.school_year AS year, p.approved_on, p.has_plan,
       p.ended_on, p.ended_early, p.mentor_ids @> ARRAY[k.person] AS as_mentor
FROM unnest($1::uuid[]) AS k(person)
JOIN indicator_pairs p ON p.mentor_ids @> ARRAY[k.person] OR p.mentee_ids @> ARRAY[k.person]
JOIN indicator_programmes g ON g.id = p.programme_id
WHERE p.approved_on IS NOT NULL
"""


# The members of a region's pairs approved in a school year: $1 region's path, $2 school year
REGION_MEMBERS = """
SELECT p.mentor_ids, p.mentee_ids FROM indicator_pairs p
JOIN indicator_programmes g ON g.id = p.programme_id
WHERE p.tenant <@ $1::ltree AND g.school_year = $2 AND p.approved_on IS NOT NULL
"""


async def _bands(
    connection: asyncpg.Connection,
) -> dict[tuple[str, str], dict[str, tuple[int, int]]]:
    """Every region's own bands by region and school year (a few rows a region)."""
    bands: dict[tuple[str, str], dict[str, tuple[int, int]]] = {}
    for row in await connection.fetch("SELECT * FROM indicator_bands"):
        bands.setdefault((str(row["tenant"]), row["school_year"]), {})[row["code"]] = (
            row["age_from"],
            row["age_to"],
        )
    return bands


async def _count_people(
    connection: asyncpg.Connection,
    pending: _Pending,
    pairs: dict[UUID, _Pair],
    changes: Changes,
) -> None:
    """Members of pairs approved, given a plan or ended, and people just registered: what each
    counts in a school year, from all their pairs of that year (the registry's stream is
    projected apart from the programmes', so a person may join a pair here before they are
    known here)."""
    touched = pending.approvals.keys() | pending.plans | pending.endings.keys()
    people = set(pending.registered)
    for pair in (pairs[p] for p in touched if p in pairs):
        people.update([*pair.mentor_ids, *pair.mentee_ids])
    for region, school_year in pending.rebanded:
        for row in await connection.fetch(REGION_MEMBERS, region, school_year):
            people.update([*row["mentor_ids"], *row["mentee_ids"]])
    if not people:
        return
    memberships: dict[tuple[UUID, Key], list[Membership]] = {}
    for row in await connection.fetch(MEMBERSHIPS, list(people)):
        memberships.setdefault((row["person"], (row["tenant"], row["year"])), []).append(
            Membership(
                "mentor" if row["as_mentor"] else "mentee",
                row["approved_on"],
                row["ended_on"] if row["ended_early"] else None,
                row["has_plan"],
            )
        )
    if not memberships:
        return
    rows = await connection.fetch(
        "SELECT k.person, k.tenant, k.year, m.kind, m.birth_year, m.teaching_since,"
        " m.partner_id, c.days AS counted"
        " FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k(person, tenant, year)"
        " LEFT JOIN indicator_people m ON m.id = k.person"
        " LEFT JOIN indicator_contributions c ON c.part = 'person' AND c.subject = k.person"
        "  AND c.school_year = k.year AND c.tenant = k.tenant::ltree",
        [person for person, _ in memberships],
        [tenant for _, (tenant, _) in memberships],
        [year for _, (_, year) in memberships],
    )
    bands = await _bands(connection)
    for row in rows:
        key: Key = (row["tenant"], row["year"])
        part = memberships[(row["person"], key)]
        days: Days = {}
        if row["kind"] is not None:  # known to the indicators
            facts = Person(row["kind"], row["birth_year"], row["teaching_since"])
            region = row["tenant"].split(".")[0]
            days = person_days(facts, part, int(row["year"][:4]), bands.get((region, key[1]), {}))
            mentor_since = min((m.since for m in part if m.role == "mentor"), default=None)
            if row["partner_id"] is not None and mentor_since is not None:
                changes.partner(key, row["partner_id"], mentor_since)
        counted = decode(row["counted"] and json.loads(row["counted"]))
        changes.count("person", row["person"], key, days, counted)


async def _count_responses(
    connection: asyncpg.Connection, envelopes: list[Envelope], changes: Changes
) -> None:
    """Satisfaction answers are ratings on the day answered (the respondent's own when they
    answered themselves); a mentee's diagnostics change what the mentee contributes to the
    dynamics."""
    if not envelopes:
        return
    responses = [envelope.event for envelope in envelopes]
    rows = await connection.fetch(
        "SELECT id, purpose AS known, NULL AS tenant FROM indicator_templates"
        " WHERE id = ANY($1::uuid[])"
        " UNION ALL SELECT id, school_year, tenant::text FROM indicator_programmes"
        " WHERE id = ANY($2::uuid[])",
        list({r.template_id for r in responses}),
        list({r.programme_id for r in responses}),
    )
    # a template's purpose; a programme's school year and school (its path as stored: where a
    # moved school's rows are)
    known: dict[UUID, Any] = {row["id"]: row for row in rows}
    diagnostics = []
    for envelope, response in zip(envelopes, responses, strict=True):
        purpose = known[response.template_id]["known"]
        programme = known[response.programme_id]
        year = programme["known"]
        scores = [v for v in response.answers.values() if type(v) is int]
        if purpose in SATISFACTION:
            changes.add(
                (programme["tenant"], year),
                rating_days(
                    response.answered_on,
                    SATISFACTION[purpose],
                    scores,
                    given_by(envelope, SATISFACTION[purpose]),
                ),
            )
        elif purpose in DIAGNOSTICS and str(response.respondent) == "mentee" and scores:
            diagnostics.append(
                (
                    response.originator_id,
                    response.tenant,
                    response.respondent_id,
                    year,
                    purpose,
                    response.answered_on,
                    round(fmean(scores), 2),  # as `survey_responses.scale_mean`
                )
            )
    if diagnostics:
        await connection.executemany(
            "INSERT INTO indicator_diagnostics (id, tenant, respondent_id, school_year, purpose,"
            " answered_on, scale_mean) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            diagnostics,
        )
        await _count_dynamics(connection, {(d[2], d[3]) for d in diagnostics}, changes)


async def _count_dynamics(
    connection: asyncpg.Connection, mentees: set[tuple[UUID, str]], changes: Changes
) -> None:
    rows = await connection.fetch(
        "SELECT d.respondent_id, d.school_year, d.tenant::text AS tenant, d.purpose,"
        " d.answered_on, d.scale_mean, c.days AS counted"
        " FROM indicator_diagnostics d"
        " JOIN unnest($1::uuid[], $2::text[]) AS k(respondent, year)"
        "  ON d.respondent_id = k.respondent AND d.school_year = k.year"
        " LEFT JOIN indicator_contributions c ON c.part = 'dynamics'"
        "  AND c.subject = d.respondent_id"
        "  AND c.school_year = d.school_year AND c.tenant = d.tenant"
        " ORDER BY d.answered_on, d.id",
        [mentee for mentee, _ in mentees],
        [year for _, year in mentees],
    )
    found: dict[tuple[UUID, Key], tuple[list[Diagnostic], Days]] = {}
    for row in rows:
        subject = (row["respondent_id"], (row["tenant"], row["school_year"]))
        counted = decode(row["counted"] and json.loads(row["counted"]))
        found.setdefault(subject, ([], counted))[0].append(
            Diagnostic(row["purpose"], row["answered_on"], Decimal(row["scale_mean"]))
        )
    for (mentee, key), (diagnostics, counted) in found.items():
        changes.count("dynamics", mentee, key, diagnostics_days(diagnostics), counted)
