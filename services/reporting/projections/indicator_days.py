"""What each pair, person and mentee adds to a school's indicators, day by day.

An indicator on a reference date is a sum over the school's pairs, people and ratings; each of
them changes it only on a few days (a pair counts from its order and lags between meetings, a
young teacher stops being young). So each contributes a few signed counts on the days its part
changes (`Days`), and a school's indicators on any date are the sum of its counts up to that
date. The functions here compute a contribution from the facts alone, with the definitions of
`shared.indicators` (the rules of `services/reporting/measures.py` before the counters).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from shared.indicators import FEDERAL_BANDS

# The counters a school keeps per day, in these orders everywhere (tables, arrays, sums): those
# counted up to the reference date, and the ratings, counted inside the monitoring window.
STATE = (
    "pairs",
    "lagging_pairs",
    "mentees",
    "mentors",
    "mentees_with_plan",
    "students_involved",
    "mentees_10_18",
    "mentors_15_19",
    "young_teachers_mentored",
    "diagnosed",
    "improved",
)
# `own`: the ratings a participant gave themselves, not a staff member for them
WINDOWED = (
    "mentee_rating_sum",
    "mentee_ratings",
    "mentor_rating_sum",
    "mentor_ratings",
    "mentee_own_rating_sum",
    "mentee_own_ratings",
    "mentor_own_rating_sum",
    "mentor_own_ratings",
)
COUNTERS = STATE + WINDOWED

DAY = timedelta(days=1)

Days = dict[date, dict[str, int]]  # day → counter → how much it changes that day


def add(days: Days, day: date, counter: str, amount: int = 1) -> None:
    counts = days.setdefault(day, {})
    counts[counter] = counts.get(counter, 0) + amount


def span(days: Days, counter: str, first: date, last: date | None) -> None:
    """Counted from `first` to `last` inclusive (for ever when `last` is None)."""
    if last is not None and last < first:
        return
    add(days, first, counter)
    if last is not None:
        add(days, last + DAY, counter, -1)


def difference(new: Days, old: Days) -> Days:
    """What turns `old` into `new`, without zeros."""
    changed: Days = {}
    for day in new.keys() | old.keys():
        now, before = new.get(day, {}), old.get(day, {})
        for counter in now.keys() | before.keys():
            amount = now.get(counter, 0) - before.get(counter, 0)
            if amount:
                add(changed, day, counter, amount)
    return changed


def encode(days: Days) -> dict[str, dict[str, int]]:
    return {day.isoformat(): counts for day, counts in days.items()}


def decode(stored: dict[str, dict[str, int]] | None) -> Days:
    return {date.fromisoformat(day): counts for day, counts in (stored or {}).items()}


def pair_days(
    approved_on: date | None,
    met_on: Iterable[date],
    every_days: int,
    ended_on: date | None = None,
    final_on: date | None = None,
) -> Days:
    """A pair counts from its order's date until it ends (no longer on the day it ends); it
    lags on each day more than `every_days` after its last meeting up to that day (or after
    the order, before any meeting), until its final meeting or its end."""
    days: Days = {}
    if approved_on is None:
        return days
    span(days, "pairs", approved_on, ended_on - DAY if ended_on else None)
    stop = earliest(final_on, ended_on)  # no lagging from this day on
    for first, last in lagging_spans(approved_on, sorted(set(met_on)), every_days):
        if stop is not None:
            last = stop - DAY if last is None else min(last, stop - DAY)
        span(days, "lagging_pairs", first, last)
    return days


def lagging_spans(
    approved_on: date, met_on: list[date], every_days: int
) -> Iterator[tuple[date, date | None]]:
    """From the order on, the last meeting held by each day changes only on meeting days: on
    each stretch between them the pair lags from its last meeting + `every_days` + 1."""
    earlier = [day for day in met_on if day <= approved_on]
    later = [day for day in met_on if day > approved_on]
    starts = [approved_on, *later]
    last_met = [earlier[-1] if earlier else approved_on, *later]
    for i, (start, anchor) in enumerate(zip(starts, last_met, strict=True)):
        lags_from = max(start, anchor + timedelta(days=every_days + 1))
        end = starts[i + 1] - DAY if i + 1 < len(starts) else None
        if end is None or lags_from <= end:
            yield lags_from, end


@dataclass(frozen=True)
class Person:
    """What the indicators know of a person: kind, year of birth, career start (all in clear)."""

    kind: str
    birth_year: int | None
    teaching_since: date | None


@dataclass(frozen=True)
class Membership:
    """A person's part in one pair approved by order in the school year: as mentor or mentee,
    from the order's date until the pair ended early (None: to the year's end — a pair that
    completed its work leaves its people involved in the year), and whether it has a plan."""

    role: str
    since: date
    until: date | None
    has_plan: bool


def joined(memberships: Iterable[Membership]) -> list[tuple[date, date | None]]:
    """The days covered by any of the memberships, as disjoint spans [since, until)."""
    spans: list[tuple[date, date | None]] = []
    for since, until in sorted(((m.since, m.until) for m in memberships), key=lambda s: s[0]):
        if spans and (spans[-1][1] is None or since <= spans[-1][1]):
            first, last = spans[-1]
            spans[-1] = (first, None if last is None or until is None else max(last, until))
        else:
            spans.append((since, until))
    return spans


def earliest(*days: date | None) -> date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


def person_days(
    person: Person,
    memberships: list[Membership],
    first_year: int,
    bands: dict[str, tuple[int, int]] = FEDERAL_BANDS,
) -> Days:
    """Ages by year of birth against the first calendar year of the school year, within the
    region's bands for the year (the federal ones by default); a young
    teacher (under 3 years of teaching, under 35) counts only while both still hold. Each
    counts on the days the person is in a pair in force (`Membership`)."""
    days: Days = {}
    mentee = [m for m in memberships if m.role == "mentee"]
    mentor = [m for m in memberships if m.role == "mentor"]
    student = person.kind == "student"
    age = None if person.birth_year is None else first_year - person.birth_year
    counted: list[tuple[str, list[Membership], date | None]] = [
        ("mentees", mentee, None),
        ("mentors", mentor, None),
        ("mentees_with_plan", [m for m in mentee if m.has_plan], None),
    ]
    if student:
        counted.append(("students_involved", memberships, None))
    mentees_from, mentees_to = bands.get("mentees_10_18", FEDERAL_BANDS["mentees_10_18"])
    mentors_from, mentors_to = bands.get("mentors_15_19", FEDERAL_BANDS["mentors_15_19"])
    if student and age is not None and mentees_from <= age <= mentees_to:
        counted.append(("mentees_10_18", mentee, None))
    if student and age is not None and mentors_from <= age <= mentors_to:
        counted.append(("mentors_15_19", mentor, None))
    if person.kind == "teacher" and person.teaching_since is not None:
        young_until = last_day_within_three_years(person.teaching_since)
        if person.birth_year is not None:  # under 35 in the reference date's calendar year
            young_until = min(young_until, date(person.birth_year + 34, 12, 31))
        counted.append(("young_teachers_mentored", mentee, young_until))
    for counter, part, last in counted:
        for since, until in joined(part):
            end = until - DAY if until else None
            span(days, counter, since, earliest(end, last))
    return days


def years_before(day: date, years: int) -> date:
    """`day - interval 'N years'` as PostgreSQL computes it (29 February → 28 February)."""
    year = day.year - years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def last_day_within_three_years(teaching_since: date) -> date:
    """The last reference date on which `teaching_since >= reference date - 3 years`."""
    year = teaching_since.year + 3
    last = teaching_since.replace(
        year=year,
        day=min(teaching_since.day, calendar.monthrange(year, teaching_since.month)[1]),
    )
    while years_before(last + DAY, 3) <= teaching_since:
        last += DAY
    return last


@dataclass(frozen=True)
class Diagnostic:
    purpose: str  # entry_diagnostics or exit_diagnostics
    answered_on: date
    scale_mean: Decimal


def diagnostics_days(diagnostics: list[Diagnostic]) -> Days:
    """A mentee is diagnosed once both diagnostics are in, and improved while the last exit
    diagnostics up to the day scores above the first entry diagnostics."""
    days: Days = {}
    ordered = sorted(diagnostics, key=lambda d: d.answered_on)
    entries = [d for d in ordered if d.purpose == "entry_diagnostics"]
    before = {"diagnosed": 0, "improved": 0}
    for day in sorted({d.answered_on for d in ordered}):
        exits = [d for d in ordered if d.purpose == "exit_diagnostics" and d.answered_on <= day]
        first_entry = entries[0] if entries and entries[0].answered_on <= day else None
        now = {"diagnosed": 0, "improved": 0}
        if first_entry is not None and exits:
            now = {"diagnosed": 1, "improved": int(exits[-1].scale_mean > first_entry.scale_mean)}
        for counter, amount in now.items():
            if amount != before[counter]:
                add(days, day, counter, amount - before[counter])
        before = now
    return days


def rating_days(day: date, side: str, ratings: Iterable[int], own: bool) -> Days:
    """Ratings of one side (mentee or mentor) given for one day, by the participant themselves
    (`own`) or entered by a staff member for them."""
    days: Days = {}
    for rating in ratings:
        add(days, day, f"{side}_rating_sum", rating)
        add(days, day, f"{side}_ratings")
        if own:
            add(days, day, f"{side}_own_rating_sum", rating)
            add(days, day, f"{side}_own_ratings")
    return days


def as_row(counts: dict[str, Any], counters: tuple[str, ...]) -> list[int]:
    return [int(counts.get(counter, 0)) for counter in counters]
