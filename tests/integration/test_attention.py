"""What needs a school's attention (reporting's `attention`): each item appears while it is
due, goes once fixed, and another school never sees it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World

ATTENTION = """
query($school: ID!, $programme: ID!) {
  attention(schoolId: $school, programmeId: $programme) {
    meetingsWithoutFeedback { meetingId mentorMissing menteeMissing mentorName }
    consentProblems { fullName missing expiresOn }
    unmatchedMentees { fullName }
    surveysDue { fullName purpose }
  }
  pairOrders(programmeId: $programme) { number pairCount }
}
"""


async def attention(world: World, school: str, programme: str, token: str | None = None) -> Any:
    answer = await world.api.graphql(
        token or world.coordinator(school),
        ATTENTION,
        school=str(world.ids[school]),
        programme=programme,
    )
    assert "errors" not in answer, answer
    return answer["data"]


async def test_what_needs_attention_appears_while_due_and_goes_once_fixed(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Орлова Ирина Павловна", "mentor")
    mentee = await world.person("s1", "Орлов Денис Игоревич", "mentee", birth_date=date(2012, 1, 5))
    waiting = await world.person("s1", "Ждущий Пары Ученик", "mentee", birth_date=date(2012, 2, 5))
    await world.person("s1", "Без Согласия Учитель", "mentor", consent=False)
    pair = await world.pair("s1", programme, mentor, mentee)
    meeting = await world.meeting("s1", pair, mentee_feedback=None)

    due = await attention(world, "s1", programme)

    gaps = due["attention"]["meetingsWithoutFeedback"]
    assert [(g["meetingId"], g["mentorMissing"], g["menteeMissing"]) for g in gaps] == [
        (meeting["id"], False, True)
    ]
    assert {c["fullName"]: c["missing"] for c in due["attention"]["consentProblems"]} == {
        "Без Согласия Учитель": True
    }
    assert [u["fullName"] for u in due["attention"]["unmatchedMentees"]] == ["Ждущий Пары Ученик"]
    assert due["attention"]["surveysDue"] == [
        {"fullName": "Орлов Денис Игоревич", "purpose": "entry_diagnostics"}
    ]
    assert due["pairOrders"] == [{"number": "1-н", "pairCount": 1}]

    coordinator = world.coordinator("s1")
    await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings/{meeting['id']}/feedback",
        coordinator,
        {"author_id": mentee, "rating": 8},
    )
    helper = await world.person("s1", "Второй Наставник", "mentor")
    await world.pair("s1", programme, helper, waiting)

    fixed = await attention(world, "s1", programme)

    assert fixed["attention"]["meetingsWithoutFeedback"] == []
    assert fixed["attention"]["unmatchedMentees"] == []


async def test_a_consent_that_runs_out_soon_is_flagged(world: World) -> None:
    programme = await world.programme("s1")
    person = await world.person("s1", "Истекающее Согласие", "mentor", consent=False)
    await world.api.command(
        "registry",
        f"/people/{person}/consents",
        world.coordinator("s1"),
        {
            "signed_on": str(region_today() - timedelta(days=300)),
            "expires_on": str(region_today() + timedelta(days=10)),
        },
    )

    due = await attention(world, "s1", programme)

    assert due["attention"]["consentProblems"] == [
        {
            "fullName": "Истекающее Согласие",
            "missing": False,
            "expiresOn": str(region_today() + timedelta(days=10)),
        }
    ]


async def test_another_school_sees_nothing_of_it(world: World) -> None:
    programme = await world.programme("s1")
    await world.person("s1", "Чужой Наставляемый", "mentee", birth_date=date(2012, 3, 3))
    await world.person("s1", "Чужой Без Согласия", "mentor", consent=False)

    seen = await attention(world, "s1", programme, token=world.token(Role.SCHOOL_COORDINATOR, "s2"))

    assert seen["attention"] == {
        "meetingsWithoutFeedback": [],
        "consentProblems": [],
        "unmatchedMentees": [],
        "surveysDue": [],
    }
    assert seen["pairOrders"] == []
