"""The region's page: the indicators of the target model against the year's targets, for the
region and by municipality, and each indicator's trend over school years — tables beside charts
drawn on the server (`charts.py`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from services.registry.labels import group_name
from shared.indicators import INDICATORS, INDICATORS_BY_CODE

from .. import charts
from ..backend import Backend, Refused
from ..pages import page
from ..reads import (
    INDICATOR_FIELDS,
    Connection,
    Date,
    FrameIntroductions,
    IndicatorValue,
    Read,
)
from ..session import WebUser
from .oversight import REGION, allow, parse_day, school_years

ROW = INDICATOR_FIELDS
FRAME = "frame name deadline measuredOn organisations introduced share notIntroduced"
REGION_TABLE = f"""
query($year: String!, $on: Date) {{
  indicators(schoolYear: $year, on: $on) {{
    organisation {{ name }} referenceDate schools schoolsReporting
    rows {{ {ROW} definition frameHeading }}
  }}
  frameIntroduction(on: $on) {{ frames {{ {FRAME} }} }}
  municipalityComparison(schoolYear: $year, on: $on, first: 200) {{
    edges {{ node {{ organisation {{ id name kind }} schools schoolsReporting notStarted
                     indicators {{ {ROW} }} }} }}
  }}
}}
"""
TREND = f"""
query($code: String!) {{
  indicatorTrend(code: $code) {{ schoolYear indicator {{ {ROW} }} }}
}}
"""


class OrganisationName(Read):
    name: str


class IndicatorDefined(IndicatorValue):
    definition: str
    frameHeading: str  # the students' model's or the teachers' system's


class Table(Read):
    """The region's indicators on a reference date."""

    organisation: OrganisationName
    referenceDate: Date
    schools: int
    schoolsReporting: int
    rows: list[IndicatorDefined]


class Municipality(Read):
    """A municipality, or the region's own node of the organisations it founds."""

    id: str
    name: str
    kind: str

    @property
    def title(self) -> str:
        return group_name(self.kind, self.name)


class MunicipalityRow(Read):
    organisation: Municipality
    schools: int
    schoolsReporting: int
    notStarted: list[str]
    indicators: list[IndicatorValue]


class RegionTable(Read):
    indicators: Table
    frameIntroduction: FrameIntroductions
    municipalityComparison: Connection[MunicipalityRow]


class TrendPoint(Read):
    schoolYear: str
    indicator: IndicatorValue


class Trend(Read):
    indicatorTrend: list[TrendPoint]


# The indicators the comparison table shows by municipality (all of them are in the chart's
# select and in the region's table).
COLUMNS = ("students_involved", "mentees_10_18", "young_teachers_mentored", "mentee_satisfaction")


def _reference_date(raw: str, errors: dict[str, str]) -> date | None:
    day = parse_day(raw) if raw else None
    if raw and day is None:
        errors["on"] = "Укажите дату в формате ДД.ММ.ГГГГ"
    return day


class RegionController(Controller):
    path = "/region"

    @get("/indicators")
    async def indicators(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        year: str | None = None,
        indicator: str = "students_involved",
        on: str = "",
    ) -> Template:
        allow(user, REGION)
        years = await school_years(request, backend, user, year)
        code = indicator if indicator in INDICATORS_BY_CODE else "students_involved"
        errors: dict[str, str] = {}
        day = _reference_date(on.strip(), errors)
        try:
            data = await backend.query(
                user.token, REGION_TABLE, RegionTable, year=years.chosen, on=day and day.isoformat()
            )
        except Refused as refusal:
            if refusal.code != "date_outside_school_year":
                raise
            errors["on"] = refusal.message
            data = await backend.query(
                user.token, REGION_TABLE, RegionTable, year=years.chosen, on=None
            )
        trend = (await backend.query(user.token, TREND, Trend, code=code)).indicatorTrend
        municipalities = data.municipalityComparison.nodes
        table = data.indicators
        return page(
            "region/indicators.html",
            user,
            status_code=400 if errors else 200,
            years=years,
            code=code,
            on=on,
            errors=errors,
            table=table,
            by_frame=_by_frame(table.rows),
            frames=data.frameIntroduction.frames,
            municipalities=municipalities,
            columns=[INDICATORS_BY_CODE[c] for c in COLUMNS],
            choices=INDICATORS,
            by_municipality=_by_municipality(municipalities, code),
            trend=trend,
            trend_chart=_trend_chart(trend),
            overview_chart=_overview_chart(table.rows),
        )


def _by_frame(rows: list[IndicatorDefined]) -> dict[str, list[IndicatorDefined]]:
    """Each frame's indicators under its own heading, the students' model's first."""
    headed: dict[str, list[IndicatorDefined]] = {}
    for row in rows:
        headed.setdefault(row.frameHeading, []).append(row)
    return headed


def _row_of(rows: list[IndicatorValue], code: str) -> IndicatorValue:
    return next(r for r in rows if r.code == code)


def _by_municipality(municipalities: list[MunicipalityRow], code: str) -> str:
    rows = [_row_of(m.indicators, code) for m in municipalities]
    name = rows[0].name if rows else INDICATORS_BY_CODE[code].name
    return charts.against_target(
        f"{name}: по муниципалитетам",
        rows[0].unitName if rows else "",
        [m.organisation.title for m in municipalities],
        [r.value for r in rows],
        [r.target for r in rows],
    )


def _trend_chart(points: list[TrendPoint]) -> str:
    rows = [p.indicator for p in points]
    name = rows[0].name if rows else "Показатель"
    return charts.trend(
        f"{name}: по учебным годам",
        rows[0].unitName if rows else "",
        [p.schoolYear for p in points],
        [r.value for r in rows],
        [r.target for r in rows],
    )


def _overview_chart(rows: list[IndicatorDefined]) -> str:
    """The region's shares (in %) beside their targets, one pair of bars per indicator."""
    shares = [r for r in rows if r.unitName == "%"]
    return charts.against_target(
        "Доли, % — регион и цели",
        "%",
        [r.name for r in shares],
        [r.value for r in shares],
        [r.target for r in shares],
        horizontal=True,
    )
