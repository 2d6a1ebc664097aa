"""What needs a school's attention in a programme, beyond lagging pairs (`laggingPairs`) and
overdue roadmap items (`roadmap`): meetings without both sides' feedback, missing or expiring
consents, mentees without a pair, and surveys due. Names: for the school only, as every read
here runs under the caller's scope (row-level security)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from uuid import UUID

import strawberry

from services.programs.labels import PURPOSE_NAMES
from services.programs.values import Purpose
from shared.adapters.settings import region_today

from .arguments import On, ProgrammeId, SchoolId
from .context import ReaderInfo, reader_of, uuid_of

LIMIT = 200

FEEDBACK_GAPS = """
WITH gaps AS (
    SELECT m.id, m.pair_id, m.held_on, m.kind, a.mentor_id, a.mentee_ids,
           NOT EXISTS (SELECT 1 FROM meeting_feedback f
                       WHERE f.meeting_id = m.id AND f.author_id = a.mentor_id) AS mentor_missing,
           EXISTS (SELECT 1 FROM unnest(a.mentee_ids) AS e(id)
                   WHERE NOT EXISTS (SELECT 1 FROM meeting_feedback f
                                     WHERE f.meeting_id = m.id AND f.author_id = e.id))
               AS mentee_missing
    FROM meetings m JOIN pairs a ON a.id = m.pair_id
    WHERE a.programme_id = $1 AND a.status IN ('active', 'ended')
)
SELECT g.*, mentor.full_name AS mentor_name, mentee.full_name AS mentee_name
FROM gaps g
LEFT JOIN people mentor ON mentor.id = g.mentor_id
LEFT JOIN people mentee ON mentee.id = g.mentee_ids[1]
WHERE g.mentor_missing OR g.mentee_missing
ORDER BY g.held_on DESC, g.id LIMIT $2
"""

# The ratings of the programme's meetings by side and by who gave them: the participant
# themselves or a staff member for them.
RATING_SOURCES = """
SELECT f.side, f.by_participant, count(*) AS ratings, round(avg(f.rating), 2) AS mean
FROM meeting_feedback f JOIN pairs a ON a.id = f.pair_id
WHERE a.programme_id = $1 AND f.rating IS NOT NULL
GROUP BY f.side, f.by_participant ORDER BY f.side, f.by_participant DESC
"""
OWN_FEEDBACK_MISSING = """
SELECT count(*) FROM meetings m JOIN pairs a ON a.id = m.pair_id
WHERE a.programme_id = $1 AND NOT EXISTS (
    SELECT 1 FROM meeting_feedback f WHERE f.meeting_id = m.id AND f.by_participant)
"""

# Each participant's personal-data consent valid on $2, and the last day the latest one runs.
CONSENT_PROBLEMS = """
SELECT p.id, p.full_name, p.is_mentee, v.valid, v.last_day
FROM people p
CROSS JOIN LATERAL (
    SELECT count(*) > 0 AS valid, max(coalesce(c.expires_on, 'infinity'::date)) AS last_day
    FROM consents c
    WHERE c.person_id = p.id AND c.kind = 'personal_data' AND c.signed_on <= $2
      AND (c.expires_on IS NULL OR c.expires_on >= $2)
      AND (c.withdrawn_on IS NULL OR c.withdrawn_on > $2)
) v
WHERE p.school_id = $1 AND (p.is_mentor OR p.is_mentee) AND p.full_name IS NOT NULL
  AND (NOT v.valid OR v.last_day <= $3)
ORDER BY v.valid, p.full_name, p.id LIMIT $4
"""

# Mentees of the programme's school in no pair of it (a withdrawn proposal does not count).
UNMATCHED = """
SELECT p.id, p.full_name FROM programmes g
JOIN people p ON p.school_id = g.school_id
WHERE g.id = $1 AND p.is_mentee AND p.full_name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pairs a WHERE a.programme_id = g.id AND p.id = ANY(a.mentee_ids)
                  AND a.status <> 'dissolved')
ORDER BY p.full_name, p.id LIMIT $2
"""

# Entry diagnostics once a pair works; exit diagnostics and both sides' satisfaction once it has
# completed: each due while its respondent has not answered it in the programme.
SURVEYS_DUE = """
SELECT a.id AS pair_id, d.respondent_id, p.full_name, d.purpose
FROM pairs a
CROSS JOIN LATERAL (
    SELECT e.id AS respondent_id, v.purpose, v.due
    FROM unnest(a.mentee_ids) AS e(id)
    CROSS JOIN (VALUES ('entry_diagnostics', a.status IN ('active', 'ended')),
                       ('exit_diagnostics', a.outcome = 'completed'),
                       ('mentee_satisfaction', a.outcome = 'completed')) AS v(purpose, due)
    UNION ALL
    SELECT a.mentor_id, 'mentor_satisfaction', a.outcome = 'completed'
) d
JOIN people p ON p.id = d.respondent_id
WHERE a.programme_id = $1 AND d.due AND p.full_name IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM survey_responses r
                  WHERE r.programme_id = $1 AND r.respondent_id = d.respondent_id
                    AND r.purpose = d.purpose)
ORDER BY p.full_name, d.purpose LIMIT $2
"""


@strawberry.type(description="A meeting still without feedback (встреча без отзыва).")
class FeedbackGap:
    meeting_id: strawberry.ID = strawberry.field(description="The meeting.")
    pair_id: strawberry.ID = strawberry.field(description="The pair or group that met.")
    held_on: date = strawberry.field(description="The day the meeting was held.")
    kind: str = strawberry.field(
        description="The meeting's kind (introduction, trial, planning, regular, final) as a code."
    )
    mentor_name: str | None = strawberry.field(
        description="The mentor's full name (visible within the school only)."
    )
    mentee_name: str | None = strawberry.field(
        description="The mentee's full name (visible within the school only)."
    )
    mentor_missing: bool = strawberry.field(description="The mentor's feedback is missing.")
    mentee_missing: bool = strawberry.field(description="The mentee's feedback is missing.")


@strawberry.type(
    description="A participant's missing or expiring consent (согласие отсутствует или истекает)."
)
class ConsentProblem:
    person_id: strawberry.ID = strawberry.field(description="The participant.")
    full_name: str = strawberry.field(description="The participant's full name.")
    is_mentee: bool = strawberry.field(
        description="The participant is a mentee (otherwise a mentor)."
    )
    missing: bool = strawberry.field(description="Нет действующего согласия на обработку ПДн")
    expires_on: date | None = strawberry.field(description="Когда истекает (если скоро)")


@strawberry.type(description="A mentee for whom no mentor was found (без пары).")
class Unmatched:
    person_id: strawberry.ID = strawberry.field(description="The mentee.")
    full_name: str = strawberry.field(description="The mentee's full name.")


@strawberry.type(description="A questionnaire someone still has to answer (анкета к заполнению).")
class SurveyDue:
    pair_id: strawberry.ID = strawberry.field(description="The pair the questionnaire is about.")
    respondent_id: strawberry.ID = strawberry.field(description="Who has to answer.")
    full_name: str = strawberry.field(description="The respondent's full name.")
    purpose: str = strawberry.field(description="What the questionnaire measures, as a code.")
    purpose_name: str = strawberry.field(description="The purpose in Russian words.")


@strawberry.type(description="Meeting ratings from one side (оценки встреч).")
class RatingSource:
    side: str = strawberry.field(description="Whose ratings: the mentor's or the mentee's side.")
    by_participant: bool = strawberry.field(
        description=(
            "The participants gave them themselves (otherwise the school's staff entered them)."
        )
    )
    ratings: int = strawberry.field(description="How many ratings.")
    mean: float = strawberry.field(description="Their mean (1–10).")


@strawberry.type(description="What needs a school's attention in a programme (требует внимания).")
class Attention:
    meetings_without_feedback: list[FeedbackGap] = strawberry.field(
        description="Meetings still lacking the mentor's or the mentee's feedback."
    )
    meetings_without_participants_own_feedback: int = strawberry.field(
        description=(
            "Meetings whose feedback was all entered by the school's staff, none by the "
            "participants themselves."
        )
    )
    ratings_by_source: list[RatingSource] = strawberry.field(
        description=(
            "Meeting ratings counted by who gave them: the participants or the school's staff for"
            " them."
        )
    )
    consent_problems: list[ConsentProblem] = strawberry.field(
        description="Participants whose consent is missing or expires soon."
    )
    unmatched_mentees: list[Unmatched] = strawberry.field(
        description="Mentees of the programme still without a pair."
    )
    surveys_due: list[SurveyDue] = strawberry.field(
        description="Surveys (анкетирование) that are due and not yet answered."
    )


def _id(value: UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


async def attention(
    info: ReaderInfo,
    school_id: SchoolId,
    programme_id: ProgrammeId,
    on: On = None,
    expiring_within_days: Annotated[
        int,
        strawberry.argument(
            description=(
                "A consent expiring within this many days (согласие истекает) needs attention."
            )
        ),
    ] = 30,
) -> Attention:
    """Что требует внимания школы в программе: встречи без отзывов обеих сторон, согласия
    отсутствующие или истекающие в ближайшие дни, наставляемые без пары, анкеты к заполнению."""
    reader = reader_of(info)
    day = on or region_today()
    programme, school = uuid_of(programme_id), uuid_of(school_id)
    horizon = day + timedelta(days=max(0, min(expiring_within_days, 365)))
    gaps = await reader.fetch(FEEDBACK_GAPS, programme, LIMIT)
    consents = await reader.fetch(CONSENT_PROBLEMS, school, day, horizon, LIMIT)
    unmatched = await reader.fetch(UNMATCHED, programme, LIMIT)
    surveys = await reader.fetch(SURVEYS_DUE, programme, LIMIT)
    sources = await reader.fetch(RATING_SOURCES, programme)
    own_missing = await reader.fetch(OWN_FEEDBACK_MISSING, programme)
    return Attention(
        meetings_without_participants_own_feedback=own_missing[0][0],
        ratings_by_source=[
            RatingSource(
                side=r["side"],
                by_participant=r["by_participant"],
                ratings=r["ratings"],
                mean=float(r["mean"]),
            )
            for r in sources
        ],
        meetings_without_feedback=[
            FeedbackGap(
                meeting_id=_id(r["id"]),
                pair_id=_id(r["pair_id"]),
                held_on=r["held_on"],
                kind=r["kind"],
                mentor_name=r["mentor_name"],
                mentee_name=r["mentee_name"],
                mentor_missing=r["mentor_missing"],
                mentee_missing=r["mentee_missing"],
            )
            for r in gaps
        ],
        consent_problems=[
            ConsentProblem(
                person_id=_id(r["id"]),
                full_name=r["full_name"],
                is_mentee=r["is_mentee"],
                missing=not r["valid"],
                expires_on=r["last_day"] if r["valid"] else None,
            )
            for r in consents
        ],
        unmatched_mentees=[
            Unmatched(person_id=_id(r["id"]), full_name=r["full_name"]) for r in unmatched
        ],
        surveys_due=[
            SurveyDue(
                pair_id=_id(r["pair_id"]),
                respondent_id=_id(r["respondent_id"]),
                full_name=r["full_name"],
                purpose=r["purpose"],
                purpose_name=PURPOSE_NAMES[Purpose(r["purpose"])],
            )
            for r in surveys
        ],
    )
