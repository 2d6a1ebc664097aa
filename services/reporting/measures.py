"""The indicators of the target model, measured in SQL over projections that hold no names
(`indicator_facts`, `monitoring`, `programmes`, `course_completions`, `partner_agreements`), for
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

# $1 scope, $2 school year, $3 reference date, $4 depth of the groups, $5 first calendar year,
# $6/$7 the default monitoring window, $8 first day of the school year.
MEASURES = """
WITH
groups AS (
    SELECT DISTINCT subpath(tenant, 0, $4) AS key FROM organisations
    WHERE kind = 'school' AND tenant <@ $1::ltree
),
contingent AS (
    SELECT c.*, subpath(c.tenant, 0, $4) AS key FROM school_contingents c
    WHERE c.tenant <@ $1::ltree AND c.school_year = $2
),
year_pairs AS (
    SELECT p.*, subpath(p.tenant, 0, $4) AS key, g.meeting_every_days
    FROM indicator_pairs p JOIN programmes g ON g.id = p.programme_id
    WHERE p.tenant <@ $1::ltree AND g.school_year = $2
),
involved AS (
    SELECT * FROM year_pairs WHERE approved_on <= $3
),
participants AS (
    SELECT i.key, r.role, m.id, m.kind, m.birth_year, m.teaching_since, m.partner_id,
           i.has_plan, EXISTS (SELECT 1 FROM contingent c WHERE c.tenant = i.tenant) AS reported
    FROM involved i
    CROSS JOIN LATERAL (
        SELECT 'mentee', unnest(i.mentee_ids) UNION ALL SELECT 'mentor', i.mentor_id
    ) r(role, id_)
    JOIN indicator_people m ON m.id = r.id_
),
people AS (
    SELECT key,
        count(DISTINCT id) FILTER (WHERE role = 'mentee') AS mentees,
        count(DISTINCT id) FILTER (WHERE role = 'mentor') AS mentors,
        count(DISTINCT id) FILTER (WHERE role = 'mentee' AND has_plan) AS mentees_with_plan,
        count(DISTINCT id) FILTER (WHERE reported AND kind = 'student') AS students_involved,
        count(DISTINCT id) FILTER (
            WHERE reported AND role = 'mentee' AND kind = 'student'
              AND $5 - birth_year BETWEEN 10 AND 18) AS mentees_10_18,
        count(DISTINCT id) FILTER (
            WHERE reported AND role = 'mentor' AND kind = 'student'
              AND $5 - birth_year BETWEEN 15 AND 19) AS mentors_15_19,
        count(DISTINCT id) FILTER (
            WHERE reported AND role = 'mentee' AND kind = 'teacher'
              AND teaching_since >= ($3::date - interval '3 years')::date
              AND (birth_year IS NULL OR extract(year FROM $3::date) - birth_year < 35)
        ) AS young_teachers_mentored
    FROM participants GROUP BY key
),
pairs AS (
    SELECT i.key, count(*) AS pairs,
        count(*) FILTER (
            WHERE $3::date - coalesce(m.last_met, i.approved_on) > i.meeting_every_days
        ) AS lagging_pairs
    FROM involved i
    LEFT JOIN LATERAL (
        SELECT max(held_on) AS last_met FROM indicator_meetings
        WHERE pair_id = i.id AND held_on <= $3
    ) m ON true
    GROUP BY i.key
),
totals AS (
    SELECT key, count(*) AS schools_reporting, sum(students) AS students,
        sum(students_10_18) AS students_10_18, sum(students_15_19) AS students_15_19,
        sum(teachers) AS teachers, sum(young_teachers) AS young_teachers
    FROM contingent GROUP BY key
),
ratings AS (
    SELECT y.key,
        sum(mt.mentee_rating) AS mentee_rating_sum, count(mt.mentee_rating) AS mentee_ratings,
        sum(mt.mentor_rating) AS mentor_rating_sum, count(mt.mentor_rating) AS mentor_ratings
    FROM indicator_meetings mt
    JOIN year_pairs y ON y.id = mt.pair_id
    LEFT JOIN contingent c ON c.tenant = y.tenant
    WHERE mt.held_on >= coalesce(c.monitoring_from, $6::date)
      AND mt.held_on <= least(coalesce(c.monitoring_to, $7::date), $3::date)
    GROUP BY y.key
),
partner_population AS (
    SELECT DISTINCT subpath(a.tenant, 0, $4) AS key, a.partner_id FROM partner_agreements a
    WHERE a.tenant <@ $1::ltree AND a.signed_on <= $3
      AND (a.valid_until IS NULL OR a.valid_until >= $8::date)
),
partners AS (
    SELECT pp.key, count(*) AS partners,
        count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM participants p
            WHERE p.key = pp.key AND p.role = 'mentor' AND p.partner_id = pp.partner_id
        )) AS partners_providing
    FROM partner_population pp GROUP BY pp.key
),
trained AS (
    SELECT subpath(tenant, 0, $4) AS key, count(DISTINCT person_id) AS trained_mentors
    FROM course_completions WHERE tenant <@ $1::ltree AND completed_on <= $3
    GROUP BY 1
)
SELECT g.key::text AS key,
    coalesce(p.mentees, 0) AS mentees, coalesce(p.mentors, 0) AS mentors,
    coalesce(p.mentees_with_plan, 0) AS mentees_with_plan,
    coalesce(p.students_involved, 0) AS students_involved,
    coalesce(p.mentees_10_18, 0) AS mentees_10_18,
    coalesce(p.mentors_15_19, 0) AS mentors_15_19,
    coalesce(p.young_teachers_mentored, 0) AS young_teachers_mentored,
    coalesce(a.pairs, 0) AS pairs, coalesce(a.lagging_pairs, 0) AS lagging_pairs,
    coalesce(t.schools_reporting, 0) AS schools_reporting,
    t.students, t.students_10_18, t.students_15_19, t.teachers, t.young_teachers,
    coalesce(r.mentee_rating_sum, 0) AS mentee_rating_sum,
    coalesce(r.mentee_ratings, 0) AS mentee_ratings,
    coalesce(r.mentor_rating_sum, 0) AS mentor_rating_sum,
    coalesce(r.mentor_ratings, 0) AS mentor_ratings,
    coalesce(pa.partners, 0) AS partners,
    coalesce(pa.partners_providing, 0) AS partners_providing,
    coalesce(tr.trained_mentors, 0) AS trained_mentors
FROM groups g
LEFT JOIN people p ON p.key = g.key
LEFT JOIN pairs a ON a.key = g.key
LEFT JOIN totals t ON t.key = g.key
LEFT JOIN ratings r ON r.key = g.key
LEFT JOIN partners pa ON pa.key = g.key
LEFT JOIN trained tr ON tr.key = g.key
ORDER BY g.key
"""

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
    rows = await fetch(
        MEASURES,
        scope,
        school_year,
        on,
        depth,
        first_year(school_year),
        window_from,
        window_to,
        year_start(school_year),
    )
    return {row["key"]: dict(row) for row in rows}


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


# indicator → (numerator column, denominator column); None: no data yet.
SOURCES: dict[str, tuple[str, str | None] | None] = {
    "students_involved": ("students_involved", "students"),
    "mentees_10_18": ("mentees_10_18", "students_10_18"),
    "mentors_15_19": ("mentors_15_19", "students_15_19"),
    "young_teachers_mentored": ("young_teachers_mentored", "young_teachers"),
    "partners_providing_mentors": ("partners_providing", "partners"),
    "mentee_satisfaction": ("mentee_rating_sum", "mentee_ratings"),
    "mentor_satisfaction": ("mentor_rating_sum", "mentor_ratings"),
    "individual_plan": ("mentees_with_plan", "mentees"),
    "positive_dynamics": None,  # entry and exit diagnostics are not recorded yet
    "trained_mentors": ("trained_mentors", None),
}


def indicator_value(
    indicator: Indicator, counts: dict[str, Any] | None, on: date, target: float | None
) -> IndicatorValue:
    source = SOURCES[indicator.code]
    if source is None or counts is None:
        note = (
            "нет данных: входная и итоговая диагностики ещё не ведутся"
            if source is None
            else NO_DATA
        )
        return IndicatorValue(indicator, on, None, None, None, target, note)
    numerator_column, denominator_column = source
    numerator = int(counts[numerator_column])
    if denominator_column is None:
        return IndicatorValue(indicator, on, numerator, None, float(numerator), target, None)
    denominator = counts[denominator_column]
    if not denominator:
        note = "нет данных: школы не внесли контингент" if denominator is None else NO_DATA
        return IndicatorValue(indicator, on, numerator, denominator, None, target, note)
    ratio = numerator / denominator
    value = round(ratio * 100 if indicator.unit == Unit.PERCENT else ratio, 2)
    return IndicatorValue(indicator, on, numerator, int(denominator), value, target, None)


def indicator_rows(
    counts: dict[str, Any] | None, on: date, targets: dict[str, float]
) -> list[IndicatorValue]:
    return [indicator_value(i, counts, on, targets.get(i.code)) for i in INDICATORS]
