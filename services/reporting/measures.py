"""The indicators of the target model, measured in SQL over projections that hold no names
(`indicator_facts`, `monitoring`, `programmes`, `survey_responses`, `course_completions`,
`partner_agreements`), for
any scope, grouped by school or municipality, under the caller's row-level security.

`measure` returns the raw counts per group; `indicator_rows` turns one group's counts and the
region's targets into the indicator table (`shared.indicators` holds the definitions).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from shared.errors import InvalidInput
from shared.indicators import (
    INDICATORS,
    Indicator,
    Unit,
    check_school_year,
    default_window,
    first_year,
    year_end,
    year_start,
)

Fetch = Callable[..., Awaitable[list[Any]]]

# Each query counts per school (a person and their pairs belong to one school, so per-school
# distinct counts add up exactly); `measure` rolls the few per-school rows up in Python. Simple
# queries keep the planner on table statistics: one large query with shared CTEs planned nested
# loops over them and took minutes on a million people.

SCHOOLS = """
SELECT o.tenant::text AS school, c.students, c.students_10_18, c.students_15_19, c.teachers,
    c.young_teachers, c.school_id IS NOT NULL AS reported,
    coalesce(c.monitoring_from, $3::date) AS window_from,
    coalesce(c.monitoring_to, $4::date) AS window_to
FROM organisations o
LEFT JOIN school_contingents c ON c.tenant = o.tenant AND c.school_year = $2
WHERE o.kind = 'school' AND o.tenant <@ $1::ltree
"""

# $1 scope, $2 school year, $3 reference date, $4 first calendar year of the school year
PARTICIPANTS = """
SELECT school,
    count(DISTINCT id) FILTER (WHERE role = 'mentee') AS mentees,
    count(DISTINCT id) FILTER (WHERE role = 'mentor') AS mentors,
    count(DISTINCT id) FILTER (WHERE role = 'mentee' AND has_plan) AS mentees_with_plan,
    count(DISTINCT id) FILTER (WHERE kind = 'student') AS students_involved,
    count(DISTINCT id) FILTER (
        WHERE role = 'mentee' AND kind = 'student' AND $4 - birth_year BETWEEN 10 AND 18
    ) AS mentees_10_18,
    count(DISTINCT id) FILTER (
        WHERE role = 'mentor' AND kind = 'student' AND $4 - birth_year BETWEEN 15 AND 19
    ) AS mentors_15_19,
    count(DISTINCT id) FILTER (
        WHERE role = 'mentee' AND kind = 'teacher'
          AND teaching_since >= ($3::date - interval '3 years')::date
          AND (birth_year IS NULL OR extract(year FROM $3::date) - birth_year < 35)
    ) AS young_teachers_mentored,
    array_agg(DISTINCT partner_id) FILTER (WHERE role = 'mentor' AND partner_id IS NOT NULL)
        AS partners
FROM (
    SELECT p.tenant::text AS school, r.role, m.id, m.kind, m.birth_year, m.teaching_since,
        m.partner_id, p.has_plan
    FROM indicator_pairs p
    JOIN programmes g ON g.id = p.programme_id
    CROSS JOIN LATERAL (
        SELECT 'mentee', unnest(p.mentee_ids) UNION ALL SELECT 'mentor', p.mentor_id
    ) r(role, person)
    JOIN indicator_people m ON m.id = r.person
    WHERE p.tenant <@ $1::ltree AND g.school_year = $2 AND p.approved_on <= $3
) involved
GROUP BY school
"""

# $1 scope, $2 school year, $3 reference date
PAIRS = """
SELECT p.tenant::text AS school, count(*) AS pairs,
    count(*) FILTER (
        WHERE $3::date - coalesce(m.last_met, p.approved_on) > g.meeting_every_days
    ) AS lagging_pairs
FROM indicator_pairs p
JOIN programmes g ON g.id = p.programme_id
LEFT JOIN LATERAL (
    SELECT max(held_on) AS last_met FROM indicator_meetings
    WHERE pair_id = p.id AND held_on <= $3
) m ON true
WHERE p.tenant <@ $1::ltree AND g.school_year = $2 AND p.approved_on <= $3
GROUP BY 1
"""

# $1 scope, $2 school year, $3 reference date, $4/$5 the default monitoring window
RATINGS = """
SELECT d.school::text AS school,
    sum(d.mentee_sum) AS mentee_rating_sum, sum(d.mentee_n) AS mentee_ratings,
    sum(d.mentor_sum) AS mentor_rating_sum, sum(d.mentor_n) AS mentor_ratings
FROM (
    SELECT tenant AS school, held_on,
        sum(mentee_rating) AS mentee_sum, count(mentee_rating) AS mentee_n,
        sum(mentor_rating) AS mentor_sum, count(mentor_rating) AS mentor_n
    FROM indicator_meetings
    WHERE tenant <@ $1::ltree AND held_on <= $3 AND pair_id IN (
        SELECT p.id FROM indicator_pairs p JOIN programmes g ON g.id = p.programme_id
        WHERE p.tenant <@ $1::ltree AND g.school_year = $2
    )
    GROUP BY 1, 2
) d
LEFT JOIN school_contingents c ON c.tenant = d.school AND c.school_year = $2
WHERE d.held_on >= coalesce(c.monitoring_from, $4::date)
  AND d.held_on <= least(coalesce(c.monitoring_to, $5::date), $3::date)
GROUP BY 1
"""

# Ratings given after the meeting (by a group's every mentee, or a side that gave none when the
# meeting was recorded), in the window by the meeting's date. Same arguments as RATINGS.
FEEDBACK_RATINGS = """
SELECT f.tenant::text AS school,
    sum(f.rating) FILTER (WHERE f.side = 'mentee') AS mentee_rating_sum,
    count(*) FILTER (WHERE f.side = 'mentee') AS mentee_ratings,
    sum(f.rating) FILTER (WHERE f.side = 'mentor') AS mentor_rating_sum,
    count(*) FILTER (WHERE f.side = 'mentor') AS mentor_ratings
FROM indicator_feedback f
JOIN indicator_meetings m ON m.id = f.meeting_id
JOIN indicator_pairs p ON p.id = f.pair_id
JOIN programmes g ON g.id = p.programme_id
LEFT JOIN school_contingents c ON c.tenant = f.tenant AND c.school_year = $2
WHERE f.tenant <@ $1::ltree AND g.school_year = $2
  AND m.held_on >= coalesce(c.monitoring_from, $4::date)
  AND m.held_on <= least(coalesce(c.monitoring_to, $5::date), $3::date)
GROUP BY 1
"""

# Every 1–10 answer of a satisfaction questionnaire is one rating (scale answers are the only
# numbers a response holds), in the window by the day it was answered. Same arguments.
SURVEY_RATINGS = """
SELECT r.tenant::text AS school,
    sum(a.value::int) FILTER (WHERE r.purpose = 'mentee_satisfaction') AS mentee_rating_sum,
    count(*) FILTER (WHERE r.purpose = 'mentee_satisfaction') AS mentee_ratings,
    sum(a.value::int) FILTER (WHERE r.purpose = 'mentor_satisfaction') AS mentor_rating_sum,
    count(*) FILTER (WHERE r.purpose = 'mentor_satisfaction') AS mentor_ratings
FROM survey_responses r
JOIN programmes g ON g.id = r.programme_id
LEFT JOIN school_contingents c ON c.tenant = r.tenant AND c.school_year = $2
CROSS JOIN LATERAL jsonb_each(r.answers) a
WHERE r.tenant <@ $1::ltree AND g.school_year = $2
  AND r.purpose IN ('mentee_satisfaction', 'mentor_satisfaction')
  AND jsonb_typeof(a.value) = 'number'
  AND r.answered_on >= coalesce(c.monitoring_from, $4::date)
  AND r.answered_on <= least(coalesce(c.monitoring_to, $5::date), $3::date)
GROUP BY 1
"""

# Per mentee: the mean of the first entry and of the last exit diagnostics of the school year's
# programmes up to the reference date; no window, since entry diagnostics come in September.
# $1 scope, $2 school year, $3 reference date
DYNAMICS = """
SELECT school, count(*) AS diagnosed, count(*) FILTER (WHERE exit_mean > entry_mean) AS improved
FROM (
    SELECT r.tenant::text AS school, r.respondent_id,
        (array_agg(r.scale_mean ORDER BY r.answered_on)
            FILTER (WHERE r.purpose = 'entry_diagnostics'))[1] AS entry_mean,
        (array_agg(r.scale_mean ORDER BY r.answered_on DESC)
            FILTER (WHERE r.purpose = 'exit_diagnostics'))[1] AS exit_mean
    FROM survey_responses r
    JOIN programmes g ON g.id = r.programme_id
    WHERE r.tenant <@ $1::ltree AND g.school_year = $2 AND r.answered_on <= $3
      AND r.respondent = 'mentee' AND r.scale_mean IS NOT NULL
      AND r.purpose IN ('entry_diagnostics', 'exit_diagnostics')
    GROUP BY 1, 2
) per_mentee
WHERE entry_mean IS NOT NULL AND exit_mean IS NOT NULL
GROUP BY 1
"""

# $1 scope, $2 reference date, $3 first day of the school year
PARTNERS = """
SELECT DISTINCT tenant::text AS school, partner_id FROM partner_agreements
WHERE tenant <@ $1::ltree AND signed_on <= $2 AND (valid_until IS NULL OR valid_until >= $3)
"""

# $1 scope, $2 reference date
TRAINED = """
SELECT tenant::text AS school, array_agg(DISTINCT person_id) AS people FROM course_completions
WHERE tenant <@ $1::ltree AND completed_on <= $2 GROUP BY 1
"""

# Counted only in schools that reported their contingent (the denominators' population).
CONTINGENT_SHARES = (
    "students_involved",
    "mentees_10_18",
    "mentors_15_19",
    "young_teachers_mentored",
)
RATINGS_SUMMED = ("mentee_rating_sum", "mentee_ratings", "mentor_rating_sum", "mentor_ratings")
SUMMED = (
    "mentees",
    "mentors",
    "mentees_with_plan",
    "pairs",
    "lagging_pairs",
    "diagnosed",
    "improved",
    *RATINGS_SUMMED,
)
CONTINGENT = ("students", "students_10_18", "students_15_19", "teachers", "young_teachers")

NO_DATA = "нет данных"


def reference_date(school_year: str, on: date | None, today: date | None = None) -> date:
    """The day the indicators are measured on: the given one (inside the school year), or
    today, or the school year's last day once it is over."""
    check_school_year(school_year)
    start, end = year_start(school_year), year_end(school_year)
    if on is None:
        return min(today or date.today(), end)
    if not start <= on <= end:
        raise InvalidInput(
            "date_outside_school_year",
            f"Отчётная дата {on:%d.%m.%Y} вне учебного года {school_year}",
        )
    return on


async def measure(
    fetch: Fetch, scope: str, depth: int, school_year: str, on: date
) -> dict[str, dict[str, Any]]:
    """The raw counts of every group (school or municipality) under `scope`, by group path."""
    window_from, window_to = default_window(school_year)
    schools = await fetch(SCHOOLS, scope, school_year, window_from, window_to)
    per_school: dict[str, dict[str, Any]] = {}
    for rows in (
        await fetch(PARTICIPANTS, scope, school_year, on, first_year(school_year)),
        await fetch(PAIRS, scope, school_year, on),
        await fetch(DYNAMICS, scope, school_year, on),
    ):
        for row in rows:
            per_school.setdefault(row["school"], {}).update(row)
    for query in (RATINGS, FEEDBACK_RATINGS, SURVEY_RATINGS):  # one mean from three sources
        for row in await fetch(query, scope, school_year, on, window_from, window_to):
            counts = per_school.setdefault(row["school"], {})
            for column in RATINGS_SUMMED:
                counts[column] = (counts.get(column) or 0) + (row[column] or 0)
    groups: dict[str, dict[str, Any]] = {}
    for school in schools:
        key = ".".join(school["school"].split(".")[:depth])
        group = groups.setdefault(key, _empty_group(key))
        counts = per_school.get(school["school"], {})
        for column in SUMMED:
            group[column] += counts.get(column) or 0
        group["mentor_partners"] |= set(counts.get("partners") or ())
        if school["reported"]:
            group["schools_reporting"] += 1
            for column in CONTINGENT:
                group[column] = (group[column] or 0) + school[column]
            for column in CONTINGENT_SHARES:
                group[column] += counts.get(column) or 0
    await _partners_and_training(fetch, groups, scope, depth, school_year, on)
    return groups


def _empty_group(key: str) -> dict[str, Any]:
    group: dict[str, Any] = {"key": key, "schools_reporting": 0, "mentor_partners": set()}
    group |= {column: 0 for column in (*SUMMED, *CONTINGENT_SHARES)}
    group |= {column: None for column in CONTINGENT}  # no school reported: no denominator
    return group


async def _partners_and_training(
    fetch: Fetch,
    groups: dict[str, dict[str, Any]],
    scope: str,
    depth: int,
    school_year: str,
    on: date,
) -> None:
    """Partners with an agreement in force, those of them whose staff mentor, and trained
    mentors: distinct per group, since a partner or a course serves many schools."""
    population: dict[str, set[Any]] = {key: set() for key in groups}
    for row in await fetch(PARTNERS, scope, on, year_start(school_year)):
        population.setdefault(".".join(row["school"].split(".")[:depth]), set()).add(
            row["partner_id"]
        )
    trained: dict[str, set[Any]] = {key: set() for key in groups}
    for row in await fetch(TRAINED, scope, on):
        trained.setdefault(".".join(row["school"].split(".")[:depth]), set()).update(row["people"])
    for key, group in groups.items():
        group["partners"] = len(population[key])
        group["partners_providing"] = len(population[key] & group.pop("mentor_partners"))
        group["trained_mentors"] = len(trained[key])


async def targets_of(fetch: Fetch, region: str, school_year: str) -> dict[str, float]:
    rows = await fetch(
        "SELECT code, target FROM indicator_targets WHERE tenant = $1::ltree AND school_year = $2",
        region,
        school_year,
    )
    return {row["code"]: row["target"] for row in rows}


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    reference_date: date
    numerator: int | None
    denominator: int | None
    value: float | None
    target: float | None
    note: str | None

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target


# indicator → (numerator column, denominator column); no denominator: a count.
SOURCES: dict[str, tuple[str, str | None]] = {
    "students_involved": ("students_involved", "students"),
    "mentees_10_18": ("mentees_10_18", "students_10_18"),
    "mentors_15_19": ("mentors_15_19", "students_15_19"),
    "young_teachers_mentored": ("young_teachers_mentored", "young_teachers"),
    "partners_providing_mentors": ("partners_providing", "partners"),
    "mentee_satisfaction": ("mentee_rating_sum", "mentee_ratings"),
    "mentor_satisfaction": ("mentor_rating_sum", "mentor_ratings"),
    "individual_plan": ("mentees_with_plan", "mentees"),
    "positive_dynamics": ("improved", "diagnosed"),
    "trained_mentors": ("trained_mentors", None),
}

# Why a zero denominator leaves no value, where "нет данных" alone would not say.
EMPTY_NOTES = {
    "mentee_satisfaction": f"{NO_DATA}: нет оценок за окно мониторинга",
    "mentor_satisfaction": f"{NO_DATA}: нет оценок за окно мониторинга",
    "positive_dynamics": f"{NO_DATA}: нет наставляемых, прошедших входную и итоговую диагностику",
}


def indicator_value(
    indicator: Indicator, counts: dict[str, Any] | None, on: date, target: float | None
) -> IndicatorValue:
    if counts is None:
        return IndicatorValue(indicator, on, None, None, None, target, NO_DATA)
    numerator_column, denominator_column = SOURCES[indicator.code]
    numerator = int(counts[numerator_column])
    if denominator_column is None:
        return IndicatorValue(indicator, on, numerator, None, float(numerator), target, None)
    denominator = counts[denominator_column]
    if not denominator:
        note = (
            "нет данных: школы не внесли контингент"
            if denominator is None
            else EMPTY_NOTES.get(indicator.code, NO_DATA)
        )
        return IndicatorValue(indicator, on, numerator, denominator, None, target, note)
    ratio = numerator / denominator
    value = round(ratio * 100 if indicator.unit == Unit.PERCENT else ratio, 2)
    return IndicatorValue(indicator, on, numerator, int(denominator), value, target, None)


def indicator_rows(
    counts: dict[str, Any] | None, on: date, targets: dict[str, float]
) -> list[IndicatorValue]:
    return [indicator_value(i, counts, on, targets.get(i.code)) for i in INDICATORS]
