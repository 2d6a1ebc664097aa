"""The foundation's slice, end to end over HTTP and GraphQL: a school registers people with
consents, opens a programme, forms a pair and records a meeting; reporting shows it."""

from __future__ import annotations

from datetime import date

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World, nodes

PAIRS = """
query {
  pairs {
    edges { node {
      id form status
      mentor { fullName isMentor consents { kind signedBy valid } }
      mentee { fullName grade consents { signedBy relation valid } }
      meetings { kind heldOn durationMinutes mentorRating mentorComment menteeRating menteeComment }
    } }
    pageInfo { hasNextPage }
  }
}
"""


async def test_a_school_forms_a_pair_and_records_a_meeting(world: World) -> None:
    mentor = await world.person("s1", "Петрова Анна Сергеевна", "mentor")
    mentee = await world.person(
        "s1", "Соколов Иван Петрович", "mentee", birth_date=date(2013, 5, 4)
    )
    programme = await world.programme("s1")
    pair = await world.pair("s1", programme, mentor, mentee)
    await world.meeting("s1", pair)

    result = await world.api.graphql(world.coordinator("s1"), PAIRS)

    assert "errors" not in result
    [edge] = result["data"]["pairs"]["edges"]
    node = edge["node"]
    assert node["id"] == pair
    assert node["mentor"]["fullName"] == "Петрова Анна Сергеевна"
    assert node["mentor"]["consents"] == [
        {"kind": "personal_data", "signedBy": "сам(а)", "valid": True},
        {"kind": "additional_duty", "signedBy": "сам(а)", "valid": True},
    ]
    assert node["mentee"]["fullName"] == "Соколов Иван Петрович"
    assert node["mentee"]["consents"] == [
        {"signedBy": "Родитель Соколов Иван Петрович", "relation": "мать", "valid": True}
    ]
    assert node["meetings"] == [
        {
            "kind": "introduction",
            "heldOn": str(region_today()),
            "durationMinutes": 45,
            "mentorRating": 9,
            "mentorComment": "Хорошее начало",
            "menteeRating": 8,
            "menteeComment": "Было интересно",
        }
    ]


async def test_counts_roll_up_from_school_to_municipality_and_region(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Один", "mentor", capacity=2)
    for name in ("Ученик Первый", "Ученик Второй"):
        mentee = await world.person("s1", name, "mentee")
        pair = await world.pair("s1", programme, mentor, mentee)
        await world.meeting("s1", pair)
    await world.person("s3", "Наставник Три", "mentor")

    query = """query($l: Level!) {
        counts(level: $l) { edges { node { name path mentors mentees pairs meetings } } } }"""
    region = world.token(Role.REGION_OFFICER, "region")
    by_school = await world.api.graphql(region, query, l="SCHOOL")
    by_municipality = await world.api.graphql(region, query, l="MUNICIPALITY")
    by_region = await world.api.graphql(region, query, l="REGION")

    schools = {row["name"]: row for row in nodes(by_school["data"]["counts"])}
    assert schools["Школа № 1"] | {"path": None} == {
        "name": "Школа № 1",
        "path": None,
        "mentors": 1,
        "mentees": 2,
        "pairs": 2,
        "meetings": 2,
    }
    assert schools["Школа № 2"]["mentors"] == 0
    assert schools["Школа № 3"]["mentors"] == 1
    municipalities = {
        row["name"]: row["mentors"] for row in nodes(by_municipality["data"]["counts"])
    }
    assert municipalities == {"Первый округ": 1, "Второй округ": 1}
    [whole] = nodes(by_region["data"]["counts"])
    assert (whole["name"], whole["mentors"], whole["mentees"], whole["pairs"]) == (
        "Тестовая область",
        2,
        2,
        2,
    )


async def test_an_auditor_reads_the_full_history_of_a_programme(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник История", "mentor")
    mentee = await world.person("s1", "Ученик История", "mentee")
    pair = await world.pair("s1", programme, mentor, mentee)
    await world.meeting("s1", pair)

    query = """query($id: ID!) { programmeHistory(programmeId: $id) { edges { node {
        eventType aggregateId aggregateVersion actorRole changes } } } }"""
    result = await world.api.graphql(world.token(Role.AUDITOR, "region"), query, id=programme)

    events = [e["node"] for e in result["data"]["programmeHistory"]["edges"]]
    assert [e["eventType"] for e in events] == [
        "PROGRAMME_OPENED",
        "PAIR_FORMED",
        "PAIRS_ORDER_ISSUED",
        "PAIR_APPROVED",
        "PAIR_MEETING_RECORDED",
    ]
    assert [e["actorRole"] for e in events] == [
        "school_coordinator",
        "school_coordinator",
        "school_director",
        "school_director",
        "school_coordinator",
    ]
    meeting = events[4]["changes"]
    assert meeting["mentor_rating"] == 9
    assert meeting["mentor_comment"] == "[персональные данные]"
    assert "Хорошее начало" not in str(events)
