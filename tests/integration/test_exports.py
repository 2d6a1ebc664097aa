"""Every list as XLSX with Russian headers, page after page; the school's annual report and the
municipality's monitoring summary as DOCX in Russian — all read back and checked against what
GraphQL answers the same caller."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from services.reporting import list_exports
from services.reporting.list_exports import EXPORTS
from shared.kernel.principal import Role
from tests.conftest import Api, nodes
from tests.generated_region import ON, YEAR, GeneratedRegion, generated_region


@pytest.fixture(scope="module")
async def region(api: Api) -> GeneratedRegion:
    built = await generated_region(api)
    world = built.world
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    audit = f"/schools/{world.ids['s1']}/self-audit"
    items = [{"item": n, "achieved": n != 6} for n in range(1, 13)]
    await api.command(
        "registry",
        audit,
        director,
        {"school_year": YEAR, "items": items, "page_url": "https://s1.example.ru/mentoring"},
        expect=200,
        method="PUT",
    )
    await api.command(
        "registry",
        f"{audit}/reviews",
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        {"school_year": YEAR, "item": 6, "achieved": False, "recommendation": "Опишите контур"},
    )
    return built


async def _get(api: Api, token: str, path: str, **params: Any) -> Any:
    await api.caught_up(token)
    response = await api.reporting.get(path, params=params, headers=api.auth(token))
    assert response.status_code == 200, response.text
    return response


def _sheet(content: bytes) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(content))
    return list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]


# Each list: who asks, its URL parameters, and the GraphQL field whose length it must have.
def _cases(region: GeneratedRegion) -> dict[str, tuple[str, str, dict[str, str], str]]:
    world = region.world
    s1 = str(world.ids["s1"])
    programme = region.programmes["s1"]
    return {
        "pairs": ("school_coordinator", "s1", {}, "{ pairs { totalCount } }"),
        "lagging-pairs": (
            "school_coordinator",
            "s1",
            {"on": str(ON)},
            f'{{ laggingPairs(on: "{ON}") {{ totalCount }} }}',
        ),
        "programmes": ("region_officer", "region", {}, "{ programmes { totalCount } }"),
        "school-comparison": (
            "municipality_officer",
            "m1",
            {"school_year": YEAR, "on": str(ON)},
            f'{{ schoolComparison(schoolYear: "{YEAR}") {{ totalCount }} }}',
        ),
        "municipality-comparison": (
            "region_officer",
            "region",
            {"school_year": YEAR},
            f'{{ municipalityComparison(schoolYear: "{YEAR}") {{ totalCount }} }}',
        ),
        "self-audits": (
            "municipality_officer",
            "m1",
            {"school_year": YEAR},
            f'{{ selfAudits(schoolYear: "{YEAR}") {{ totalCount }} }}',
        ),
        "roadmap": (
            "school_director",
            "s1",
            {"school_id": s1, "school_year": YEAR},
            f'{{ roadmap(schoolId: "{s1}", schoolYear: "{YEAR}") {{ items {{ id }} }} }}',
        ),
        "survey-results": (
            "municipality_officer",
            "m1",
            {"programme_id": programme},
            f'{{ surveyResults(programmeId: "{programme}") {{ questions {{ code }} }} }}',
        ),
        "regional-register": (
            "institute_methodologist",
            "region",
            {},
            "{ regionalRegister { totalCount } }",
        ),
        "training-courses": (
            "institute_methodologist",
            "region",
            {},
            "{ trainingCourses { totalCount } }",
        ),
        "practice-cases": ("region_officer", "region", {}, "{ practiceCases { totalCount } }"),
        "candidacies": ("region_officer", "region", {}, "{ candidacies { totalCount } }"),
        "organisations": ("region_officer", "region", {}, "{ organisations { totalCount } }"),
        "counts": ("region_officer", "region", {}, "{ counts { totalCount } }"),
        "partner-agreements": (
            "region_officer",
            "region",
            {},
            "{ partnerAgreements { totalCount } }",
        ),
        "history": (
            "auditor",
            "region",
            {"programme_id": programme},
            f'{{ programmeHistory(programmeId: "{programme}") {{ totalCount }} }}',
        ),
        "indicator-trend": (
            "region_officer",
            "region",
            {"code": "mentees_10_18"},
            '{ indicatorTrend(code: "mentees_10_18") { schoolYear } }',
        ),
    }


def _length(answer: dict[str, Any]) -> int:
    (value,) = answer["data"].values()
    if isinstance(value, list):
        return len(value)
    if "totalCount" in value:
        return int(value["totalCount"])
    if "items" in value:
        return len(value["items"])
    raise AssertionError(value)


def _length_of_results(answer: dict[str, Any]) -> int:
    return sum(len(result["questions"]) for result in answer["data"]["surveyResults"])


async def test_every_list_exports_to_xlsx_page_after_page(
    region: GeneratedRegion, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(list_exports, "PAGE", 2)  # many pages even for a short list
    cases = _cases(region)
    assert set(cases) == set(EXPORTS)
    for name, (role, scope, params, count_query) in cases.items():
        token = region.world.token(Role(role), scope)
        response = await _get(region.api, token, f"/exports/lists/{name}", **params)
        rows = _sheet(response.content)
        answer = await region.api.graphql(token, count_query)
        expected = _length_of_results(answer) if name == "survey-results" else _length(answer)
        assert rows[0] == tuple(header for header, _ in EXPORTS[name].columns), name
        assert len(rows) - 1 == expected, name
        assert expected > 0 or name in ("practice-cases", "candidacies"), name
        assert "attachment" in response.headers["content-disposition"]


async def test_the_exported_lists_hold_what_graphql_says(region: GeneratedRegion) -> None:
    world = region.world
    coordinator = world.coordinator("s1")
    pairs = _sheet((await _get(world.api, coordinator, "/exports/lists/pairs")).content)
    mentors = {row[0] for row in pairs[1:]}
    assert mentors == {p.mentor.name for p in region.pairs if p.school == "s1"}
    statuses = {row[3] for row in pairs[1:]}
    assert statuses <= {"работает", "сформирована, ждёт приказа", "завершила работу"}

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    comparison = _sheet(
        (
            await _get(
                world.api,
                officer,
                "/exports/lists/school-comparison",
                school_year=YEAR,
                on=str(ON),
            )
        ).content
    )
    by_school = {row[0]: row for row in comparison[1:]}
    expected = region.expected({"s1"})
    assert by_school["Школа № 1"][1] == pytest.approx(expected["students_involved"][2])
    assert by_school["Школа № 1"][8] == region.roadmap_completion({"s1"})

    refused = await world.api.reporting.get(
        "/exports/lists/history",
        params={"programme_id": region.programmes["s1"]},
        headers=world.api.auth(officer),
    )
    unknown = await world.api.reporting.get(
        "/exports/lists/everything", headers=world.api.auth(officer)
    )
    missing = await world.api.reporting.get(
        "/exports/lists/roadmap", headers=world.api.auth(officer)
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "role_not_allowed")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "export_not_found")
    assert (missing.status_code, missing.json()["code"]) == (400, "bad_export_request")
    names = {p.name for p in region.people}
    cells = {str(c) for row in comparison for c in row}
    assert not cells & names


def _paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def _tables(content: bytes) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in table.rows]
        for table in Document(io.BytesIO(content)).tables
    ]


def _number(value: Any) -> str:
    return "нет данных" if value is None else f"{round(value, 1):g}".replace(".", ",")


async def test_the_school_annual_report_is_a_russian_docx(region: GeneratedRegion) -> None:
    world = region.world
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    response = await _get(
        world.api, director, "/reports/school-annual", school_year=YEAR, on=str(ON)
    )
    text = "\n".join(_paragraphs(response.content))
    tables = _tables(response.content)

    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "Школа № 1" in text
    assert "о реализации целевой модели наставничества за 2025/26 учебный год" in text
    assert "по состоянию на 20.05.2026" in text
    assert "Приказ о внедрении целевой модели наставничества от 25.08.2025 № 1-о" in text
    programmes, indicators = tables[0], tables[1]
    assert programmes[1][1] == "Программа наставничества"
    assert programmes[1][2].startswith("1. ")
    expected = region.expected({"s1"})
    rows = {row[1].rsplit(", ", 1)[0]: row for row in indicators[1:]}
    dynamics = rows["Доля наставляемых с положительной динамикой"]
    improved, diagnosed, value = expected["positive_dynamics"]
    assert dynamics[2:4] == [_number(value), f"{improved} из {diagnosed}"]
    involved = expected["students_involved"]
    assert rows["Доля обучающихся, вовлечённых в наставничество"][2] == _number(involved[2])
    pairs = region.pairs_in_force("s1")
    assert f"наставнических пар и групп, утверждённых приказом, — {pairs}" in text
    completion = _number(region.roadmap_completion({"s1"}))
    assert f"Выполнено мероприятий учебного года: {completion} %" in text
    assert "Не достигнуто: 6. Представлено описание (модель) контактов" in text
    assert "https://s1.example.ru/mentoring" in text
    assert text.rstrip().endswith("Директор\t____________________")
    assert not any(p.name in text for p in region.people)

    other = await world.api.reporting.get(
        "/reports/school-annual",
        params={"school_year": YEAR, "school_id": str(world.ids["s3"])},
        headers=world.api.auth(director),
    )
    assert (other.status_code, other.json()["code"]) == (404, "organisation_not_found")


async def test_the_municipality_summary_is_a_russian_docx(region: GeneratedRegion) -> None:
    world = region.world
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    response = await _get(
        world.api, officer, "/reports/municipality-summary", school_year=YEAR, on=str(ON)
    )
    paragraphs = _paragraphs(response.content)
    text = "\n".join(paragraphs)
    indicators, schools = _tables(response.content)

    assert paragraphs[0] == "АНАЛИТИЧЕСКАЯ СПРАВКА"
    assert "Первый округ, 2025/26 учебный год" in text
    assert "на 20.05.2026 по данным платформы «Наставник» в 2 образовательных" in text
    expected = region.expected({"s1", "s2"})
    mentees = next(r for r in indicators if r[1].startswith("Доля обучающихся 10–18 лет"))
    numerator, denominator, value = expected["mentees_10_18"]
    assert mentees[2:5] == [_number(value), f"{numerator} из {denominator}", "30"]
    assert [row[1:3] for row in schools[1:]] == [["Школа № 1", "школа"], ["Школа № 2", "школа"]]
    comparison = await world.api.graphql(
        officer,
        """query($year: String!, $on: Date) { schoolComparison(schoolYear: $year, on: $on) {
             edges { node { organisation { name } pairs laggingPairs } } } }""",
        year=YEAR,
        on=str(ON),
    )
    for row, node in zip(schools[1:], nodes(comparison["data"]["schoolComparison"]), strict=True):
        assert row[4:6] == [str(node["pairs"]), str(node["laggingPairs"])]
    assert "Школа № 1: не достигнуты пункты 6." in text
    assert "Рекомендация к пункту 6: Опишите контур" in text
    listed = nodes(comparison["data"]["schoolComparison"])
    lagging = ", ".join(n["organisation"]["name"] for n in listed if n["laggingPairs"])
    assert f"4.1. {lagging}: обеспечить регулярность встреч" in text
    assert not any(p.name in text for p in region.people)
