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
from shared.adapters.settings import region_today
from shared.indicators import (
    INDICATORS,
    Indicator,
    Unit,
    applies,
    check_school_year,
    default_window,
    year_end,
    year_start,
)
from shared.kernel.errors import InvalidInput

Fetch = Callable[..., Awaitable[list[Any]]]

# Each query counts per school or group of schools (a person and their pairs belong to one
# school, so per-school distinct counts add up exactly). No query joins two tables: the
# planner cannot know how many rows the scope of a policy lets through, and joins it planned
# on a guess of one row were nested loops over every school.

# $1 scope
SCHOOLS = """
SELECT tenant::text AS school, education_kind FROM organisations
WHERE kind = 'school' AND tenant <@ $1::ltree
"""

# The schools that reported their contingent for the year: $1 scope, $2 school year
CONTINGENTS = """
SELECT tenant::text AS school, students, students_10_18, students_15_19, teachers,
    young_teachers, monitoring_from, monitoring_to
FROM school_contingents WHERE tenant <@ $1::ltree AND school_year = $2
"""

# Counted only in schools that reported their contingent (the denominators' population).
CONTINGENT_SHARES = (
    "students_involved",
    "mentees_10_18",
    "mentors_15_19",
    "young_teachers_mentored",
)

_COLUMNS = {
    "indicator_years": COUNTERS,
    "indicator_days": STATE,
    "indicator_rating_days": WINDOWED,
}


_HOW = {"as is": "{}", "added": "sum({})", "taken off": "-sum({})"}


def _union(*parts: tuple[str, str, str]) -> str:
    """Rows of schools' counters (several per school, to be added up), from parts each (table,
    condition, how its counters count: `_HOW`, summed per school but for rows "as is"); the
    counters a table does not hold count zero."""
    selects = []
    for table, condition, how in parts:
        values = [_HOW[how].format(c) if c in _COLUMNS[table] else "0" for c in COUNTERS]
        selects.append(
            f"SELECT tenant::text AS school, {', '.join(values)} FROM {table}"
            f" WHERE tenant <@ $1::ltree AND school_year = $2 AND {condition}"
            + ("" if how == "as is" else " GROUP BY tenant")
        )
    return " UNION ALL ".join(selects)


# The counters per day (`indicator_facts`) that count on the reference date: those up to it,
# and the ratings inside the default monitoring window up to it (schools with a window of their
# own are counted apart, `OWN_WINDOWS`). $1 scope, $2 school year, $3 reference date.

# The days up to the reference date. $4/$5 the window's first and last day (up to $3).
COUNTS_UP_TO = _union(
    ("indicator_days", "day <= $3", "added"),
    ("indicator_rating_days", "day BETWEEN $4 AND $5", "added"),
)

# The year's totals (up to the school year's last day, the ratings of the default window), and
# less the days after the reference date. $4/$5 the window's last day up to $3, and its last.
COUNTS_FROM_TOTALS = _union(
    ("indicator_years", "true", "as is"),
    ("indicator_days", "day > $3", "taken off"),
    ("indicator_rating_days", "day > $4 AND day <= $5", "taken off"),
)

# The ratings of schools with a window of their own, inside it and inside the default one (up
# to the reference date), each school's days read by its key (LATERAL: by school, whatever the
# estimates): $3/$4 the default window's first and last day, $5, $6, $7 each school's path and
# its window's first and last day.
_INSIDE_OWN = (f"sum({c}) FILTER (WHERE day BETWEEN w.first AND w.last) AS {c}" for c in WINDOWED)
_INSIDE_DEFAULT = (
    f"sum({c}) FILTER (WHERE day BETWEEN $3 AND $4) AS default_{c}" for c in WINDOWED
)
OWN_WINDOWS = f"""
SELECT w.school, r.*
FROM unnest($5::text[], $6::date[], $7::date[]) AS w(school, first, last)
CROSS JOIN LATERAL (
    SELECT {", ".join((*_INSIDE_OWN, *_INSIDE_DEFAULT))} FROM indicator_rating_days
    WHERE tenant = w.school::ltree AND tenant <@ $1::ltree AND school_year = $2
      AND (day BETWEEN w.first AND w.last OR day BETWEEN $3 AND $4)
) r
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
NOT_APPLICABLE = "не применяется"


# $1 school year: the periods of its programmes the caller sees (row-level security)
PROGRAMME_PERIODS = """
SELECT min(starts_on) AS starts_on, max(ends_on) AS ends_on FROM programmes WHERE school_year = $1
"""


def reference_date(
    school_year: str,
    on: date | None,
    today: date | None = None,
    programmes: tuple[date | None, date | None] = (None, None),
) -> date:
    """The day the indicators are measured on: the given one (inside the school year, or inside
    the period of one of its programmes — a programme's period is its own and may cross school
    years), or today, or the last day of both once it is over."""
    check_school_year(school_year)
    start, end = year_start(school_year), year_end(school_year)
    widened = min(start, programmes[0] or start), max(end, programmes[1] or end)
    if on is None:
        return min(today or region_today(), widened[1])
    if not widened[0] <= on <= widened[1]:
        beyond = (
            f" и сроков его программ ({widened[0]:%d.%m.%Y} – {widened[1]:%d.%m.%Y})"
            if widened != (start, end)
            else ""
        )
        raise InvalidInput(
            "date_outside_school_year",
            f"Отчётная дата {on:%d.%m.%Y} вне учебного года {school_year}{beyond}",
        )
    return on


async def programme_reference_date(fetch: Fetch, school_year: str, on: date | None) -> date:
    """`reference_date` with the periods of the school year's programmes the caller sees."""
    check_school_year(school_year)
    [period] = await fetch(PROGRAMME_PERIODS, school_year)
    return reference_date(school_year, on, programmes=(period["starts_on"], period["ends_on"]))


async def measure(
    fetch: Fetch, scope: str, depth: int, school_year: str, on: date
) -> dict[str, dict[str, Any]]:
    """The raw counts of every group (school or municipality) under `scope`, by group path."""

    def key_of(path: str) -> str:
        return ".".join(path.split(".")[:depth])

    # each school's group, found once: a region has thousands of schools
    found = await fetch(SCHOOLS, scope)
    schools = {row["school"]: key_of(row["school"]) for row in found}
    groups = {key: _empty_group(key) for key in set(schools.values())}
    for row in found:
        group = groups[schools[row["school"]]]
        group["schools"] += 1
        group["kinds"].add(row["education_kind"])
    if not schools:
        return groups
    contingents = [
        r for r in await fetch(CONTINGENTS, scope, school_year) if r["school"] in schools
    ]
    for contingent in contingents:
        group = groups[schools[contingent["school"]]]
        group["schools_reporting"] += 1
        for column in CONTINGENT:
            group[column] = (group[column] or 0) + contingent[column]
    reported = {contingent["school"] for contingent in contingents}
    counted: dict[tuple[str, bool], list[Any]] = {}
    for row in await _counts(fetch, scope, school_year, on):
        if row["school"] in schools:
            counted.setdefault((schools[row["school"]], row["school"] in reported), []).append(row)
    for (key, in_contingent), rows in counted.items():
        columns = list(zip(*rows, strict=True))[1:]  # after the school's path
        sums = dict(zip(COUNTERS, map(sum, columns), strict=True))
        for column in (*SUMMED, *CONTINGENT_SHARES) if in_contingent else SUMMED:
            groups[key][column] += sums[column]
    for school, ratings in (await _own_windows(fetch, contingents, scope, school_year, on)).items():
        group = groups[schools[school]]
        for column, change in ratings.items():
            group[column] += change
    for row in await fetch(PROVIDING, scope, school_year, on):
        if row["school"] in schools:
            groups[schools[row["school"]]]["mentor_partners"] |= set(row["partners"])
    await _partners_and_training(fetch, groups, scope, depth, school_year, on)
    return groups


async def _counts(fetch: Fetch, scope: str, school_year: str, on: date) -> list[Any]:
    """The schools' counters on `on`, read from whichever side of it holds fewer days of the
    school year: up to it from the year's start, or after it up to today."""
    window_from, window_to = default_window(school_year)
    last_day = min(region_today(), year_end(school_year))
    if on - year_start(school_year) <= last_day - on:
        return await fetch(COUNTS_UP_TO, scope, school_year, on, window_from, min(window_to, on))
    return await fetch(COUNTS_FROM_TOTALS, scope, school_year, on, min(window_to, on), window_to)


async def _own_windows(
    fetch: Fetch, contingents: list[Any], scope: str, school_year: str, on: date
) -> dict[str, dict[str, int]]:
    """What counting a school's ratings in its own window instead of the default one changes."""
    window_from, window_to = default_window(school_year)
    own = [
        (c["school"], c["monitoring_from"] or window_from, c["monitoring_to"] or window_to)
        for c in contingents
        if (c["monitoring_from"] or window_from, c["monitoring_to"] or window_to)
        != (window_from, window_to)
    ]
    if not own:
        return {}
    rows = await fetch(
        OWN_WINDOWS,
        scope,
        school_year,
        window_from,
        min(window_to, on),
        [school for school, _, _ in own],
        [first for _, first, _ in own],
        [min(last, on) for _, _, last in own],
    )
    return {
        row["school"]: {c: (row[c] or 0) - (row[f"default_{c}"] or 0) for c in WINDOWED}
        for row in rows
    }


def _empty_group(key: str) -> dict[str, Any]:
    group: dict[str, Any] = {
        "key": key,
        "schools": 0,
        "schools_reporting": 0,
        "kinds": set(),  # the kinds of its educational organisations
        "mentor_partners": set(),
    }
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
class RatingSources:
    """A satisfaction indicator's ratings split by who gave them: the participants themselves
    on their own pages, or a staff member who entered them for the participant."""

    participant_ratings: int
    participant_mean: float | None
    staff_ratings: int
    staff_mean: float | None


def _mean(total: int, ratings: int) -> float | None:
    return round(total / ratings, 2) if ratings else None


@dataclass(frozen=True)
class IndicatorValue:
    indicator: Indicator
    reference_date: date
    numerator: int | None
    denominator: int | None
    value: float | None
    target: float | None
    note: str | None
    sources: RatingSources | None = None

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

# A satisfaction indicator → the counters of the ratings participants gave themselves.
OWN_SOURCES = {
    "mentee_satisfaction": ("mentee_own_rating_sum", "mentee_own_ratings"),
    "mentor_satisfaction": ("mentor_own_rating_sum", "mentor_own_ratings"),
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
    if not applies(indicator.code, counts["kinds"]):
        return IndicatorValue(indicator, on, None, None, None, target, NOT_APPLICABLE)
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
    return IndicatorValue(
        indicator,
        on,
        numerator,
        int(denominator),
        value,
        target,
        None,
        rating_sources(indicator, counts, numerator, int(denominator)),
    )


def rating_sources(
    indicator: Indicator, counts: dict[str, Any], total: int, ratings: int
) -> RatingSources | None:
    """Participants' own ratings and the staff-entered rest (all ratings less the own)."""
    if indicator.code not in OWN_SOURCES:
        return None
    own_sum, own_ratings = (int(counts[column]) for column in OWN_SOURCES[indicator.code])
    return RatingSources(
        own_ratings,
        _mean(own_sum, own_ratings),
        ratings - own_ratings,
        _mean(total - own_sum, ratings - own_ratings),
    )


def indicator_rows(
    counts: dict[str, Any] | None, on: date, targets: dict[str, float]
) -> list[IndicatorValue]:
    return [indicator_value(i, counts, on, targets.get(i.code)) for i in INDICATORS]
