"""Sides of a pair or group over HTTP: a class-to-class cascade (7А mentors 6Б, 6Б mentors 5В, a
supporting teacher beside the first) formed, approved by an order whose appendix lists the
classes as classes, meeting, and counting each pupil once in «доля вовлечённых» (the known
answers of `tests/generated_region.py`); a team of two mentors for one mentee; the bad input
refused with nothing stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from shared.kernel.principal import Role
from tests.conftest import Api
from tests.generated_region import (
    CLASSES_SCHOOL,
    ON,
    ORDER_EARLY,
    YEAR,
    GeneratedRegion,
    generated_region,
)
from tests.web_support import WebClient

SCHOOL = CLASSES_SCHOOL
PAIR = """query($id: ID!) {
  pair(id: $id) {
    status isGroup orderNumber
    mentors { id fullName } mentees { id fullName } supportingTeachers { id fullName }
    classes { side label name pupils pupilIds }
    meetings { id kind feedback { authorId side } }
  }
}"""
INVOLVED = """query($year: String!, $org: ID, $on: Date) {
  indicators(schoolYear: $year, organisationId: $org, on: $on) {
    rows { code numerator denominator value }
  }
}"""
COUNT = """query($programme: ID!) { pairs(programmeId: $programme) { totalCount } }"""
STATE = """query($id: ID!) {
  programmeState(programmeId: $id) {
    pairs { id isGroup mentors { id } supportingTeachers { id } classes { side name pupils } }
  }
}"""


@pytest.fixture(scope="module")
async def region(api: Api) -> GeneratedRegion:
    return await generated_region(api, classes=True)


async def _pair(region: GeneratedRegion, pair_id: str) -> dict[str, Any]:
    world = region.world
    coordinator = world.coordinator(SCHOOL)
    await world.api.caught_up(coordinator)
    result = await world.api.graphql(coordinator, PAIR, id=pair_id)
    assert "errors" not in result, result
    found: dict[str, Any] = result["data"]["pair"]
    return found


async def test_a_class_mentors_a_class_that_mentors_a_class(region: GeneratedRegion) -> None:
    first, second = region.cascade
    shown = [await _pair(region, pair.id) for pair in region.cascade]
    supporting = next(
        p for p in region.people if p.name == shown[0]["supportingTeachers"][0]["fullName"]
    )

    assert [[(c["side"], c["name"], c["pupils"]) for c in p["classes"]] for p in shown] == [
        [("mentor", "7 «А» класс", 3), ("mentee", "6 «Б» класс", 3)],
        [("mentor", "6 «Б» класс", 3), ("mentee", "5 «В» класс", 3)],
    ]
    # the pupils of 6Б are the mentees of the first group and the mentors of the second
    assert {m["id"] for m in shown[0]["mentees"]} == {m["id"] for m in shown[1]["mentors"]}
    assert [m["id"] for m in shown[0]["mentors"]] == [m.id for m in first.mentors]
    assert [m["id"] for m in shown[1]["mentees"]] == [m.id for m in second.mentees]
    # the supporting teacher stands beside the first group, on neither side
    assert supporting.kind == "teacher"
    assert supporting.id not in {m["id"] for p in shown for m in (*p["mentors"], *p["mentees"])}
    assert [p["supportingTeachers"] for p in shown][1] == []
    assert all(p["status"] == "active" and p["isGroup"] and p["meetings"] for p in shown)
    # feedback on the group's meetings is on the side its author is on in that group
    for pair, group in zip(shown, region.cascade, strict=True):
        sides = {"mentor": {m.id for m in group.mentors}, "mentee": {m.id for m in group.mentees}}
        given = [f for m in pair["meetings"] for f in m["feedback"]]
        assert all(f["authorId"] in sides[f["side"]] for f in given)


async def test_the_order_lists_the_classes_as_classes(region: GeneratedRegion) -> None:
    world = region.world
    coordinator = world.coordinator(SCHOOL)
    await world.api.caught_up(coordinator)
    order = region.orders[SCHOOL, ORDER_EARLY]
    answer = await world.api.reporting.get(f"/orders/{order}", headers=world.api.auth(coordinator))
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    by_sides = {(row[1], row[2]) for row in cells}
    supporting = (await _pair(region, region.cascade[0].id))["supportingTeachers"][0]["fullName"]
    pupils = {p.name for pair in region.cascade for p in (*pair.mentors, *pair.mentees)}
    written = text + "\n".join(cell for row in cells for cell in row)

    assert answer.status_code == 200
    assert (f"7 «А» класс; сопровождающий педагог: {supporting}", "6 «Б» класс") in by_sides
    assert ("6 «Б» класс", "5 «В» класс") in by_sides
    assert not [name for name in pupils if name in written]  # not 9 names: 3 classes
    assert supporting in text.split("С приказом ознакомлены:\n", 1)[1]
    team = region.team
    assert team is not None
    [team_row] = [row for row in cells if team.mentee.name in row[2]]
    assert all(mentor.name in team_row[1] for mentor in team.mentors)


async def test_each_pupil_counts_once_among_the_involved(region: GeneratedRegion) -> None:
    """A pupil of 6Б is a mentee in 7А→6Б and a mentor in 6Б→5В: one pupil involved."""
    world = region.world
    result = await world.api.graphql(
        world.token(Role.REGION_OFFICER, "region"),
        INVOLVED,
        year=YEAR,
        org=str(world.ids[SCHOOL]),
        on=str(ON),
    )
    assert "errors" not in result, result
    rows = {row["code"]: row for row in result["data"]["indicators"]["rows"]}
    expected = region.expected({SCHOOL})
    first, second = region.cascade
    memberships = (
        len(first.mentors) + len(first.mentees) + len(second.mentors) + len(second.mentees)
    )
    cascade_pupils = {p.id for pair in region.cascade for p in (*pair.mentors, *pair.mentees)}

    for code in ("students_involved", "mentors_15_19", "mentees_10_18", "individual_plan"):
        row = rows[code]
        numerator, denominator, value = expected[code]
        assert (row["numerator"], row["denominator"]) == (numerator, denominator), code
        assert row["value"] == (pytest.approx(value) if value is not None else None), code
    assert len(cascade_pupils) == memberships - 3  # the generator's count is of pupils


async def test_a_team_of_two_mentors_for_one_mentee(region: GeneratedRegion) -> None:
    team = region.team
    assert team is not None
    shown = await _pair(region, team.id)
    rows = {
        row["code"]: row
        for row in (
            await region.world.api.graphql(
                region.world.token(Role.REGION_OFFICER, "region"),
                INVOLVED,
                year=YEAR,
                org=str(region.world.ids[SCHOOL]),
                on=str(ON),
            )
        )["data"]["indicators"]["rows"]
    }
    numerator, denominator, _ = region.expected({SCHOOL})["partners_providing_mentors"]

    assert [m["fullName"] for m in shown["mentors"]] == [m.name for m in team.mentors]
    assert [m.kind for m in team.mentors] == ["teacher", "partner_employee"]
    assert [m["fullName"] for m in shown["mentees"]] == [team.mentee.name]
    assert shown["classes"] == []
    assert shown["isGroup"]
    assert shown["status"] == "active"
    assert (rows["partners_providing_mentors"]["numerator"], denominator) == (
        numerator,
        rows["partners_providing_mentors"]["denominator"],
    )


async def _refused(region: GeneratedRegion, body: dict[str, Any]) -> dict[str, Any]:
    """The answer to forming a group in the school's programme, and that nothing was stored."""
    world = region.world
    coordinator = world.coordinator(SCHOOL)
    programme = region.programmes[SCHOOL]
    await world.api.caught_up(coordinator)
    before = await world.api.graphql(coordinator, COUNT, programme=programme)
    answer = await world.api.command(
        "programs", f"/programmes/{programme}/pairs", coordinator, body, expect=422
    )
    await world.api.caught_up(coordinator)
    after = await world.api.graphql(coordinator, COUNT, programme=programme)
    assert after == before
    return dict(answer)


async def test_a_class_of_another_school_is_refused(region: GeneratedRegion) -> None:
    others = [p for p in region.people if p.school == "s2" and p.kind == "student"][:3]
    answer = await _refused(
        region,
        {
            "form": "student_student",
            "mentor_classes": [
                {"label": "7А", "pupil_ids": [p.id for p in region.cascade[0].mentors]}
            ],
            "mentee_classes": [{"label": "7А", "pupil_ids": [p.id for p in others]}],
        },
    )

    assert answer["code"] == "class_of_other_school"
    assert answer["message"] == "7 «А» класс — из другой школы"


async def test_a_pupil_on_both_sides_of_one_group_is_refused(region: GeneratedRegion) -> None:
    mentors = region.cascade[0].mentors
    answer = await _refused(
        region,
        {
            "form": "student_student",
            "mentor_classes": [{"label": "7А", "pupil_ids": [p.id for p in mentors]}],
            "mentee_ids": [mentors[0].id],
        },
    )

    assert answer["code"] == "same_person"
    assert "и наставник, и наставляемый" in answer["message"]


async def test_a_pupil_of_another_class_is_refused(region: GeneratedRegion) -> None:
    answer = await _refused(
        region,
        {
            "form": "student_student",
            "mentor_classes": [
                {"label": "7А", "pupil_ids": [p.id for p in region.cascade[1].mentors]}
            ],
            "mentee_classes": [
                {"label": "5В", "pupil_ids": [p.id for p in region.cascade[1].mentees]}
            ],
        },
    )

    assert answer["code"] == "not_of_class"
    assert "7 «А» класс" in answer["message"]


async def test_the_replay_shows_the_sides(region: GeneratedRegion) -> None:
    world = region.world
    auditor = world.token(Role.AUDITOR, SCHOOL)
    await world.api.caught_up(auditor)
    result = await world.api.graphql(auditor, STATE, id=region.programmes[SCHOOL])
    assert "errors" not in result, result
    pairs = {p["id"]: p for p in result["data"]["programmeState"]["pairs"]}
    first, second = (pairs[pair.id] for pair in region.cascade)
    team = region.team
    assert team is not None

    assert [(c["side"], c["name"], c["pupils"]) for c in first["classes"]] == [
        ("mentor", "7 «А» класс", 3),
        ("mentee", "6 «Б» класс", 3),
    ]
    assert len(first["supportingTeachers"]) == 1
    assert second["supportingTeachers"] == []
    assert [m["id"] for m in pairs[team.id]["mentors"]] == [m.id for m in team.mentors]


def _sides_section(page: str) -> str:
    return page.split('<section id="sides">', 1)[1].split("</section>", 1)[0]


async def test_the_group_page_shows_its_sides_with_classes_and_roles(
    region: GeneratedRegion, web: WebClient
) -> None:
    world = region.world
    await world.api.caught_up(world.coordinator(SCHOOL))
    await web.sign_in(world.coordinator(SCHOOL))
    first = (await web.get(f"/pairs/{region.cascade[0].id}")).text
    team = region.team
    assert team is not None
    teamed = _sides_section((await web.get(f"/pairs/{team.id}")).text)
    sides = _sides_section(first)
    supporting = (await _pair(region, region.cascade[0].id))["supportingTeachers"][0]

    assert "<h1>7 «А» класс, обучающихся: 3 — 6 «Б» класс, обучающихся: 3</h1>" in first
    assert "<dt>Наставник</dt>" in sides
    assert "<li>7 «А» класс, обучающихся: 3</li>" in sides
    assert "<li>6 «Б» класс, обучающихся: 3</li>" in sides
    assert "<dt>Сопровождающий педагог (не наставник)</dt>" in sides
    assert supporting["fullName"] in sides
    assert not [p.name for p in region.cascade[0].mentors if p.name in sides]
    assert "<dt>Наставники</dt>" in teamed
    assert all(f"<li>{m.name}</li>" in teamed for m in team.mentors)


async def test_a_class_group_is_formed_from_the_web(
    region: GeneratedRegion, web: WebClient
) -> None:
    """The classes chosen by label, each with its pupils as the base holds them; a class on
    both sides comes back with the service's Russian message, nothing stored."""
    world = region.world
    coordinator = world.coordinator(SCHOOL)
    programme = region.programmes[SCHOOL]
    await web.sign_in(coordinator)
    listing = (await web.get("/pairs")).text
    teacher = next(p for p in region.people if p.school == SCHOOL and p.kind == "teacher")
    before = await world.api.graphql(coordinator, COUNT, programme=programme)

    same = await web.submit("/pairs/classes", {"mentor_class": "7А", "mentee_class": "7А"})
    await world.api.caught_up(coordinator)
    unchanged = await world.api.graphql(coordinator, COUNT, programme=programme)
    formed = await web.submit(
        "/pairs/classes",
        {"mentor_class": "5В", "mentee_class": "7А", "supporting_id": teacher.id},
    )
    await world.api.caught_up(coordinator)
    after = (await web.get("/pairs")).text

    assert '<option value="6Б">6 «Б» класс</option>' in listing
    assert same.status_code == 200
    assert "и наставник, и наставляемый" in same.text
    assert unchanged == before
    assert formed.status_code == 303
    assert "5 «В» класс, обучающихся: 3" in after
    assert "7 «А» класс, обучающихся: 3" in after
