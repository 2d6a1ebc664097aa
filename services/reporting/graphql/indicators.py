"""Indicators of the target model for any scope and school year against the region's targets;
schools and municipalities side by side; the trend over school years. Counts and shares only:
nothing here reads a table with names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

import strawberry

from services.programs.labels import STAGE_NAMES
from services.programs.values import Stage
from services.registry.labels import group_name
from services.reporting.measures import (
    IndicatorValue,
    indicator_rows,
    indicator_value,
    measure,
    programme_reference_date,
    targets_of,
)
from shared.frames import frame_of
from shared.indicators import INDICATORS_BY_CODE, POPULATION_NAMES, UNIT_NAMES
from shared.kernel.errors import InvalidInput, NotFound
from shared.kernel.scope import Level, depth, region_of

from .arguments import MunicipalityId, On, OrganisationId, SchoolId, SchoolYear
from .context import Reader, ReaderInfo, reader_of, uuid_of
from .pagination import After, Connection, First, paginate
from .roadmap import COMPLETION, Implementation, completion_percent, load_roadmap
from .search import folded
from .self_audits import gaps_by_school
from .surveys import SurveyResult, load_survey_results


@strawberry.type(
    description=(
        "One indicator of the target model (показатель целевой модели) with its value and target."
    )
)
class IndicatorRow:
    code: str = strawberry.field(
        description="The indicator's code (stable; names the indicator in targets and exports)."
    )
    name: str = strawberry.field(description="The indicator's name in Russian.")
    definition: str = strawberry.field(description="How the indicator is computed, in Russian.")
    population: str = strawberry.field(
        description="Whom the indicator counts (pupils, teachers, pairs…)."
    )
    unit: str = strawberry.field(description="The value's unit (percent, count, score) as a code.")
    unit_name: str = strawberry.field(description="The value's unit in Russian words.")
    reference_date: date = strawberry.field(
        description="The reporting day the value is computed for."
    )
    numerator: int | None = strawberry.field(
        description=(
            "The count above the line, for a share; null for other indicators or without data."
        )
    )
    denominator: int | None = strawberry.field(description="The count below the line, for a share.")
    value: float | None = strawberry.field(
        description="The indicator's value; null without data (`note` says why)."
    )
    target: float | None = strawberry.field(
        description="The year's target for the indicator, if one is set."
    )
    met: bool | None = strawberry.field(
        description="The value reaches the target; null without a value or a target."
    )
    note: str | None = strawberry.field(description="«нет данных» и почему, если значения нет")
    frame: str = strawberry.field(
        description="Рамка, под заголовком которой показатель: students — целевая модель"
        " наставничества обучающихся, teachers — система наставничества педагогических"
        " работников"
    )
    participant_ratings: int | None = strawberry.field(
        description="Удовлетворённость: оценки, которые участники поставили сами"
    )
    participant_mean: float | None = strawberry.field(
        description="Удовлетворённость: средняя из оценок, поставленных участниками сами"
    )
    staff_ratings: int | None = strawberry.field(
        description="Удовлетворённость: оценки, внесённые сотрудником школы за участника"
    )
    staff_mean: float | None = strawberry.field(
        description="Удовлетворённость: средняя из оценок, внесённых сотрудником за участника"
    )

    @classmethod
    def of(cls, value: IndicatorValue) -> IndicatorRow:
        indicator = value.indicator
        sources = value.sources
        return cls(
            code=indicator.code,
            name=indicator.name,
            definition=indicator.definition,
            population=POPULATION_NAMES[indicator.population],
            unit=str(indicator.unit),
            unit_name=UNIT_NAMES[indicator.unit],
            reference_date=value.reference_date,
            numerator=value.numerator,
            denominator=value.denominator,
            value=value.value,
            target=value.target,
            met=value.met,
            note=value.note,
            participant_ratings=None if sources is None else sources.participant_ratings,
            participant_mean=None if sources is None else sources.participant_mean,
            staff_ratings=None if sources is None else sources.staff_ratings,
            staff_mean=None if sources is None else sources.staff_mean,
            frame=str(indicator.frame),
        )

    @strawberry.field(description="Заголовок, под которым показатели рамки стоят в отчётах")
    def frame_heading(self) -> str:
        return frame_of(self.frame).heading


@strawberry.type(description="An organisation of the caller's scope as the indicators name it.")
class ScopeOrganisation:
    id: strawberry.ID = strawberry.field(description="The organisation's id.")
    name: str = strawberry.field(description="The organisation's name.")
    kind: str = strawberry.field(
        description="The organisation's kind (region, municipality, school) as a code."
    )
    education_kind: str | None = strawberry.field(
        description="Вид образовательной организации: школа, ДОО, дополнительного образования, СПО"
    )
    path: str = strawberry.field(
        description="The organisation's place in the region's tree: an ltree path of ids."
    )


@strawberry.type(
    description="The target model's indicators (показатели) of an organisation on a reporting day."
)
class IndicatorTable:
    organisation: ScopeOrganisation = strawberry.field(
        description="The region, municipality or school the indicators are for."
    )
    school_year: str = strawberry.field(description="The school year («2025/2026»).")
    reference_date: date = strawberry.field(description="The reporting day.")
    schools: int = strawberry.field(description="Schools counted.")
    schools_reporting: int = strawberry.field(description="Школы, внёсшие контингент за год")
    rows: list[IndicatorRow] = strawberry.field(description="The indicators, one row each.")


async def _scope_organisation(reader: Reader, organisation_id: strawberry.ID | None) -> Any:
    """The organisation whose subtree is measured: the given one, or the caller's own."""
    if organisation_id is None:
        rows = await reader.fetch(
            "SELECT * FROM organisations WHERE tenant = $1::ltree", reader.caller().scope.path
        )
    else:
        rows = await reader.fetch(
            "SELECT * FROM organisations WHERE id = $1", uuid_of(organisation_id)
        )
    if not rows or rows[0]["kind"] not in {"region", "municipality", "regional", "school"}:
        raise NotFound("organisation_not_found", "Регион, муниципалитет или школа не найдены")
    return rows[0]


def _scope_of(row: Any) -> ScopeOrganisation:
    return ScopeOrganisation(
        id=strawberry.ID(str(row["id"])),
        name=row["name"],
        kind=row["kind"],
        education_kind=row["education_kind"],
        path=str(row["tenant"]),
    )


async def _table(reader: Reader, organisation: Any, school_year: str, on: date) -> IndicatorTable:
    path = str(organisation["tenant"])
    async with reader.session() as fetch:
        counts = await measure(fetch, path, depth(path), school_year, on)
        targets = await targets_of(fetch, region_of(path), school_year)
    group = counts.get(path)
    return IndicatorTable(
        organisation=_scope_of(organisation),
        school_year=school_year,
        reference_date=on,
        schools=group["schools"] if group else 0,
        schools_reporting=group["schools_reporting"] if group else 0,
        rows=[IndicatorRow.of(v) for v in indicator_rows(group, on, targets)],
    )


async def indicators(
    info: ReaderInfo,
    school_year: SchoolYear,
    organisation_id: OrganisationId = None,
    on: On = None,
) -> IndicatorTable:
    """Показатели целевой модели для школы, муниципалитета или региона (по умолчанию — вашей
    области) за учебный год на отчётную дату, с целями региона."""
    return await indicator_table(reader_of(info), school_year, organisation_id, on)


async def indicator_table(
    reader: Reader, school_year: str, organisation_id: strawberry.ID | None, on: date | None
) -> IndicatorTable:
    day = await programme_reference_date(reader.fetch, school_year, on)
    organisation = await _scope_organisation(reader, organisation_id)
    return await _table(reader, organisation, school_year, day)


async def breakdown(
    reader: Reader, table: IndicatorTable, level: Level
) -> list[tuple[str, list[IndicatorRow]]]:
    """The table's indicators for each school or municipality under its organisation (the
    region's own node named by its kind)."""
    path = table.organisation.path
    async with reader.session() as fetch:
        counts = await measure(fetch, path, level.value, table.school_year, table.reference_date)
        targets = await targets_of(fetch, region_of(path), table.school_year)
        names = await fetch(
            "SELECT tenant::text AS path, name, kind FROM organisations"
            " WHERE tenant = ANY($1::ltree[])",
            list(counts),
        )
    rows = [
        (
            group_name(n["kind"], n["name"]),
            [
                IndicatorRow.of(v)
                for v in indicator_rows(counts[n["path"]], table.reference_date, targets)
            ],
        )
        for n in names
    ]
    return sorted(rows, key=lambda row: row[0])


@strawberry.type(description="A programme and the stage it has reached (этап программы).")
class ProgrammeStage:
    id: strawberry.ID = strawberry.field(description="The programme's id.")
    school_id: strawberry.ID = strawberry.field(description="The school that runs it.")
    title: str = strawberry.field(description="The programme's title.")
    stage: int = strawberry.field(description="The stage reached (1–7) on the reporting day.")

    @strawberry.field(description="That stage's name in Russian.")
    def stage_name(self) -> str:
        return STAGE_NAMES[Stage(self.stage)]


# Each programme of a school year under a path, with its stage on a day as its documents say
# (stages go forward: the highest reached by then; the first before any move).
PROGRAMME_STAGES = """
SELECT k.path AS key, k.year, k.day, p.id, p.school_id, p.title,
       coalesce((SELECT max(s.stage) FROM programme_stages s
                 WHERE s.programme_id = p.id AND s.since <= k.day), 1) AS stage_on
FROM programmes p
JOIN unnest($1::text[], $2::text[], $3::date[]) AS k(path, year, day)
  ON p.tenant <@ k.path::ltree AND p.school_year = k.year
ORDER BY p.tenant, p.opened_at
"""

StagesKey = tuple[str, str, date]  # a path, a school year and the reference date


async def _programmes(reader: Reader, keys: list[StagesKey]) -> list[list[ProgrammeStage]]:
    rows = await reader.fetch(
        PROGRAMME_STAGES,
        [path for path, _, _ in keys],
        [year for _, year, _ in keys],
        [day for _, _, day in keys],
    )
    found: dict[StagesKey, list[ProgrammeStage]] = {key: [] for key in keys}
    for row in rows:
        found[(row["key"], row["year"], row["day"])].append(
            ProgrammeStage(
                id=strawberry.ID(str(row["id"])),
                school_id=strawberry.ID(str(row["school_id"])),
                title=row["title"],
                stage=row["stage_on"],
            )
        )
    return [found[key] for key in keys]


@strawberry.type(description="One school or municipality in a comparison (строка сравнения).")
class ComparisonRow:
    organisation: ScopeOrganisation = strawberry.field(
        description="The school or municipality of the row."
    )
    school_year: strawberry.Private[str]
    reference_date: strawberry.Private[date]
    coverage: float | None = strawberry.field(
        description="Доля обучающихся, вовлечённых в наставничество, %"
    )
    mentees: int = strawberry.field(
        description="Mentees in the organisation's programmes of the school year."
    )
    mentors: int = strawberry.field(
        description="Mentors in the organisation's programmes of the school year."
    )
    pairs: int = strawberry.field(description="Pairs and groups formed in the school year.")
    lagging_pairs: int = strawberry.field(description="Пары, отстающие от правила частоты встреч")
    mentee_satisfaction: float | None = strawberry.field(
        description="Mentees' mean satisfaction with meetings (1–10); null without ratings."
    )
    mentor_satisfaction: float | None = strawberry.field(
        description="Mentors' mean satisfaction with meetings (1–10); null without ratings."
    )
    roadmap_completion: float | None = strawberry.field(
        description="Выполнение дорожных карт в учебном году: выполненные мероприятия ÷ все"
        " (кроме отменённых) × 100; нет данных — у школ нет дорожной карты"
    )
    schools: int = strawberry.field(description="Schools counted in the row (1 for a school).")
    schools_reporting: int = strawberry.field(
        description="Schools that entered their contingent for the year."
    )
    schools_with_gaps: int = strawberry.field(
        description="Школы с невыполненными пунктами самоаудита"
    )
    indicators: list[IndicatorRow] = strawberry.field(
        description="The target model's indicators for the organisation."
    )
    not_started: list[str] = strawberry.field(
        description="Школы без контингента или без дорожной карты за учебный год («не"
        " приступили»): в средних охвата и выполнения дорожной карты муниципалитета или"
        " региона они считаются нулём, не пропускаются"
    )

    @strawberry.field(
        description="Программы учебного года и этап каждой (1–7) на отчётную дату — по датам"
        " документов"
    )
    async def programmes(self, info: ReaderInfo) -> list[ProgrammeStage]:
        loaded: list[ProgrammeStage] = (
            await reader_of(info)
            .loader(_programmes)
            .load((self.organisation.path, self.school_year, self.reference_date))
        )
        return loaded


@strawberry.enum(
    description="What a comparison of schools or municipalities is sorted by (сортировка)."
)
class ComparisonOrder(Enum):
    NAME = strawberry.enum_value("name", description="By name (наименование).")
    COVERAGE = strawberry.enum_value("coverage", description="By coverage (охват).")
    MENTEES = strawberry.enum_value("mentees", description="By mentees (наставляемые).")
    PAIRS = strawberry.enum_value("pairs", description="By pairs (пары).")
    LAGGING_PAIRS = strawberry.enum_value(
        "lagging_pairs", description="By lagging pairs (отстающие пары)."
    )
    MENTEE_SATISFACTION = strawberry.enum_value(
        "mentee_satisfaction", description="By mentees' satisfaction (удовлетворённость)."
    )
    MENTOR_SATISFACTION = strawberry.enum_value(
        "mentor_satisfaction", description="By mentors' satisfaction (удовлетворённость)."
    )
    ROADMAP_COMPLETION = strawberry.enum_value(
        "roadmap_completion", description="By roadmap completion (выполнение дорожной карты)."
    )
    SCHOOLS_WITH_GAPS = strawberry.enum_value(
        "schools_with_gaps", description="By schools with self-audit gaps (пробелы самоаудита)."
    )


@strawberry.input(description="Which rows of a comparison to keep (отбор).")
class ComparisonFilter:
    search: str | None = strawberry.field(
        default=None, description="Keep organisations whose name contains this (any case, ё as е)."
    )
    min_coverage: float | None = strawberry.field(
        default=None, description="Keep rows with coverage at least this, %."
    )
    max_coverage: float | None = strawberry.field(
        default=None, description="Keep rows with coverage at most this, %."
    )
    has_lagging_pairs: bool | None = strawberry.field(
        default=None, description="Keep rows with (true) or without (false) lagging pairs."
    )
    with_self_audit_gaps: bool | None = strawberry.field(
        default=None, description="Keep rows with (true) or without (false) self-audit gaps."
    )
    min_roadmap_completion: float | None = strawberry.field(
        default=None, description="Keep rows with roadmap completion at least this, %."
    )
    max_roadmap_completion: float | None = strawberry.field(
        default=None, description="Keep rows with roadmap completion at most this, %."
    )
    min_mentee_satisfaction: float | None = strawberry.field(
        default=None, description="Keep rows with mentees' satisfaction at least this (1–10)."
    )


def _bounds(value: float | None, low: float | None, high: float | None) -> bool:
    """Inside the bounds given; a row without a value fails any bound."""
    if low is None and high is None:
        return True
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _matches(row: ComparisonRow, where: ComparisonFilter | None) -> bool:
    if where is None:
        return True
    checks: list[Callable[[], bool]] = [
        lambda: _bounds(row.coverage, where.min_coverage, where.max_coverage),
        lambda: _bounds(
            row.roadmap_completion, where.min_roadmap_completion, where.max_roadmap_completion
        ),
        lambda: _bounds(row.mentee_satisfaction, where.min_mentee_satisfaction, None),
    ]
    if where.search:
        search = folded(where.search)
        checks.append(lambda: search in folded(row.organisation.name))
    if where.has_lagging_pairs is not None:
        lagging = where.has_lagging_pairs
        checks.append(lambda: (row.lagging_pairs > 0) == lagging)
    if where.with_self_audit_gaps is not None:
        gaps = where.with_self_audit_gaps
        checks.append(lambda: (row.schools_with_gaps > 0) == gaps)
    return all(check() for check in checks)


async def _comparison(
    reader: Reader,
    scope: Any,
    level: Level,
    school_year: SchoolYear,
    on: date | None,
    order_by: ComparisonOrder,
    descending: bool,
    where: ComparisonFilter | None,
    first: int,
    after: str | None,
) -> Connection[ComparisonRow]:
    rows = [
        row
        for row in await _comparison_rows(reader, scope, level, school_year, on)
        if _matches(row, where)
    ]
    rows.sort(key=lambda r: (r.organisation.name, r.organisation.id))
    if order_by != ComparisonOrder.NAME:
        present = [r for r in rows if getattr(r, order_by.value) is not None]
        missing = [r for r in rows if getattr(r, order_by.value) is None]
        present.sort(key=lambda r: getattr(r, order_by.value), reverse=descending)
        rows = present + missing  # no value: always last
    elif descending:
        rows.reverse()
    return paginate([(UUID(r.organisation.id), r) for r in rows], first, after)


async def _comparison_rows(
    reader: Reader, scope: Any, level: Level, school_year: str, on: date | None
) -> list[ComparisonRow]:
    """One row per school or municipality under `scope`, unordered and unfiltered."""
    day = await programme_reference_date(reader.fetch, school_year, on)
    path = str(scope["tenant"])
    if depth(path) > level.value:
        raise InvalidInput("scope_below_level", "Сравнение доступно только выше этого уровня")
    async with reader.session() as fetch:
        counts = await measure(fetch, path, level.value, school_year, day)
        targets = await targets_of(fetch, region_of(path), school_year)
        organisations = await fetch(
            "SELECT * FROM organisations WHERE tenant = ANY($1::ltree[])", list(counts)
        )
        schools = (
            await fetch(
                "SELECT tenant::text AS path, name FROM organisations"
                " WHERE kind = 'school' AND tenant <@ $1::ltree",
                path,
            )
            if level != Level.SCHOOL
            else []
        )
        by_school = (
            await measure(fetch, path, Level.SCHOOL.value, school_year, day) if schools else {}
        )
    gaps = await gaps_by_school(reader, path, school_year)
    roadmaps = await _roadmap_counts(reader, path, Level.SCHOOL, school_year)
    rows = [
        _comparison_row(o, counts[str(o["tenant"])], roadmaps, school_year, day, targets, gaps)
        for o in organisations
    ]
    averages = _averages(schools, by_school, roadmaps, day)
    for row in rows:
        if row.organisation.path in averages:
            row.coverage, row.roadmap_completion, row.not_started = averages[row.organisation.path]
    return rows


def _averages(
    schools: list[Any],
    counts: dict[str, dict[str, Any]],
    roadmaps: dict[str, tuple[int, int]],
    day: date,
) -> dict[str, tuple[float, float, list[str]]]:
    """Coverage and roadmap completion of each municipality (or the region) as the mean over
    all its schools, one without data counting 0 and named as not started."""
    coverage = INDICATORS_BY_CODE["students_involved"]
    found: dict[str, list[tuple[str, float | None, float | None]]] = {}
    for school in schools:
        value = indicator_value(coverage, counts.get(school["path"]), day, None).value
        completion = completion_percent(*roadmaps.get(school["path"], (0, 0)))
        for group in _groups(school["path"]):
            found.setdefault(group, []).append((school["name"], value, completion))
    return {
        group: (
            round(sum(c or 0 for _, c, _ in rows) / len(rows), 2),
            round(sum(r or 0 for _, _, r in rows) / len(rows), 2),
            sorted(n for n, c, r in rows if c is None or r is None),
        )
        for group, rows in found.items()
    }


def _groups(path: str) -> list[str]:
    """The paths above a school's: its municipality's and its region's."""
    labels = path.split(".")
    return [".".join(labels[:n]) for n in range(1, len(labels))]


async def _roadmap_counts(
    reader: Reader, path: str, level: Level, school_year: str
) -> dict[str, tuple[int, int]]:
    """(done, activities) of the roadmaps under `path`, summed per school or municipality."""
    totals: dict[str, tuple[int, int]] = {}
    for row in await reader.fetch(COMPLETION, path, school_year):
        key = ".".join(row["school"].split(".")[: level.value])
        done, items = totals.get(key, (0, 0))
        totals[key] = (done + row["done"], items + row["items"])
    return totals


def _comparison_row(
    organisation: Any,
    counts: dict[str, Any],
    roadmaps: dict[str, tuple[int, int]],
    school_year: SchoolYear,
    day: date,
    targets: dict[str, float],
    gaps: dict[str, int],
) -> ComparisonRow:
    values = {v.indicator.code: v for v in indicator_rows(counts, day, targets)}
    path = str(organisation["tenant"])
    return ComparisonRow(
        organisation=_scope_of(organisation),
        school_year=school_year,
        reference_date=day,
        coverage=values["students_involved"].value,
        mentees=counts["mentees"],
        mentors=counts["mentors"],
        pairs=counts["pairs"],
        lagging_pairs=counts["lagging_pairs"],
        mentee_satisfaction=values["mentee_satisfaction"].value,
        mentor_satisfaction=values["mentor_satisfaction"].value,
        roadmap_completion=completion_percent(*roadmaps.get(path, (0, 0))),
        not_started=[],
        schools=counts["schools"],
        schools_reporting=counts["schools_reporting"],
        schools_with_gaps=sum(
            1
            for school, n in gaps.items()
            if n and (school == path or school.startswith(path + "."))
        ),
        indicators=[IndicatorRow.of(v) for v in values.values()],
    )


# A comparison's sorting and filtering, for schools and municipalities alike.
OrderBy = Annotated[
    ComparisonOrder, strawberry.argument(description="What to sort by (сортировка).")
]
Descending = Annotated[bool, strawberry.argument(description="Sort from the largest down.")]
Filter = Annotated[
    ComparisonFilter | None, strawberry.argument(description="Only the rows that match (отбор).")
]


async def school_comparison(
    info: ReaderInfo,
    school_year: SchoolYear,
    municipality_id: MunicipalityId = None,
    on: On = None,
    order_by: OrderBy = ComparisonOrder.NAME,
    descending: Descending = False,
    filter: Filter = None,
    first: First = 50,
    after: After = None,
) -> Connection[ComparisonRow]:
    """Школы вашей области (или муниципалитета) рядом: охват, программы и их этапы, отстающие
    пары, удовлетворённость, пробелы самоаудита; с сортировкой и фильтрами. Без имён."""
    reader = reader_of(info)
    scope = await _scope_organisation(reader, municipality_id)
    return await _comparison(
        reader, scope, Level.SCHOOL, school_year, on, order_by, descending, filter, first, after
    )


async def municipality_comparison(
    info: ReaderInfo,
    school_year: SchoolYear,
    on: On = None,
    order_by: OrderBy = ComparisonOrder.NAME,
    descending: Descending = False,
    filter: Filter = None,
    first: First = 50,
    after: After = None,
) -> Connection[ComparisonRow]:
    """Муниципалитеты региона рядом — те же показатели, сведённые по муниципалитетам."""
    reader = reader_of(info)
    scope = await _scope_organisation(reader, None)
    return await _comparison(
        reader,
        scope,
        Level.MUNICIPALITY,
        school_year,
        on,
        order_by,
        descending,
        filter,
        first,
        after,
    )


@strawberry.type(description="A programme's survey results (итоги анкетирования программы).")
class ProgrammeSurveys:
    programme: ProgrammeStage = strawberry.field(description="The programme.")
    results: list[SurveyResult] = strawberry.field(
        description="Its results per questionnaire version."
    )


@strawberry.type(
    description="One school in detail (карточка школы): indicators, roadmap and survey results."
)
class SchoolOverview:
    """A school's aggregates, as the municipality or institute drills down from the comparison."""

    summary: ComparisonRow = strawberry.field(
        description="The school's row of figures, as in the comparison."
    )
    roadmap: Implementation | None = strawberry.field(
        description="Дорожная карта: статус мероприятий учебного года и просроченные"
    )
    surveys: list[ProgrammeSurveys] = strawberry.field(
        description="Итоги анкетирования каждой программы учебного года (средние баллы)"
    )


async def school_overview(
    info: ReaderInfo, school_id: SchoolId, school_year: SchoolYear, on: On = None
) -> SchoolOverview:
    """Одна школа подробно (переход из сравнения школ): её показатели, программы и этапы,
    дорожная карта и итоги анкет. Без имён."""
    reader = reader_of(info)
    school = await _scope_organisation(reader, school_id)
    if school["kind"] != "school":
        raise InvalidInput("not_a_school", "Подробный вид доступен для школы")
    [summary] = await _comparison_rows(reader, school, Level.SCHOOL, school_year, on)
    day = await programme_reference_date(reader.fetch, school_year, on)
    programmes = (await _programmes(reader, [(summary.organisation.path, school_year, day)]))[0]
    results = await load_survey_results(reader, [UUID(p.id) for p in programmes])
    return SchoolOverview(
        summary=summary,
        roadmap=await load_roadmap(reader, UUID(str(school["id"])), school_year, day),
        surveys=[ProgrammeSurveys(programme=p, results=results[UUID(p.id)]) for p in programmes],
    )


@strawberry.type(description="An indicator's value in one school year (точка динамики).")
class TrendPoint:
    school_year: str = strawberry.field(description="The school year.")
    indicator: IndicatorRow = strawberry.field(description="The indicator's value that year.")


async def indicator_trend(
    info: ReaderInfo,
    code: Annotated[str, strawberry.argument(description="The indicator's code (код показателя).")],
    organisation_id: OrganisationId = None,
    school_years: Annotated[
        list[str] | None,
        strawberry.argument(
            description=(
                "Only these school years (учебные годы), as `2025/26`; all with programmes or "
                "pupils if not given."
            )
        ),
    ] = None,
) -> list[TrendPoint]:
    """Показатель по учебным годам (по умолчанию — все годы, за которые есть программы или
    контингент), каждый год — на его последний день или на сегодня."""
    reader = reader_of(info)
    indicator = INDICATORS_BY_CODE.get(code)
    if indicator is None:
        raise InvalidInput("unknown_indicator", f"Неизвестный показатель «{code}»")
    organisation = await _scope_organisation(reader, organisation_id)
    path = str(organisation["tenant"])
    if school_years is None:
        rows = await reader.fetch(
            "SELECT school_year FROM programmes WHERE tenant <@ $1::ltree"
            " UNION SELECT school_year FROM school_contingents WHERE tenant <@ $1::ltree"
            " ORDER BY 1",
            path,
        )
        school_years = [row["school_year"] for row in rows]
    points = []
    for school_year in school_years:
        async with reader.session() as fetch:
            day = await programme_reference_date(fetch, school_year, None)
            counts = await measure(fetch, path, depth(path), school_year, day)
            targets = await targets_of(fetch, region_of(path), school_year)
        value = indicator_value(indicator, counts.get(path), day, targets.get(code))
        points.append(TrendPoint(school_year=school_year, indicator=IndicatorRow.of(value)))
    return points
