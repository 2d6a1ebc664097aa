"""How a batch's changes to the indicators' counters are written: in one statement (a round
trip is most of what a batch of one event costs), the days that come to nothing removed in it."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

import asyncpg

from shared.indicators import default_window

from .indicator_days import (
    COUNTERS,
    STATE,
    WINDOWED,
    Days,
    add,
    as_row,
    difference,
    encode,
)

Key = tuple[str, str]  # (school path, school year)


@dataclass
class Changes:
    """What a batch changes: the counters per school, school year and day, what each subject
    counts now and partners' first days — written together at the end."""

    by_school: dict[Key, Days] = field(default_factory=dict)
    contributions: dict[tuple[str, UUID, Key], Days] = field(default_factory=dict)
    partners: dict[tuple[Key, UUID], date] = field(default_factory=dict)

    def add(self, key: Key, days: Days) -> None:
        school = self.by_school.setdefault(key, {})
        for day, counts in days.items():
            for counter, amount in counts.items():
                add(school, day, counter, amount)

    def count(self, part: str, subject: UUID, key: Key, days: Days, counted: Days) -> None:
        """A subject (a pair, a person, a mentee's dynamics) counts `days` instead of
        `counted`."""
        if days != counted:
            self.add(key, difference(days, counted))
            self.contributions[(part, subject, key)] = days

    def partner(self, key: Key, partner: UUID, since: date) -> None:
        earlier = self.partners.get((key, partner))
        self.partners[(key, partner)] = since if earlier is None else min(since, earlier)

    async def write(self, connection: asyncpg.Connection) -> None:
        """One statement for every table with changes (a round trip is most of what a batch of
        one event costs)."""
        state, ratings, totals = self._days()
        rows: dict[str, list[tuple[Any, ...]]] = {
            "days": state,
            "rating_days": ratings,
            "years": totals,
            "contributions": [
                (part, subject, year, tenant, json.dumps(encode(days)))
                for (part, subject, (tenant, year)), days in self.contributions.items()
                if days
            ],
            # a subject that comes to count nothing (a pair ended on its order's day) has no
            # row, as one that never counted: however the batches fell, the rows are the same
            "forgotten": [
                (part, subject, year, tenant)
                for (part, subject, (tenant, year)), days in self.contributions.items()
                if not days
            ],
            "partners": [
                (tenant, year, partner, since)
                for ((tenant, year), partner), since in self.partners.items()
            ],
        }
        changed = tuple(name for name, found in rows.items() if found)
        if changed:
            await connection.execute(
                _applying(changed),
                *(array for name in changed for array in _arrays(rows[name])),
            )

    def _days(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Rows of each day's counts, and of the year's totals: every day, past the school
        year's last too (a programme's period may run beyond it, and its reference dates with
        it), the ratings inside the default window."""
        state, ratings, totals = [], [], []
        for (tenant, year), days in self.by_school.items():
            window_from, window_to = default_window(year)
            total = [0] * len(COUNTERS)
            for day, counts in days.items():
                if any(as_row(counts, STATE)):
                    state.append((tenant, year, day, *as_row(counts, STATE)))
                if any(as_row(counts, WINDOWED)):
                    ratings.append((tenant, year, day, *as_row(counts, WINDOWED)))
                inside = window_from <= day <= window_to
                rated = as_row(counts, WINDOWED) if inside else [0] * len(WINDOWED)
                total = [a + b for a, b in zip(total, as_row(counts, STATE) + rated, strict=True)]
            if any(total):
                totals.append((tenant, year, *total))
        return state, ratings, totals


def _arrays(rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """Rows as one list per column (what `unnest` takes)."""
    return [list(column) for column in zip(*rows, strict=True)]


# The array type of each column a batch writes: counters are ints, `…_since` dates.
_TYPES = {
    "tenant": "text",
    "school_year": "text",
    "day": "date",
    "part": "text",
    "subject": "uuid",
    "days": "jsonb",
    "person_id": "uuid",
    "partner_id": "uuid",
    "since": "date",
}


def _array_type(column: str) -> str:
    return _TYPES.get(column, "date" if column.endswith("_since") else "int")


def _inserting(table: str, columns: tuple[str, ...], first: int, keys: int, update: str) -> str:
    """An upsert of `table` from one array per column, parameters from $`first` on, the
    first `keys` columns its key."""
    arrays = ", ".join(f"${first + i}::{_array_type(c)}[]" for i, c in enumerate(columns))
    selected = ", ".join(f"{c}::ltree" if c == "tenant" else c for c in columns)
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selected}"
        f" FROM unnest({arrays}) AS u({', '.join(columns)})"
        f" ON CONFLICT ({', '.join(columns[:keys])}) DO UPDATE SET {update}"
    )


def _forgetting(first: int) -> str:
    """Deleting the contributions named by one array per key column, from $`first` on."""
    columns = _PARTS["forgotten"][0]
    arrays = ", ".join(f"${first + i}::{_array_type(c)}[]" for i, c in enumerate(columns))
    matched = " AND ".join(
        f"t.{c} = u.{c}::ltree" if c == "tenant" else f"t.{c} = u.{c}" for c in columns
    )
    return (
        f"DELETE FROM indicator_contributions t USING unnest({arrays})"
        f" AS u({', '.join(columns)}) WHERE {matched}"
    )


_DAY = ("tenant", "school_year", "day")
# Each table a batch writes: its columns, how many of them are its key, what a conflict sets.
_YEAR = ("tenant", "school_year")
# Tables of counts added to (`_counting`): their key and counters.
_COUNTED = {"days": (_DAY, STATE), "rating_days": (_DAY, WINDOWED), "years": (_YEAR, COUNTERS)}
_PARTS = {
    "days": ((*_DAY, *STATE), 3, ""),
    "rating_days": ((*_DAY, *WINDOWED), 3, ""),
    "years": ((*_YEAR, *COUNTERS), 2, ""),
    "forgotten": (("part", "subject", "school_year", "tenant"), 4, ""),  # `_forgetting`
    "contributions": (
        ("part", "subject", "school_year", "tenant", "days"),
        4,
        "days = EXCLUDED.days",
    ),
    "partners": (
        ("tenant", "school_year", "partner_id", "since"),
        3,
        "since = least(indicator_partners.since, EXCLUDED.since)",
    ),
}


def _counting(name: str, first: int) -> list[str]:
    """Adding counts to a table of days or of years, a row that comes to nothing removed
    (whatever the batches were, a day or a year that counts nothing has no row): the existing
    rows that cancel out are deleted, the others added to, the new ones inserted — disjoint
    rows, all seen as they were before the statement."""
    keys, counters = _COUNTED[name]
    table, columns = f"indicator_{name}", (*keys, *counters)
    arrays = ", ".join(f"${first + i}::{_array_type(c)}[]" for i, c in enumerate(columns))
    key = " AND ".join(
        "t.tenant = u.tenant::ltree" if k == "tenant" else f"t.{k} = u.{k}" for k in keys
    )
    nothing = " AND ".join(f"t.{c} + u.{c} = 0" for c in counters)
    added = ", ".join(f"{c} = t.{c} + u.{c}" for c in counters)
    return [
        f"{name}_changes AS (SELECT * FROM unnest({arrays}) AS u({', '.join(columns)}))",
        f"{name}_emptied AS (DELETE FROM {table} t USING {name}_changes u"
        f" WHERE {key} AND {nothing})",
        f"{name}_added AS (UPDATE {table} t SET {added}"
        f" FROM {name}_changes u WHERE {key} AND NOT ({nothing}))",
        f"{name}_new AS (INSERT INTO {table} ({', '.join(columns)})"
        f" SELECT u.tenant::ltree, {', '.join(f'u.{c}' for c in columns[1:])}"
        f" FROM {name}_changes u WHERE NOT EXISTS (SELECT FROM {table} t WHERE {key}))",
    ]


@functools.cache
def _applying(parts: tuple[str, ...]) -> str:
    """One statement writing the tables named (data-modifying CTEs), one array parameter per
    column."""
    statements, first = [], 1
    for name in parts:
        columns, keys, update = _PARTS[name]
        if name in _COUNTED:
            statements += _counting(name, first)
        elif name == "forgotten":
            statements.append(f"forgotten AS ({_forgetting(first)})")
        else:
            inserted = _inserting(f"indicator_{name}", columns, first, keys, update)
            statements.append(f"{name} AS ({inserted})")
        first += len(columns)
    return f"WITH {', '.join(statements)} SELECT"
