"""Organisations of regional subordination: the region's own node sits at the municipality level,
its ГКОУ school stays three levels deep, works as any school, is monitored with the region's and
reported by its kind, and no municipality's officer sees it or registers under it."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from openpyxl import load_workbook

from shared.kernel.principal import Role
from shared.kernel.scope import depth
from tests.conftest import EventCounter, World, nodes
from tests.web_support import WebClient

YEAR = "2025/26"
NODE_NAME = "ГКОУ области"  # whatever the region calls it, views name it by its kind
ORGANISATIONS = "{ organisations { edges { node { id name kind legalForm } } } }"
COMPARISON = """query($year: String!) { municipalityComparison(schoolYear: $year) {
  edges { node { organisation { id name kind } schools schoolsReporting } } } }"""
INDICATORS = """query($year: String!, $organisation: ID) {
  indicators(schoolYear: $year, organisationId: $organisation) {
    organisation { name } schools schoolsReporting rows { code denominator } } }"""


async def _register(world: World, token: str, body: dict[str, Any], expect: int = 201) -> Any:
    return await world.api.command("registry", "/organisations", token, body, expect=expect)


async def _regional_school(world: World) -> tuple[Any, Any]:
    """The region's node, registered by its officer, and a ГКОУ boarding school under it."""
    officer = world.token(Role.REGION_OFFICER, "region")
    node = await _register(
        world,
        officer,
        {"kind": "regional", "name": NODE_NAME, "parent_id": str(world.ids["region"])},
    )
    school = await _register(
        world,
        officer,
        {
            "kind": "school",
            "legal_form": "ГКОУ",
            "name": "Школа-интернат № 5",
            "parent_id": node["id"],
        },
    )
    return node, school


async def test_a_school_of_regional_subordination_works_and_is_reported_by_its_kind(
    world: World,
) -> None:
    node, school = await _regional_school(world)
    assert (depth(node["path"]), depth(school["path"])) == (2, 3)
    assert school["path"].startswith(node["path"] + ".")

    # its director signs in with the school's scope and reports the contingent
    director = world.api.token(Role.SCHOOL_DIRECTOR, school["path"])
    await world.api.command(
        "registry",
        f"/schools/{school['id']}/contingent",
        director,
        {"school_year": YEAR, "students": 120, "students_10_18": 80, "students_15_19": 30}
        | {"teachers": 20, "young_teachers": 3},
        expect=200,
        method="PUT",
    )
    own = await world.api.graphql(director, INDICATORS, year=YEAR)
    assert own["data"]["indicators"]["organisation"]["name"] == "Школа-интернат № 5"
    assert own["data"]["indicators"]["schoolsReporting"] == 1

    officer = world.token(Role.REGION_OFFICER, "region")
    region = (await world.api.graphql(officer, INDICATORS, year=YEAR))["data"]["indicators"]
    assert region["schools"] == 4  # the three municipal schools and the ГКОУ
    groups = {
        n["organisation"]["name"]: n
        for n in nodes(
            (await world.api.graphql(officer, COMPARISON, year=YEAR))["data"][
                "municipalityComparison"
            ]
        )
    }
    assert groups[NODE_NAME]["organisation"]["kind"] == "regional"
    assert (groups[NODE_NAME]["schools"], groups[NODE_NAME]["schoolsReporting"]) == (1, 1)
    assert groups["Первый округ"]["schools"] == 2

    summary = await world.api.reporting.get(
        "/reports/region-summary", params={"school_year": YEAR}, headers=world.api.auth(officer)
    )
    assert summary.status_code == 200, summary.text
    document = Document(io.BytesIO(summary.content))
    groups_table = [[c.text for c in row.cells] for row in document.tables[1].rows]
    named = {row[1]: row[2] for row in groups_table[1:]}
    assert named == {
        "Организации регионального подчинения": "1",
        "Первый округ": "2",
        "Второй округ": "1",
    }

    export = await world.api.reporting.get(
        "/exports/indicators", params={"school_year": YEAR}, headers=world.api.auth(officer)
    )
    assert export.status_code == 200, export.text
    sheet = load_workbook(io.BytesIO(export.content))["По муниципалитетам"]
    listed = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert listed == [
        "Муниципалитет или подчинение",
        "Второй округ",
        "Организации регионального подчинения",
        "Первый округ",
    ]


async def test_no_municipality_officer_sees_the_region_s_node_or_its_school(
    world: World,
) -> None:
    node, school = await _regional_school(world)
    for municipality in ("m1", "m2"):
        officer = world.token(Role.MUNICIPALITY_OFFICER, municipality)
        seen = nodes((await world.api.graphql(officer, ORGANISATIONS))["data"]["organisations"])
        assert {n["id"] for n in seen}.isdisjoint({node["id"], school["id"]})
        refused = await world.api.graphql(officer, INDICATORS, year=YEAR, organisation=school["id"])
        assert refused["data"] is None or refused["data"]["indicators"] is None
    institute = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    seen = nodes((await world.api.graphql(institute, ORGANISATIONS))["data"]["organisations"])
    assert {node["id"], school["id"]} <= {n["id"] for n in seen}


async def test_a_municipality_officer_may_not_register_under_the_region_s_node(
    world: World, events: EventCounter
) -> None:
    node, _ = await _regional_school(world)
    before = await events()
    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    region = str(world.ids["region"])
    refusals = [
        (  # a school under the region's node
            officer,
            {"kind": "school", "legal_form": "МБОУ", "name": "Школа № 9", "parent_id": node["id"]},
            (403, "out_of_scope", "вне вашей организации"),
        ),
        (  # a node of the municipality's own
            officer,
            {"kind": "regional", "name": "Свои ГКОУ", "parent_id": region},
            (403, "role_not_allowed", "«специалист муниципалитета» не может создавать: организ"),
        ),
        (  # the node sits under the region only, never under a municipality
            world.api.token(Role.OPERATOR, ""),
            {"kind": "regional", "name": "Не там", "parent_id": str(world.ids["m1"])},
            (422, "wrong_parent", "регионального подчинения"),
        ),
    ]
    for token, body, (status, code, words) in refusals:
        refused = await _register(world, token, body, expect=status)
        assert refused["code"] == code
        assert words in refused["message"]
    assert await events() == before


async def test_the_region_s_pages_name_its_node_by_its_kind_and_its_director_works(
    world: World, web: WebClient
) -> None:
    node, school = await _regional_school(world)
    officer = world.token(Role.REGION_OFFICER, "region")
    await web.sign_in(officer)
    await world.api.caught_up(officer)

    region = await web.get(f"/region/indicators?year={YEAR}&indicator=students_involved")
    assert region.status_code == 200, region.text
    assert "<td>Организации регионального подчинения</td>" in region.text
    assert NODE_NAME not in region.text
    comparison = await web.get(f"/monitoring/schools?year={YEAR}")
    assert comparison.status_code == 200, comparison.text
    option = f'<option value="{node["id"]}">Организации регионального подчинения</option>'
    assert option in comparison.text
    assert "Школа-интернат № 5</a>" in comparison.text
    narrowed = await web.get(f"/monitoring/schools?year={YEAR}&municipality={node['id']}")
    assert "Школа-интернат № 5</a>" in narrowed.text
    assert "Школа № 1</a>" not in narrowed.text

    # its director signs in and fills the school's self-audit; the region sees it filled
    director = world.api.token(Role.SCHOOL_DIRECTOR, school["path"])
    await web.sign_in(director)
    assert (await web.get(f"/self-audit?year={YEAR}")).status_code == 200
    answers = {f"item_{n}": "yes" for n in range(1, 13)}
    saved = await web.submit(
        "/self-audit", answers | {"year": YEAR, "page_url": "https://internat5.example.ru/n"}
    )
    assert saved.status_code == 303, saved.text
    await world.api.caught_up(director)
    audits = await world.api.graphql(
        officer,
        "query($year: String!) { selfAudits(schoolYear: $year) { edges { node { schoolName"
        " items { achieved } } } } }",
        year=YEAR,
    )
    filled = {
        n["schoolName"]
        for n in nodes(audits["data"]["selfAudits"])
        if any(i["achieved"] for i in n["items"])
    }
    assert filled == {"Школа-интернат № 5"}
