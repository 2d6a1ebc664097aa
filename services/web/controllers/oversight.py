"""What the pages above the school share: who may open them, the school year they show, and
the query string of a list page (its filters kept when sorting or paging)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from litestar import Request

from shared.adapters.settings import region_today
from shared.dictionaries import school_year_of
from shared.kernel.principal import ROLE_NAMES, Role

from ..backend import Backend, Refused
from ..reads import Read
from ..session import WebUser

# Municipality and institute compare and review schools; the region sees the same and its KPIs.
OVERSEERS = frozenset(
    {Role.MUNICIPALITY_OFFICER, Role.INSTITUTE_METHODOLOGIST, Role.REGION_OFFICER}
)
# Who reviews a school's self-audit (the registry checks the same roles).
REVIEWERS = frozenset({Role.MUNICIPALITY_OFFICER, Role.INSTITUTE_METHODOLOGIST})
# The institute keeps the regional base of mentors by name; nobody else browses it.
REGISTER_KEEPERS = frozenset({Role.INSTITUTE_METHODOLOGIST})
REGION = frozenset({Role.REGION_OFFICER, Role.INSTITUTE_METHODOLOGIST})

_SCHOOL_YEAR = re.compile(r"^\d{4}/\d{2}$")
LOOK_BACK = 5  # school years offered: the current one and the four before it


def allow(user: WebUser, roles: frozenset[Role]) -> None:
    """Another role's page answers the 403 page (the services would refuse it anyway)."""
    if user.principal.role not in roles:
        role = ROLE_NAMES[user.principal.role]
        raise Refused(403, "role_not_allowed", f"Эта страница не для роли «{role}»")


@dataclass(frozen=True)
class SchoolYears:
    chosen: str
    options: list[str]


async def school_years(
    request: Request[Any, Any, Any], backend: Backend, user: WebUser, asked: str | None
) -> SchoolYears:
    """The school years to choose from (those with programmes in scope, and the current one)
    and the one shown: as asked, else as chosen before, else the latest with programmes. The
    list is looked up once a session: it costs a read of every programme in scope."""
    session = request.session
    options: list[str] | None = session.get("school_years")
    if not options:
        with_programmes = await _years_with_programmes(backend, user, region_today())
        current = school_year_of(region_today())
        options = sorted({*with_programmes, current}, reverse=True)
        session["school_years"] = options
        session["school_year"] = with_programmes[0] if with_programmes else current
    if asked and _SCHOOL_YEAR.match(asked):
        # A year asked for is shown even without programmes (a self-audit, an empty year).
        session["school_year"] = asked
        if asked not in options:
            options = sorted({*options, asked}, reverse=True)
    chosen = session.get("school_year") or options[0]
    return SchoolYears(chosen=chosen, options=options)


class Count(Read):
    totalCount: int


async def _years_with_programmes(backend: Backend, user: WebUser, today: date) -> list[str]:
    """The recent school years (newest first) in which the scope has programmes: one count a
    year, in one query."""
    first = int(school_year_of(today)[:4])
    years = [f"{y}/{(y + 1) % 100:02d}" for y in range(first, first - LOOK_BACK, -1)]
    asked = " ".join(
        f"y{n}: programmes(schoolYear: $y{n}, first: 1) {{ totalCount }}" for n in range(len(years))
    )
    declared = ", ".join(f"$y{n}: String!" for n in range(len(years)))
    found = await backend.query(
        user.token,
        f"query({declared}) {{ {asked} }}",
        dict[str, Count],
        **{f"y{n}": year for n, year in enumerate(years)},
    )
    return [year for n, year in enumerate(years) if found[f"y{n}"].totalCount]


def query_string(params: Mapping[str, Any], **changes: Any) -> str:
    """`?…` of the page's parameters with some changed (None drops one), for sort and page
    links that keep the filters."""
    merged = {**params, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "", False)}
    return "?" + urlencode(kept) if kept else ""


def parse_day(raw: str) -> date | None:
    """A date typed as ДД.ММ.ГГГГ or sent by a date field (ISO); None if it is neither."""
    for parse in (date.fromisoformat, lambda text: datetime.strptime(text, "%d.%m.%Y").date()):
        try:
            return parse(raw)
        except ValueError:
            continue
    return None
