"""The region's targets, a school's contingent and the self-audit checklist (S1): fill, review,
history, schools with gaps; refusals answer 4xx with a code and store no event."""

from __future__ import annotations

from typing import Any

import pytest

from shared.kernel.principal import Role
from tests.conftest import EventCounter, World

YEAR = "2025/26"
AUDITS = """
query($year: String!, $gaps: Boolean, $municipality: ID) {
  selfAudits(schoolYear: $year, withGaps: $gaps, municipalityId: $municipality) {
    totalCount
    edges { node { schoolName pageUrl gaps hasGaps
      items { number text achieved evidence reviewAchieved recommendation verdict gap
              history { action achieved text actorRole } } } }
  }
}
"""


def _audit(world: World, school: str) -> str:
    return f"/schools/{world.ids[school]}/self-audit"


async def _fill(world: World, school: str, body: dict[str, Any], expect: int = 200) -> Any:
    return await world.api.command(
        "registry",
        _audit(world, school),
        world.token(Role.SCHOOL_DIRECTOR, school),
        {"school_year": YEAR, **body},
        expect=expect,
        method="PUT",
    )


async def _review(
    world: World, school: str, role: Role, key: str, body: dict[str, Any], expect: int = 201
) -> Any:
    return await world.api.command(
        "registry",
        f"{_audit(world, school)}/reviews",
        world.token(role, key),
        {"school_year": YEAR, **body},
        expect=expect,
    )


async def test_fill_review_and_history(world: World) -> None:
    every_item = [
        {"item": n, "achieved": True, "evidence": f"Положение, п. {n}"} for n in range(1, 13)
    ]
    every_item[10] = {"item": 11, "achieved": False}
    await _fill(world, "s1", {"items": every_item, "page_url": "https://school1.ru/nastavnik"})
    await _review(
        world,
        "s1",
        Role.MUNICIPALITY_OFFICER,
        "m1",
        {"item": 4, "achieved": False, "recommendation": "Нет педагогов в базе"},
    )
    await _review(
        world, "s1", Role.INSTITUTE_METHODOLOGIST, "region", {"item": 1, "achieved": True}
    )
    # the school fixes item 4 and answers again; item 11 stays open
    await _fill(world, "s1", {"items": [{"item": 4, "achieved": True, "evidence": "Курсы"}]})
    await _fill(
        world,
        "s2",
        {
            "items": [{"item": n, "achieved": True} for n in range(1, 12)],
            "page_url": "https://school2.ru/m",
        },
    )
    await _fill(world, "s2", {"items": [{"item": 12, "achieved": True}]})

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    result = await world.api.graphql(officer, AUDITS, year=YEAR)
    audits = {e["node"]["schoolName"]: e["node"] for e in result["data"]["selfAudits"]["edges"]}
    assert set(audits) == {"Школа № 1", "Школа № 2"}  # never the other municipality's
    first = audits["Школа № 1"]
    assert first["pageUrl"] == "https://school1.ru/nastavnik"
    assert first["gaps"] == [11]
    item4 = first["items"][3]
    assert item4["text"].startswith("Прописаны условия отбора кандидатур наставников")
    assert (item4["achieved"], item4["reviewAchieved"], item4["verdict"]) == (True, False, True)
    assert item4["recommendation"] == "Нет педагогов в базе"
    assert [(h["action"], h["achieved"], h["actorRole"]) for h in item4["history"]] == [
        ("answer", True, "school_director"),
        ("review", False, "municipality_officer"),
        ("answer", True, "school_director"),
    ]
    assert first["items"][0]["history"][-1]["actorRole"] == "institute_methodologist"
    assert audits["Школа № 2"]["gaps"] == []

    with_gaps = await world.api.graphql(
        world.token(Role.REGION_OFFICER, "region"), AUDITS, year=YEAR, gaps=True
    )
    names = [e["node"]["schoolName"] for e in with_gaps["data"]["selfAudits"]["edges"]]
    assert set(names) == {"Школа № 1", "Школа № 3"}  # № 3 has not filled anything
    comparison = await world.api.graphql(
        officer,
        """query($year: String!) { schoolComparison(schoolYear: $year,
             filter: {withSelfAuditGaps: true}) { edges { node { organisation { name } } } } }""",
        year=YEAR,
    )
    edges = comparison["data"]["schoolComparison"]["edges"]
    assert [e["node"]["organisation"]["name"] for e in edges] == ["Школа № 1"]


async def test_self_audit_refusals_store_nothing(world: World, events: EventCounter) -> None:
    await _fill(world, "s1", {"items": [{"item": 1, "achieved": True}]})
    before = await events()
    refusals = [
        (
            await _fill(world, "s1", {"items": [{"item": 13, "achieved": True}]}, 400),
            "unknown_item",
        ),
        (
            await _fill(world, "s1", {"items": [{"item": 2, "achieved": True}] * 2}, 400),
            "repeated_item",
        ),
        (
            await _fill(world, "s1", {"items": [{"item": 12, "achieved": True}]}, 422),
            "page_url_missing",
        ),
        (await _fill(world, "s1", {"page_url": "ftp://x"}, 400), "invalid_payload"),
        (await _fill(world, "s1", {"items": [], "school_year": "2025/27"}, 400), "bad_school_year"),
        (
            await world.api.command(
                "registry",
                _audit(world, "s1"),
                world.coordinator("s2"),
                {"school_year": YEAR, "items": [{"item": 1, "achieved": True}]},
                expect=403,
                method="PUT",
            ),
            "out_of_scope",
        ),
        (
            await world.api.command(
                "registry",
                _audit(world, "s1"),
                world.token(Role.SCHOOL_CURATOR, "s1"),
                {"school_year": YEAR, "items": [{"item": 1, "achieved": True}]},
                expect=403,
                method="PUT",
            ),
            "role_not_allowed",
        ),
        (
            await _review(
                world, "s1", Role.SCHOOL_DIRECTOR, "s1", {"item": 1, "achieved": True}, 403
            ),
            "role_not_allowed",
        ),
        (
            await _review(
                world, "s1", Role.MUNICIPALITY_OFFICER, "m2", {"item": 1, "achieved": True}, 403
            ),
            "out_of_scope",
        ),
        (
            await _review(
                world, "s1", Role.MUNICIPALITY_OFFICER, "m1", {"item": 5, "achieved": True}, 422
            ),
            "item_not_answered",
        ),
        (
            await _review(
                world, "s1", Role.MUNICIPALITY_OFFICER, "m1", {"item": 1, "achieved": False}, 400
            ),
            "recommendation_missing",
        ),
        (
            await _review(
                world, "s1", Role.MUNICIPALITY_OFFICER, "m1", {"item": 0, "achieved": True}, 400
            ),
            "unknown_item",
        ),
        (
            await _review(
                world, "s2", Role.MUNICIPALITY_OFFICER, "m1", {"item": 1, "achieved": True}, 404
            ),
            "not_found",
        ),
    ]
    for answer, code in refusals:
        assert answer["code"] == code, answer
    assert await events() == before


async def test_targets_and_contingent_refusals_store_nothing(
    world: World, events: EventCounter
) -> None:
    region = f"/regions/{world.ids['region']}/indicator-targets"
    contingent = f"/schools/{world.ids['s1']}/contingent"
    officer = world.token(Role.REGION_OFFICER, "region")
    good = {
        "students": 100,
        "students_10_18": 60,
        "students_15_19": 30,
        "teachers": 20,
        "young_teachers": 3,
    }
    await world.api.command(
        "registry",
        region,
        officer,
        {"school_year": YEAR, "targets": {"mentees_10_18": 40}},
        expect=200,
        method="PUT",
    )
    before = await events()
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        (
            region,
            world.token(Role.MUNICIPALITY_OFFICER, "m1"),
            {"school_year": YEAR, "targets": {"mentees_10_18": 50}},
            403,
            "role_not_allowed",
        ),
        (
            region,
            officer,
            {"school_year": YEAR, "targets": {"happiness": 50}},
            400,
            "unknown_indicator",
        ),
        (
            region,
            officer,
            {"school_year": YEAR, "targets": {"mentees_10_18": 150}},
            400,
            "target_out_of_range",
        ),
        (
            region,
            officer,
            {"school_year": YEAR, "targets": {"mentee_satisfaction": 0}},
            400,
            "target_out_of_range",
        ),
        (region, officer, {"school_year": YEAR, "targets": {}}, 400, "no_targets"),
        (
            region,
            officer,
            {"school_year": YEAR, "targets": {"mentees_10_18": 40}},
            422,
            "targets_unchanged",
        ),
        (
            f"/regions/{world.ids['m1']}/indicator-targets",
            officer,
            {"school_year": YEAR, "targets": {"mentees_10_18": 40}},
            400,
            "not_a_region",
        ),
        (contingent, world.coordinator("s2"), {"school_year": YEAR, **good}, 403, "out_of_scope"),
        (
            contingent,
            world.token(Role.MUNICIPALITY_OFFICER, "m1"),
            {"school_year": YEAR, **good},
            403,
            "role_not_allowed",
        ),
        (
            contingent,
            world.coordinator("s1"),
            {"school_year": YEAR, **good, "students_10_18": 101},
            422,
            "band_exceeds_students",
        ),
        (
            contingent,
            world.coordinator("s1"),
            {"school_year": YEAR, **good, "young_teachers": 21},
            422,
            "young_exceed_teachers",
        ),
        (
            contingent,
            world.coordinator("s1"),
            {"school_year": YEAR, **good, "monitoring_from": "2026-10-01"},
            422,
            "window_outside_year",
        ),
        (
            contingent,
            world.coordinator("s1"),
            {"school_year": YEAR, **good, "students": -1},
            400,
            "invalid_payload",
        ),
    ]
    for path, token, body, status, code in cases:
        answer = await world.api.command("registry", path, token, body, expect=status, method="PUT")
        assert answer["code"] == code, (code, answer)
    assert await events() == before


@pytest.mark.parametrize("role", [Role.SCHOOL_COORDINATOR, Role.MUNICIPALITY_OFFICER])
async def test_everyone_in_the_region_sees_its_targets(world: World, role: Role) -> None:
    await world.api.command(
        "registry",
        f"/regions/{world.ids['region']}/indicator-targets",
        world.token(Role.REGION_OFFICER, "region"),
        {"school_year": YEAR, "targets": {"individual_plan": 80, "trained_mentors": 5}},
        expect=200,
        method="PUT",
    )
    key = "s3" if role == Role.SCHOOL_COORDINATOR else "m2"
    result = await world.api.graphql(
        world.token(role, key),
        """query($year: String!) { indicators(schoolYear: $year, on: "2026-05-01") {
             rows { code target } } }""",
        year=YEAR,
    )
    targets = {r["code"]: r["target"] for r in result["data"]["indicators"]["rows"]}
    assert (targets["individual_plan"], targets["trained_mentors"]) == (80, 5)
    outside = await world.api.graphql(
        world.token(role, key),
        """{ indicators(schoolYear: "2025/26", on: "2026-09-01") { schoolYear } }""",
    )
    assert outside["errors"][0]["message"].startswith("Отчётная дата 01.09.2026 вне")
    assert outside["errors"][0]["extensions"]["code"] == "date_outside_school_year"


async def test_a_region_sets_an_age_band_and_a_reversed_one_is_refused(
    world: World, events: EventCounter
) -> None:
    """The region's own band for a year (11–18 for pupils as mentees) is stored; one with its
    ends reversed answers a 422 in Russian naming the field, and nothing is stored."""
    bands = f"/regions/{world.ids['region']}/indicator-bands"
    officer = world.token(Role.REGION_OFFICER, "region")
    band = {"mentees_10_18": {"age_from": 11, "age_to": 18}}
    await world.api.command(
        "registry", bands, officer, {"school_year": YEAR, "bands": band}, expect=200, method="PUT"
    )
    before = await events()
    reversed_band = {"mentees_10_18": {"age_from": 18, "age_to": 11}}
    refused = await world.api.command(
        "registry",
        bands,
        officer,
        {"school_year": YEAR, "bands": reversed_band},
        expect=422,
        method="PUT",
    )
    assert refused["code"] == "band_reversed"
    assert refused["message"].startswith("Возраст «от» (18) больше возраста «до» (11)")
    assert refused["details"]["field"] == "bands"
    again = await world.api.command(
        "registry", bands, officer, {"school_year": YEAR, "bands": band}, expect=422, method="PUT"
    )
    assert again["code"] == "bands_unchanged"  # the 11–18 band stayed as it was set
    assert await events() == before
