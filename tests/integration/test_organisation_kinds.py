"""Every kind of educational organisation: a kindergarten is registered with its legal form apart
from the name, reports its contingent, and is monitored and reported by its kind."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from shared.kernel.principal import Role
from tests.conftest import EventCounter, World, nodes
from tests.web_support import WebClient

YEAR = "2025/26"
INDICATORS = """query($year: String!, $organisation: ID) {
  indicators(schoolYear: $year, organisationId: $organisation) {
    organisation { name educationKind } schools
    rows { code value numerator denominator note } } }"""
ORGANISATIONS = """{ organisations(kind: "school") {
  edges { node { id name path parentId educationKind legalForm } } } }"""


async def _register(world: World, body: dict[str, Any], expect: int = 201) -> Any:
    operator = world.api.token(Role.OPERATOR, "")
    return await world.api.command("registry", "/organisations", operator, body, expect=expect)


async def _contingent(world: World, school_id: str, path: str, **counts: int) -> None:
    await world.api.command(
        "registry",
        f"/schools/{school_id}/contingent",
        world.api.token(Role.SCHOOL_DIRECTOR, path),
        {"school_year": YEAR, "teachers": 12, "young_teachers": 2, **counts},
        expect=200,
        method="PUT",
    )


async def _kindergarten(world: World) -> Any:
    """A kindergarten of the first municipality, with its contingent: no pupils aged 10–19."""
    kindergarten = await _register(
        world,
        {
            "kind": "school",
            "education_kind": "preschool",
            "legal_form": "МБДОУ",
            "name": "Детский сад № 7 «Солнышко»",
            "parent_id": str(world.ids["m1"]),
        },
    )
    await _contingent(
        world,
        kindergarten["id"],
        kindergarten["path"],
        students=90,
        students_10_18=0,
        students_15_19=0,
    )
    return kindergarten


async def test_a_kindergarten_is_monitored_and_reported_by_its_kind(world: World) -> None:
    kindergarten = await _kindergarten(world)
    officer = world.token(Role.REGION_OFFICER, "region")
    found = {
        n["name"]: n
        for n in nodes((await world.api.graphql(officer, ORGANISATIONS))["data"]["organisations"])
    }
    assert (
        found["Детский сад № 7 «Солнышко»"]["educationKind"],
        found["Детский сад № 7 «Солнышко»"]["legalForm"],
    ) == ("preschool", "МБДОУ")
    assert found["Школа № 1"]["educationKind"] == "school"  # registered without a kind
    municipal = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    seen = nodes((await world.api.graphql(municipal, ORGANISATIONS))["data"]["organisations"])
    assert "Детский сад № 7 «Солнышко»" in {n["name"] for n in seen}

    kindergarten_rows = await _rows(world, officer, kindergarten["id"])
    assert kindergarten_rows["mentees_10_18"] == {
        "code": "mentees_10_18",
        "value": None,
        "numerator": None,
        "denominator": None,
        "note": "не применяется",
    }
    assert kindergarten_rows["mentors_15_19"]["note"] == "не применяется"
    assert kindergarten_rows["students_involved"]["denominator"] == 90
    # the municipality still counts its pupils aged 10–18: the kindergarten has none
    m1_rows = await _rows(world, municipal, str(world.ids["m1"]))
    assert m1_rows["mentees_10_18"]["note"] != "не применяется"

    summary = await world.api.reporting.get(
        "/reports/municipality-summary",
        params={"school_year": YEAR},
        headers=world.api.auth(municipal),
    )
    assert summary.status_code == 200, summary.text
    document = Document(io.BytesIO(summary.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "общеобразовательн" not in text
    assert "в 3 образовательных организациях" in text
    schools = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert schools[0][1:3] == ["ОО", "Вид"]
    kinds = {row[1]: row[2] for row in schools[1:]}
    assert kinds == {
        "Детский сад № 7 «Солнышко»": "детский сад (ДОО)",
        "Школа № 1": "школа",
        "Школа № 2": "школа",
    }


async def _rows(world: World, token: str, organisation: str) -> dict[str, Any]:
    answer = await world.api.graphql(token, INDICATORS, year=YEAR, organisation=organisation)
    return {row["code"]: row for row in answer["data"]["indicators"]["rows"]}


async def test_a_kind_given_to_no_educational_organisation_is_refused(
    world: World, events: EventCounter
) -> None:
    before = await events()
    refused = await _register(
        world,
        {
            "kind": "municipality",
            "education_kind": "college",
            "name": "Третий округ",
            "parent_id": str(world.ids["region"]),
        },
        expect=422,
    )
    assert refused["code"] == "not_educational"
    assert "школ" in refused["message"]
    assert refused["details"]["field"] == "education_kind"
    unknown = await _register(
        world,
        {
            "kind": "school",
            "education_kind": "university",
            "name": "Вуз",
            "parent_id": str(world.ids["m1"]),
        },
        expect=400,
    )
    assert "education_kind" in str(unknown)
    assert await events() == before


async def test_the_municipality_s_pages_name_the_kindergarten_by_its_kind(
    world: World, web: WebClient
) -> None:
    kindergarten = await _kindergarten(world)
    await web.sign_in(world.token(Role.MUNICIPALITY_OFFICER, "m1"))
    await world.api.caught_up(world.token(Role.MUNICIPALITY_OFFICER, "m1"))

    comparison = await web.get(f"/monitoring/schools?year={YEAR}")
    assert comparison.status_code == 200, comparison.text
    row = comparison.text.split("Детский сад № 7 «Солнышко»</a>")[1].split("</td>")[0]
    assert "детский сад (ДОО)" in row
    assert comparison.text.count('<br><span class="muted">школа</span>') == 2

    page = await web.get(f"/monitoring/schools/{kindergarten['id']}?year={YEAR}")
    assert page.status_code == 200, page.text
    assert "детский сад (ДОО)" in page.text
    band = page.text.split("Доля обучающихся 10–18 лет")[1].split("</tr>")[0]
    assert "не применяется" in band
    assert "нет данных" not in band
