"""Indicators of the target model on a generated region whose true values the generator knows,
at school, municipality and region level; targets; comparisons; no names above the school;
the XLSX export read back."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from services.reporting.projections import IndicatorFacts, Monitoring, Visibility
from shared.adapters.database import READER_ROLE, DatabaseAddress, connect
from shared.indicators import INDICATORS
from shared.kernel.principal import Role
from tests.conftest import Api
from tests.generated_region import (
    ENDED_EARLY,
    FINAL_MEETING,
    ON,
    SCHOOLS,
    TARGETS,
    YEAR,
    GeneratedRegion,
    generated_region,
)

INDICATORS_Q = """
query($year: String!, $org: ID, $on: Date) {
  indicators(schoolYear: $year, organisationId: $org, on: $on) {
    organisation { name kind } schoolYear referenceDate schools schoolsReporting
    rows { code name definition population unit referenceDate numerator denominator value
           target met note participantRatings participantMean staffRatings staffMean }
  }
}
"""
COMPARISON_Q = """
query($year: String!, $on: Date, $order: ComparisonOrder!, $desc: Boolean!,
      $filter: ComparisonFilter, $first: Int!, $after: String) {
  schoolComparison(schoolYear: $year, on: $on, orderBy: $order, descending: $desc,
                   filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { organisation { id name path } coverage mentees mentors pairs
            laggingPairs menteeSatisfaction mentorSatisfaction roadmapCompletion
            programmes { title stage stageName } indicators { code value } } }
  }
}
"""
LEVELS = {
    "s1": {"s1"},
    "s2": {"s2"},
    "s3": {"s3"},
    "m1": {"s1", "s2"},
    "m2": {"s3"},
    "region": set(SCHOOLS),
}


@pytest.fixture(scope="module")
async def region(api: Api) -> GeneratedRegion:
    return await generated_region(api)


def _by_code(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["code"]: row for row in table["rows"]}


async def _indicators(api: Api, token: str, org: str | None) -> dict[str, Any]:
    result = await api.graphql(token, INDICATORS_Q, year=YEAR, org=org, on=str(ON))
    assert "errors" not in result, result
    table: dict[str, Any] = result["data"]["indicators"]
    return table


@pytest.mark.parametrize("level", list(LEVELS))
async def test_every_indicator_at_every_level(region: GeneratedRegion, level: str) -> None:
    world = region.world
    table = await _indicators(
        world.api, world.token(Role.REGION_OFFICER, "region"), str(world.ids[level])
    )
    rows = _by_code(table)
    assert list(rows) == [i.code for i in INDICATORS]
    expected = region.expected(LEVELS[level])
    for code, (numerator, denominator, value) in expected.items():
        row = rows[code]
        assert (row["numerator"], row["denominator"]) == (numerator, denominator), code
        assert row["value"] == (pytest.approx(value) if value is not None else None), code
        assert row["referenceDate"] == str(ON)
        assert row["definition"]
        assert row["name"]
    assert table["schools"] == len(LEVELS[level])


@pytest.mark.parametrize("level", ["s1", "s2", "m1", "region"])
async def test_satisfaction_tells_participants_scores_from_staff_entered(
    region: GeneratedRegion, level: str
) -> None:
    """Meeting scores and questionnaires the participants gave on their own pages, apart from
    those a coordinator entered for them: each count and mean, adding up to the indicator."""
    world = region.world
    table = await _indicators(
        world.api, world.token(Role.REGION_OFFICER, "region"), str(world.ids[level])
    )
    rows = _by_code(table)
    for code, by_giver in region.satisfaction_by_giver(LEVELS[level]).items():
        row = rows[code]
        (_, own, own_mean), (_, staff, staff_mean) = by_giver["own"], by_giver["staff"]
        if level == "region":  # both givers present: the split is not trivial
            assert own > 0, code
            assert staff > 0, code
        assert (row["participantRatings"], row["staffRatings"]) == (own, staff), code
        assert row["participantMean"] == _approx(own_mean), code
        assert row["staffMean"] == _approx(staff_mean), code
        assert own + staff == row["denominator"]
    assert rows["individual_plan"]["participantRatings"] is None  # not a satisfaction row


def _approx(value: float | None) -> Any:
    return None if value is None else pytest.approx(value)


async def test_the_answers_are_not_trivial(region: GeneratedRegion) -> None:
    """The generated region exercises every branch: some shares and means are neither empty
    nor whole, late orders and meetings outside the window exist."""
    expected = region.expected(set(SCHOOLS))
    assert all(expected[code][0] > 0 for code in ("mentees_10_18", "trained_mentors"))
    assert expected["mentee_satisfaction"][1] > 3
    assert any(p.approved_on and p.approved_on > ON for p in region.pairs)
    assert region.expected(set(SCHOOLS), date(2025, 9, 14))["mentees_10_18"][0] == 0
    improved, diagnosed, _ = expected["positive_dynamics"]
    assert 0 < improved < diagnosed
    assert any(s.answered_on > ON for s in region.surveys)
    assert any(len(p.mentees) > 1 and p.ratings for p in region.pairs)
    assert len({s.purpose for s in region.surveys}) == 4  # both diagnostics, both satisfactions
    # a pupil whose only pair ended early is involved the day before the end, not on it
    before, on = ENDED_EARLY["s1"] - timedelta(days=1), ENDED_EARLY["s1"]
    involved = (region.expected({"s1"}, before), region.expected({"s1"}, on))
    assert involved[0]["individual_plan"][1] == involved[1]["individual_plan"][1] + 1
    assert any(p.final_on for p in region.pairs)


# Early in the year the counters are summed up to the day, late in the year taken from the
# year's totals less the days after it (`measures._counts`): both ways give the true values.
# Each school's pair that ends early (`ENDED_EARLY`) is read the day before, on and after its
# end, and the final meeting's pair before and after it.
AROUND_ENDS = [day + timedelta(days=d) for day in ENDED_EARLY.values() for d in (-1, 0, 1)]


@pytest.mark.parametrize(
    "on",
    sorted(
        {date(2025, 10, 20), date(2025, 11, 28), date(2026, 5, 26), FINAL_MEETING, *AROUND_ENDS}
    ),
)
async def test_every_indicator_on_any_reference_date(region: GeneratedRegion, on: date) -> None:
    world = region.world
    token = world.token(Role.REGION_OFFICER, "region")
    for level in ("region", "s1", "s3"):
        result = await world.api.graphql(
            token, INDICATORS_Q, year=YEAR, org=str(world.ids[level]), on=str(on)
        )
        rows = _by_code(result["data"]["indicators"])
        got = {code: (row["numerator"], row["denominator"]) for code, row in rows.items()}
        expected = region.expected(LEVELS[level], on)
        assert got == {code: (n, d) for code, (n, d, _) in expected.items()}, (level, on)
    result = await world.api.graphql(
        token, COMPARISON_Q, year=YEAR, on=str(on), order="NAME", desc=False, first=50
    )
    for edge in result["data"]["schoolComparison"]["edges"]:
        node = edge["node"]
        key = next(k for k in SCHOOLS if str(world.ids[k]) == node["organisation"]["id"])
        assert (node["pairs"], node["laggingPairs"]) == (
            region.pairs_in_force(key, on),
            region.lagging(key, on),
        ), (key, on)


COUNTERS = ["indicator_days", "indicator_rating_days", "indicator_years", "indicator_partners"]


async def test_the_counters_per_school_are_seen_only_in_scope(
    region: GeneratedRegion, database: DatabaseAddress
) -> None:
    """Row-level security on the counters: a school's are seen from the school, its
    municipality and the region, never from another school or municipality."""
    paths = region.world.paths
    reader = await connect(database.as_role(READER_ROLE, ""))

    async def count(scope: str, table: str) -> int:
        async with reader.transaction():
            await reader.execute("SELECT set_config('app.scope', $1, true)", scope)
            found: int = await reader.fetchval(
                f"SELECT count(*) FROM {table} WHERE tenant <@ $1::ltree", paths["s1"]
            )
            return found

    try:
        seen = {
            key: [await count(paths[key], table) for table in COUNTERS]
            for key in ("s1", "m1", "region", "s2", "m2")
        }
    finally:
        await reader.close()
    assert all(seen["s1"])  # not vacuous: the school has counters in every table
    assert seen["s1"] == seen["m1"] == seen["region"]
    assert seen["s2"] == seen["m2"] == [0] * len(COUNTERS)


async def test_each_caller_gets_its_own_scope_by_default(region: GeneratedRegion) -> None:
    world = region.world
    for key, role in (("s1", Role.SCHOOL_COORDINATOR), ("m1", Role.MUNICIPALITY_OFFICER)):
        table = await _indicators(world.api, world.token(role, key), None)
        expected = region.expected(LEVELS[key])
        assert {c: (r["numerator"], r["denominator"]) for c, r in _by_code(table).items()} == {
            c: (n, d) for c, (n, d, _) in expected.items()
        }


async def test_targets_of_the_region_are_compared(region: GeneratedRegion) -> None:
    world = region.world
    for key in ("region", "m2", "s1"):
        role = Role.SCHOOL_DIRECTOR if key == "s1" else Role.MUNICIPALITY_OFFICER
        token = world.token(Role.REGION_OFFICER if key == "region" else role, key)
        rows = _by_code(await _indicators(world.api, token, None))
        for code, target in TARGETS.items():
            row = rows[code]
            assert row["target"] == target
            met = None if row["value"] is None else row["value"] >= target
            assert row["met"] is met
        assert rows["mentors_15_19"]["target"] is None
        assert rows["mentors_15_19"]["met"] is None


async def test_a_municipality_sees_exactly_its_schools(region: GeneratedRegion) -> None:
    world = region.world
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    result = await world.api.graphql(
        officer, COMPARISON_Q, year=YEAR, on=str(ON), order="NAME", desc=False, first=50
    )
    comparison = result["data"]["schoolComparison"]
    names = [edge["node"]["organisation"]["name"] for edge in comparison["edges"]]
    assert names == ["Школа № 1", "Школа № 2"]
    for edge in comparison["edges"]:
        node = edge["node"]
        key = "s1" if node["organisation"]["name"] == "Школа № 1" else "s2"
        expected = region.expected({key})
        assert node["coverage"] == pytest.approx(expected["students_involved"][2])
        assert node["menteeSatisfaction"] == pytest.approx(expected["mentee_satisfaction"][2])
        assert node["pairs"] == region.pairs_in_force(key)
        assert node["laggingPairs"] == region.lagging(key)
        assert node["roadmapCompletion"] == region.roadmap_completion({key})
        assert [p["stage"] for p in node["programmes"]] == [1]

    other = await world.api.graphql(officer, INDICATORS_Q, year=YEAR, org=str(world.ids["s3"]))
    assert other["data"] is None
    assert other["errors"][0]["message"] == "Регион, муниципалитет или школа не найдены"
    assert other["errors"][0]["extensions"]["code"] == "organisation_not_found"


async def test_comparison_orders_filters_and_pages(region: GeneratedRegion) -> None:
    world = region.world
    token = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    ordered = await world.api.graphql(
        token, COMPARISON_Q, year=YEAR, on=str(ON), order="PAIRS", desc=True, first=50
    )
    pairs = [e["node"]["pairs"] for e in ordered["data"]["schoolComparison"]["edges"]]
    assert pairs == sorted(pairs, reverse=True)
    assert len(pairs) == 3

    first = await world.api.graphql(
        token, COMPARISON_Q, year=YEAR, on=str(ON), order="PAIRS", desc=True, first=2
    )
    page = first["data"]["schoolComparison"]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 3
    rest = await world.api.graphql(
        token,
        COMPARISON_Q,
        year=YEAR,
        on=str(ON),
        order="PAIRS",
        desc=True,
        first=2,
        after=page["pageInfo"]["endCursor"],
    )
    tail = rest["data"]["schoolComparison"]
    assert [e["node"]["pairs"] for e in page["edges"] + tail["edges"]] == pairs
    assert tail["pageInfo"]["hasNextPage"] is False

    filtered = await world.api.graphql(
        token,
        COMPARISON_Q,
        year=YEAR,
        on=str(ON),
        order="NAME",
        desc=False,
        first=50,
        filter={"search": "№ 3"},
    )
    assert [
        e["node"]["organisation"]["name"] for e in filtered["data"]["schoolComparison"]["edges"]
    ] == ["Школа № 3"]

    by_roadmap = await world.api.graphql(
        token, COMPARISON_Q, year=YEAR, on=str(ON), order="ROADMAP_COMPLETION", desc=True, first=50
    )
    completions = [
        e["node"]["roadmapCompletion"] for e in by_roadmap["data"]["schoolComparison"]["edges"]
    ]
    # s3 keeps no roadmap: no value, so last whatever the direction
    completed = (region.roadmap_completion({k}) for k in ("s1", "s2"))
    expected = sorted(value for value in completed if value is not None)
    assert completions == [*reversed(expected), None]
    low = await world.api.graphql(
        token,
        COMPARISON_Q,
        year=YEAR,
        on=str(ON),
        order="NAME",
        desc=False,
        first=50,
        filter={"minRoadmapCompletion": expected[-1]},
    )
    assert [e["node"]["roadmapCompletion"] for e in low["data"]["schoolComparison"]["edges"]] == [
        expected[-1]
    ]


OVERVIEW_Q = """
query($school: ID!, $year: String!, $on: Date) {
  schoolOverview(schoolId: $school, schoolYear: $year, on: $on) {
    summary { organisation { name } pairs laggingPairs roadmapCompletion menteeSatisfaction
              indicators { code numerator denominator } }
    roadmap { completion overdueCount items { activity status overdue } }
    surveys { programme { title stage } results { purpose responses questions { code mean } } }
  }
}
"""


async def test_a_municipality_drills_down_to_a_school(region: GeneratedRegion) -> None:
    world = region.world
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    answer = await world.api.graphql(
        officer, OVERVIEW_Q, school=str(world.ids["s1"]), year=YEAR, on=str(ON)
    )
    overview = answer["data"]["schoolOverview"]
    summary = overview["summary"]
    assert summary["organisation"]["name"] == "Школа № 1"
    assert summary["pairs"] == region.pairs_in_force("s1")
    assert summary["laggingPairs"] == region.lagging("s1")
    assert summary["roadmapCompletion"] == region.roadmap_completion({"s1"})
    assert {i["code"]: (i["numerator"], i["denominator"]) for i in summary["indicators"]} == {
        c: (n, d) for c, (n, d, _) in region.expected({"s1"}).items()
    }
    done, items = region.roadmaps["s1"]
    assert len(overview["roadmap"]["items"]) == items
    assert sum(i["status"] == "done" for i in overview["roadmap"]["items"]) == done
    [programme] = overview["surveys"]
    responses = {r["purpose"]: r["responses"] for r in programme["results"]}
    assert responses == {
        purpose: sum(1 for s in region.surveys if s.school == "s1" and s.purpose == purpose)
        for purpose in responses
    }
    assert sum(responses.values()) == sum(1 for s in region.surveys if s.school == "s1")

    other = await world.api.graphql(
        officer, OVERVIEW_Q, school=str(world.ids["s3"]), year=YEAR, on=str(ON)
    )
    assert other["errors"][0]["extensions"]["code"] == "organisation_not_found"
    municipality = await world.api.graphql(
        officer, OVERVIEW_Q, school=str(world.ids["m1"]), year=YEAR, on=str(ON)
    )
    assert municipality["errors"][0]["extensions"]["code"] == "not_a_school"


async def test_the_region_rolls_up_by_municipality_and_over_years(
    region: GeneratedRegion,
) -> None:
    world = region.world
    token = world.token(Role.REGION_OFFICER, "region")
    result = await world.api.graphql(
        token,
        """query($year: String!, $on: Date) {
             municipalityComparison(schoolYear: $year, on: $on) {
               edges { node { organisation { name } schools mentees pairs roadmapCompletion
                              coverage notStarted
                              indicators { code numerator denominator value } } } } }""",
        year=YEAR,
        on=str(ON),
    )
    rows = {
        e["node"]["organisation"]["name"]: e["node"]
        for e in result["data"]["municipalityComparison"]["edges"]
    }
    assert list(rows) == ["Второй округ", "Первый округ"]
    for name, key in (("Первый округ", "m1"), ("Второй округ", "m2")):
        expected = region.expected(LEVELS[key])
        got = {i["code"]: (i["numerator"], i["denominator"]) for i in rows[name]["indicators"]}
        assert got == {c: (n, d) for c, (n, d, _) in expected.items()}
        # every school counts in the averages: one that never started as 0, named
        coverage, completion, missing = region.averages(LEVELS[key])
        assert rows[name]["coverage"] == pytest.approx(coverage)
        assert rows[name]["roadmapCompletion"] == pytest.approx(completion)
        assert rows[name]["notStarted"] == sorted(f"Школа № {s[1]}" for s in missing)
    assert rows["Второй округ"]["notStarted"] == ["Школа № 3"]
    assert rows["Второй округ"]["roadmapCompletion"] == 0

    trend = await world.api.graphql(
        token,
        """{ indicatorTrend(code: "trained_mentors") {
               schoolYear indicator { value referenceDate } } }""",
    )
    points = trend["data"]["indicatorTrend"]
    assert [p["schoolYear"] for p in points] == [YEAR]
    # the school year is over: measured on its last day, every completion counts
    assert points[0]["indicator"]["referenceDate"] == "2026-08-31"
    assert points[0]["indicator"]["value"] == len({c[0] for c in region.completions})


async def test_no_name_is_reachable_above_the_school(region: GeneratedRegion) -> None:
    world = region.world
    for key, role in (
        ("region", Role.REGION_OFFICER),
        ("region", Role.INSTITUTE_METHODOLOGIST),
        ("m1", Role.MUNICIPALITY_OFFICER),
    ):
        token = world.token(role, key)
        answers = [
            await world.api.graphql(token, INDICATORS_Q, year=YEAR, org=None, on=str(ON)),
            await world.api.graphql(
                token, COMPARISON_Q, year=YEAR, on=str(ON), order="NAME", desc=False, first=50
            ),
            await world.api.graphql(
                token, "{ people { edges { node { fullName } } } pairs { totalCount } }"
            ),
        ]
        text = str(answers)
        students = [p.name for p in region.people if p.kind == "student"]
        mentees = [p.name for p in region.people if p.role == "mentee"]
        assert not any(name in text for name in students + mentees)
        assert answers[2]["data"]["people"]["edges"] == []


async def test_the_indicator_table_exports_to_xlsx(region: GeneratedRegion) -> None:
    world = region.world
    response = await world.api.reporting.get(
        "/exports/indicators",
        params={"school_year": YEAR, "on": str(ON)},
        headers=world.api.auth(world.token(Role.REGION_OFFICER, "region")),
    )
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Показатели", "По школам", "По муниципалитетам"]
    sheet = book["Показатели"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("Код", "Показатель", "Определение")
    expected = region.expected(set(SCHOOLS))
    by_code = {row[0]: row for row in rows[2:]}
    for code, (numerator, denominator, value) in expected.items():
        row = by_code[code]
        assert (row[6], row[7]) == (numerator, denominator)
        assert row[8] == (pytest.approx(value) if value is not None else None)
    schools = list(book["По школам"].iter_rows(values_only=True))
    assert [r[0] for r in schools[1:]] == ["Школа № 1", "Школа № 2", "Школа № 3"]
    student_names = {p.name for p in region.people}
    cells = {
        str(c) for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for c in r
    }
    assert not cells & student_names

    bad = await world.api.reporting.get(
        "/exports/indicators",
        params={"school_year": "2025/27"},
        headers=world.api.auth(world.token(Role.REGION_OFFICER, "region")),
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "bad_school_year"


def test_the_tables_read_above_the_school_hold_no_personal_data() -> None:
    """What the indicators read under SUBTREE visibility has ids, kinds, years and counts,
    never a name, a birth date, contacts or free text about a person."""
    personal = {"full_name", "birth_date", "contacts", "requests", "comment", "information"}
    for projection in (IndicatorFacts, Monitoring):
        for table in projection.tables:
            if table.visibility == Visibility.PRIVATE:
                continue
            columns = {line.split()[0] for line in table.columns.split(",") if line.strip()}
            assert not columns & personal, table.name


async def test_bad_queries_answer_clear_errors(region: GeneratedRegion) -> None:
    world = region.world
    token = world.token(Role.REGION_OFFICER, "region")
    for query, code in (
        ('{ indicatorTrend(code: "happiness") { schoolYear } }', "unknown_indicator"),
        ('{ indicators(schoolYear: "2025/26", organisationId: "xyz") { schoolYear } }', "bad_id"),
        ('{ indicators(schoolYear: "2025/27") { schoolYear } }', "bad_school_year"),
        ('{ schoolComparison(schoolYear: "2025/26", after: "!!") { totalCount } }', "bad_cursor"),
    ):
        answer = await world.api.graphql(token, query)
        assert answer["errors"][0]["extensions"]["code"] == code, answer
