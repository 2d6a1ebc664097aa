"""An auditor's replay: the state of a programme at any version or moment, folded from its
history, equals what the live projections showed right after that many events; history pages
by cursor; above the school, ids without names; an erased person reads «данные удалены»."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from shared.adapters.personal_data import ERASED
from shared.adapters.settings import region_today
from shared.kernel.principal import Role
from tests.conftest import World, nodes

PAIR = """id programmeId form status basis formedAt orderNumber orderDate outcome endedOn endedBy
endReason summary isGroup mentor { id fullName } mentees { id fullName }
plan { startsOn endsOn goals progress tasks { id title dueOn completedOn } }
meetings { id kind heldOn durationMinutes meetingFormat topic mentorRating menteeRating
           feedback { authorId side rating comment givenAt } }"""
PROGRAMME = """id schoolId schoolYear title forms openedAt stage stageName stageChangedAt
meetingEveryDays startsOn endsOn goals curators { form personId }"""
LIVE = f"""query($id: ID!) {{
  programmes {{ edges {{ node {{ {PROGRAMME} }} }} }}
  pairs(programmeId: $id, first: 200) {{ edges {{ node {{ {PAIR} }} }} }}
  programmeHistory(programmeId: $id) {{ totalCount }}
}}"""
STATE = f"""query($id: ID!, $version: Int, $date: Date, $time: DateTime) {{
  programmeState(programmeId: $id, atVersion: $version, atDate: $date, atTime: $time) {{
    version versions at programme {{ {PROGRAMME} }} pairs {{ {PAIR} }}
    orders {{ number orderDate pairIds }}
  }}
}}"""
HISTORY = """query($id: ID!, $first: Int!, $after: String) {
  programmeHistory(programmeId: $id, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { position eventType } }
  }
}"""


class Recorder:
    """Runs commands on one programme and, after each, keeps what the live projections show."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.director = world.token(Role.SCHOOL_DIRECTOR, "s1")
        self.snapshots: list[tuple[int, dict[str, Any]]] = []
        self.programme = ""

    async def command(self, path: str, body: dict[str, Any], **how: Any) -> Any:
        result = await self.world.api.command("programs", path, self.director, body, **how)
        await self.snapshot()
        return result

    async def snapshot(self) -> None:
        live = await self.world.api.graphql(self.director, LIVE, id=self.programme)
        version = live["data"]["programmeHistory"]["totalCount"]
        programmes = nodes(live["data"]["programmes"])
        [programme] = [p for p in programmes if p["id"] == self.programme]
        pairs = [edge["node"] for edge in live["data"]["pairs"]["edges"]]
        self.snapshots.append((version, {"programme": programme, "pairs": pairs}))


async def _a_programme_through_its_life(world: World, recorder: Recorder) -> dict[str, str]:
    """Every kind of event the replay folds, one command at a time."""
    today = region_today()
    mentor = await world.person("s1", "Наставница Реплеева", "mentor", capacity=5)
    mentees = [
        await world.person("s1", f"Ученик Реплеев {n}", "mentee", birth_date=date(2011, 3, n))
        for n in range(1, 5)
    ]
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        world.coordinator("s1"),
        {"kind": "additional_duty", "signed_on": str(today - timedelta(days=1))},
    )
    recorder.programme = await world.programme("s1")
    await recorder.snapshot()
    base = f"/programmes/{recorder.programme}"
    await recorder.command(
        f"{base}/description",
        {"starts_on": "2025-09-01", "ends_on": "2026-05-31", "goals": ["Адаптация"]},
        expect=200,
        method="PUT",
    )
    await recorder.command(f"{base}/meeting-rule", {"every_days": 14}, expect=200)
    await recorder.command(f"{base}/stage", {"stage": 5}, expect=200)
    form = {"form": "teacher_student", "mentor_id": mentor}
    pair = (await recorder.command(f"{base}/pairs", {**form, "mentee_ids": mentees[:1]}))["id"]
    group = (await recorder.command(f"{base}/pairs", {**form, "mentee_ids": mentees[1:3]}))["id"]
    dropped = (await recorder.command(f"{base}/pairs", {**form, "mentee_ids": mentees[3:]}))["id"]
    await recorder.command(f"/pairs/{dropped}/dissolution", {"reason": "Другой"}, expect=200)
    await recorder.command(
        f"{base}/orders", {"number": "7-н", "order_date": str(today), "pair_ids": [pair, group]}
    )
    await recorder.command(
        f"/pairs/{pair}/plan",
        {
            "starts_on": "2025-10-01",
            "ends_on": "2026-05-31",
            "goals": ["Подтянуть математику"],
            "tasks": [
                {"title": "Диагностика", "due_on": "2025-10-15"},
                {"title": "Олимпиада", "due_on": "2026-02-01"},
            ],
        },
        expect=200,
        method="PUT",
    )
    live_pair = recorder.snapshots[-1][1]["pairs"]
    task = next(p for p in live_pair if p["id"] == pair)["plan"]["tasks"][0]["id"]
    await recorder.command(
        f"/pairs/{pair}/plan/tasks/{task}/completion", {"completed_on": str(today)}, expect=200
    )
    meeting = await recorder.command(
        f"/pairs/{pair}/meetings",
        {
            "kind": "introduction",
            "held_on": str(today),
            "duration_minutes": 45,
            "topic": "Знакомство",
            "mentor_feedback": {"rating": 9, "comment": "Хороший старт"},
        },
    )
    await recorder.command(
        f"/pairs/{pair}/meetings/{meeting['id']}/feedback",
        {"author_id": mentees[0], "rating": 7, "comment": "Было полезно, спасибо"},
    )
    group_meeting = await recorder.command(
        f"/pairs/{group}/meetings",
        {"kind": "introduction", "held_on": str(today), "duration_minutes": 30},
    )
    for mentee, rating in ((mentees[1], 8), (mentees[2], None)):
        await recorder.command(
            f"/pairs/{group}/meetings/{group_meeting['id']}/feedback",
            {"author_id": mentee, "rating": rating, "comment": f"Отзыв {rating}"},
        )
    await recorder.command(
        f"/pairs/{pair}/meetings",
        {"kind": "final", "held_on": str(today), "duration_minutes": 60},
    )
    await recorder.command(
        f"/pairs/{pair}/ending",
        {"outcome": "completed", "ended_on": str(today), "summary": "Цели плана достигнуты"},
        expect=200,
    )
    await recorder.command(f"{base}/stage", {"stage": 7}, expect=200)
    return {"pair": pair, "group": group, "mentee": mentees[0], "mentor": mentor}


async def _state(world: World, token: str, programme: str, **at: Any) -> dict[str, Any]:
    answer = await world.api.graphql(token, STATE, id=programme, **at)
    assert "errors" not in answer, answer
    state: dict[str, Any] = answer["data"]["programmeState"]
    return state


async def test_the_replay_at_every_version_equals_the_live_projections_then(
    world: World,
) -> None:
    recorder = Recorder(world)
    made = await _a_programme_through_its_life(world, recorder)
    auditor = world.token(Role.AUDITOR, "s1")
    versions = [version for version, _ in recorder.snapshots]
    assert versions == sorted(set(versions))  # one per command, each adding events
    assert len(versions) > 15

    states = []
    for version, live in recorder.snapshots:
        state = await _state(world, auditor, recorder.programme, version=version)
        assert state["version"] == version
        assert state["versions"] == versions[-1]
        assert state["programme"] == live["programme"], version
        assert state["pairs"] == live["pairs"], version
        states.append(state)
    # the states differ from one another: each command changed what the replay shows
    assert all(a != b for a, b in pairwise(states))
    last = states[-1]
    assert [o["number"] for o in last["orders"]] == ["7-н"]
    assert {p["status"] for p in last["pairs"]} == {"ended", "active", "dissolved"}

    # by moment: right after a version's last event is that version
    middle = states[len(states) // 2]
    by_time = await _state(world, auditor, recorder.programme, time=middle["at"])
    assert by_time["version"] == middle["version"]
    assert by_time["pairs"] == middle["pairs"]
    yesterday = await _state(
        world, auditor, recorder.programme, date=str(region_today() - timedelta(days=1))
    )
    assert (yesterday["version"], yesterday["programme"], yesterday["pairs"]) == (0, None, [])
    today = await _state(world, auditor, recorder.programme, date=str(region_today()))
    assert today == last

    # an erased mentee reads «данные удалены» in every version, and so do their words
    await world.api.command(
        "registry",
        f"/people/{made['mentee']}/erasure",
        recorder.director,
        {"reason": "Заявление законного представителя"},
        expect=200,
    )
    erased = await _state(world, auditor, recorder.programme, version=versions[-1])
    pair = next(p for p in erased["pairs"] if p["id"] == made["pair"])
    assert pair["mentees"][0]["fullName"] == ERASED
    assert pair["mentor"]["fullName"] == "Наставница Реплеева"
    mentee_feedback = [f for m in pair["meetings"] for f in m["feedback"] if f["side"] == "mentee"]
    assert [f["comment"] for f in mentee_feedback] == [ERASED]
    assert [f["rating"] for f in mentee_feedback] == [7]  # scores are not personal data


async def test_above_the_school_the_replay_shows_ids_and_no_names(world: World) -> None:
    recorder = Recorder(world)
    made = await _a_programme_through_its_life(world, recorder)
    school = await _state(world, world.token(Role.AUDITOR, "s1"), recorder.programme)
    region = await _state(world, world.token(Role.AUDITOR, "region"), recorder.programme)

    assert region["version"] == school["version"]
    assert [p["id"] for p in region["pairs"]] == [p["id"] for p in school["pairs"]]
    text = str(region)
    for words in ("Реплеев", "Хороший старт", "Было полезно", "Цели плана достигнуты"):
        assert words in str(school)
        assert words not in text
    pair = next(p for p in region["pairs"] if p["id"] == made["pair"])
    assert pair["mentor"] == {"id": made["mentor"], "fullName": None}
    assert pair["summary"] is None

    other_school = await world.api.graphql(
        world.token(Role.AUDITOR, "s2"), STATE, id=recorder.programme
    )
    officer = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m1"), STATE, id=recorder.programme
    )
    both = await world.api.graphql(
        world.token(Role.AUDITOR, "s1"), STATE, id=recorder.programme, version=1, date="2025-10-01"
    )
    assert other_school["errors"][0]["extensions"]["code"] == "programme_not_found"
    assert officer["errors"][0]["extensions"]["code"] == "role_not_allowed"
    assert both["errors"][0]["extensions"]["code"] == "one_point_in_time"


async def test_history_pages_by_cursor(world: World) -> None:
    recorder = Recorder(world)
    await _a_programme_through_its_life(world, recorder)
    auditor = world.token(Role.AUDITOR, "region")
    seen: list[int] = []
    after = None
    while True:
        answer = await world.api.graphql(
            auditor, HISTORY, id=recorder.programme, first=4, after=after
        )
        page = answer["data"]["programmeHistory"]
        seen += [edge["node"]["position"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == recorder.snapshots[-1][0]
    assert seen == sorted(seen)
    bad = await world.api.graphql(auditor, HISTORY, id=recorder.programme, first=4, after="!!")
    assert bad["errors"][0]["extensions"]["code"] == "bad_cursor"
