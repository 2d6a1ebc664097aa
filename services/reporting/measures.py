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

from services.reporting.projections.indicator_days import COUNTERS, STATE, WINDOWED
from shared.errors import InvalidInput
from shared.indicators import (
    INDICATORS,
    Indicator,
    Unit,
    check_school_year,
    default_window,
    year_end,
    year_start,
)

Fetch = Callable[..., Awaitable[list[Any]]]

# Each query counts per school (a person and their pairs belong to one school, so per-school
# distinct counts add up exactly); `measure` rolls the few per-school rows up in Python.

SCHOOLS = """
SELECT o.tenant::text AS school, c.students, c.students_10_18, c.students_15_19, c.teachers,
    c.young_teachers, c.school_id IS NOT NULL AS reported,
    coalesce(c.monitoring_from, $3::date) AS window_from,
    coalesce(c.monitoring_to, $4::date) AS window_to
FROM organisations o
LEFT JOIN school_contingents c ON c.tenant = o.tenant AND c.school_year = $2
WHERE o.kind = 'school' AND o.tenant <@ $1::ltree
"""

# A school's counters on the reference date from its counters per day (`indicator_facts`):
# those that count up to the date, and the ratings inside the monitoring window up to it — here
# the default window; schools with a window of their own are counted apart (`OWN_WINDOWS`).
# No query joins two tables: the planner cannot know how many rows the scope of a policy lets
# through, and joins it planned on a guess of one row were nested loops over every school.
# $1 scope, $2 school year, $3 reference date, then days of the window as each query says.


def _union(*parts: tuple[str, str, Callable[[str], str]]) -> str:
    """One row per school: the counters summed over the parts, each (table, condition, how a
    counter of it counts — the others count zero)."""
    selects = [
        f"SELECT tenant, {', '.join(value(c) if c in _COLUMNS[table] else '0' for c in COUNTERS)}"
        f" FROM {table} WHERE tenant <@ $1::ltree AND school_year = $2 AND {condition}"
        for table, condition, value in parts
    ]
    return (
        f"SELECT tenant::text AS school, {', '.join(f'sum({c}) AS {c}' for c in COUNTERS)}"
        f" FROM ({' UNION ALL '.join(selects)}) AS counted ({', '.join(('tenant', *COUNTERS))})"
        " GROUP BY tenant"
    )


_COLUMNS = {
    "indicator_years": COUNTERS,
    "indicator_days": STATE,
    "indicator_rating_days": WINDOWED,
}

# The days up to the reference date, summed. $4/$5 the window's first and last day (up to $3).
COUNTS_UP_TO = _union(
    ("indicator_days", "day <= $3", lambda c: c),
    ("indicator_rating_days", "day BETWEEN $4 AND $5", lambda c: c),
)

# The year's totals (up to the school year's last day, the ratings of the default window) less
# the days after the reference date. $4/$5 the window's last day up to $3, and its last day.
COUNTS_FROM_TOTALS = _union(
    ("indicator_years", "true", lambda c: c),
    ("indicator_days", "day > $3", lambda c: f"-{c}"),
    ("indicator_rating_days", "day > $4 AND day <= $5", lambda c: f"-{c}"),
)

# The ratings of schools with a window of their own: $3, $4, $5 each school's path and its
# window's first and last day (up to the reference date).
OWN_WINDOWS = f"""
SELECT d.tenant::text AS school, {", ".join(f"sum(d.{c}) AS {c}" for c in WINDOWED)}
FROM unnest($3::text[], $4::date[], $5::date[]) AS w(school, first, last)
JOIN indicator_rating_days d ON d.tenant = w.school::ltree AND d.day BETWEEN w.first AND w.last
WHERE d.tenant <@ $1::ltree AND d.school_year = $2
GROUP BY 1
"""

# Partners whose staff mentor in the school's pairs approved by the reference date.
# $1 scope, $2 school year, $3 reference date
PROVIDING = """
SELECT tenant::text AS school, array_agg(partner_id) AS partners FROM indicator_partners
WHERE tenant <@ $1::ltree AND school_year = $2 AND since <= $3
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
SUMMED = (
    "mentees",
    "mentors",
    "mentees_with_plan",
    "pairs",
    "lagging_pairs",
    "diagnosed",
    "improved",
    *WINDOWED,
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
    if schools:
        per_school = await _counts(fetch, schools, scope, school_year, on)
    for row in await fetch(PROVIDING, scope, school_year, on):
        per_school.setdefault(row["school"], {})["partners"] = row["partners"]
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


async def _counts(
    fetch: Fetch, schools: list[Any], scope: str, school_year: str, on: date
) -> dict[str, dict[str, Any]]:
    """The schools' counters on `on`, read from whichever side of it holds fewer days of the
    school year: up to it from the year's start, or after it up to today."""
    window_from, window_to = default_window(school_year)
    last_day = min(date.today(), year_end(school_year))
    if on - year_start(school_year) <= last_day - on:
        rows = await fetch(COUNTS_UP_TO, scope, school_year, on, window_from, min(window_to, on))
    else:
        rows = await fetch(
            COUNTS_FROM_TOTALS, scope, school_year, on, min(window_to, on), window_to
        )
    counts = {row["school"]: dict(row) for row in rows}
    own = [s for s in schools if (s["window_from"], s["window_to"]) != (window_from, window_to)]
    if own:
        rows = await fetch(
            OWN_WINDOWS,
            scope,
            school_year,
            [s["school"] for s in own],
            [s["window_from"] for s in own],
            [min(s["window_to"], on) for s in own],
        )
        inside = {row["school"]: row for row in rows}
        for school in (s["school"] for s in own):  # in place of the default window's
            ratings = inside.get(school, {})
            counts.setdefault(school, {}).update({c: ratings.get(c) or 0 for c in WINDOWED})
    return counts


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
