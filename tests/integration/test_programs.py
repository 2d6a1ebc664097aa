"""A school's programme as its coordinator and director run it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable
from datetime import date, timedelta
from uuid import UUID

import httpx
import pytest
from docx import Document

from services.bootstrap import write_side
from services.programs.application import NewMeeting
from services.programs.domain import MeetingFormat, MeetingKind, Pair
from shared.adapters.database import DatabaseAddress
from shared.adapters.http_errors import status_of
from shared.adapters.personal_data import ERASED
from shared.adapters.settings import Settings, region_today
from shared.kernel.aggregate import actor_of
from shared.kernel.errors import Conflict
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import World, nodes


async def test_stages_go_forward_with_who_and_when(world: World) -> None:
    programme = await world.programme("s1")
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    for stage in (2, 3, 5):
        await world.api.command(
            "programs", f"/programmes/{programme}/stage", director, {"stage": stage}, expect=200
        )
    backwards = await world.api.command(
        "programs", f"/programmes/{programme}/stage", director, {"stage": 4}, expect=422
    )
    by_curator = await world.api.command(
        "programs",
        f"/programmes/{programme}/stage",
        world.token(Role.SCHOOL_CURATOR, "s1"),
        {"stage": 6},
        expect=403,
    )
    out_of_range = await world.api.command(
        "programs", f"/programmes/{programme}/stage", director, {"stage": 8}, expect=400
    )

    data = await world.api.graphql(
        world.token(Role.MUNICIPALITY_OFFICER, "m1"),
        "{ programmes { edges { node { stage stageName } } } }",
    )
    history = await world.api.graphql(
        world.token(Role.AUDITOR, "region"),
        """query($id: ID!) {
        programmeHistory(programmeId: $id) {
          edges { node { eventType actorRole changes } } } }""",
        id=programme,
    )

    assert backwards["code"] == "stage_not_forward"
    assert by_curator["code"] == "responsibility_missing"  # the school gave her no stage
    assert out_of_range["details"]["problems"][0]["field"] == "stage"
    assert nodes(data["data"]["programmes"]) == [
        {"stage": 5, "stageName": "формирование наставнических пар и групп"}
    ]
    events = [e["node"] for e in history["data"]["programmeHistory"]["edges"]]
    changes = [e["changes"] for e in events[1:]]
    today = str(region_today())  # no date given: the stage takes effect the day it is recorded
    assert changes == [
        {"stage": 2, "former_stage": 1, "effective_on": today},
        {"stage": 3, "former_stage": 2, "effective_on": today},
        {"stage": 5, "former_stage": 3, "effective_on": today},
    ]
    assert {e["actorRole"] for e in events[1:]} == {"school_director"}


async def test_two_curators_changing_the_same_pair_at_once_one_gets_409(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Спор", "mentor")
    mentee = await world.person("s1", "Ученик Спор", "mentee")
    pair_id = UUID(await world.pair("s1", programme, mentor, mentee))

    def race() -> tuple[int, Conflict]:
        curator = Principal("curator", Role.SCHOOL_CURATOR, Scope(world.paths["s1"]))
        meeting = NewMeeting(
            kind=MeetingKind.INTRODUCTION,
            held_on=region_today(),
            duration_minutes=30,
            meeting_format=MeetingFormat.ONLINE,
        )
        with write_side(settings) as side:
            programs = side.programs
            # Both curators loaded the pair before either saved.
            first = programs.load(Pair, pair_id, "Пара")
            second = programs.load(Pair, pair_id, "Пара")
            for copy in (first, second):
                copy.record_meeting(
                    actor_of(curator),
                    meeting_id=UUID(int=copy.version),
                    kind=meeting.kind,
                    held_on=meeting.held_on,
                    duration_minutes=30,
                    meeting_format=meeting.meeting_format,
                    topic="",
                    mentor_rating=None,
                    mentor_comment=None,
                    mentee_rating=None,
                    mentee_comment=None,
                    today=region_today(),
                )
            position = programs.store(first)
            with pytest.raises(Conflict) as lost:
                programs.store(second)
            return position, lost.value

    position, conflict = await asyncio.to_thread(race)

    assert position > 0
    assert status_of(conflict) == 409
    assert conflict.code == "concurrent_change"


async def test_only_pairs_approved_by_the_directors_order_start_working(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Учитель Без Согласия На Работу", "mentor", capacity=2)
    first = await world.person("s1", "Первый Наставляемый Приказа", "mentee")
    second = await world.person("s1", "Второй Наставляемый Приказа", "mentee")
    pairs = [await world.pair("s1", programme, mentor, m, approve=False) for m in (first, second)]
    coordinator = world.coordinator("s1")

    too_early = await world.api.command(
        "programs",
        f"/pairs/{pairs[0]}/meetings",
        coordinator,
        {"kind": "introduction", "held_on": str(region_today()), "duration_minutes": 30},
        expect=422,
    )
    no_duty_consent = await world.approve("s1", programme, pairs, expect=422)
    by_coordinator = await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        coordinator,
        {"number": "5-н", "order_date": str(region_today()), "pair_ids": pairs},
        expect=403,
    )
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"kind": "additional_duty", "signed_on": str(region_today())},
    )
    repeated = await world.approve("s1", programme, [pairs[0], pairs[0]], expect=422)
    order = await world.approve("s1", programme, pairs)
    twice = await world.approve("s1", programme, [pairs[0]], expect=422)
    await world.meeting("s1", pairs[0])

    statuses = await world.api.graphql(
        coordinator, "{ pairs { edges { node { status orderNumber } } } }"
    )

    assert too_early["code"] == "pair_not_approved"
    assert no_duty_consent["code"] == "duty_consent_missing"
    assert by_coordinator["code"] == "role_not_allowed"
    assert repeated["code"] == "repeated_pair"
    assert twice["code"] == "pair_not_proposed"
    assert order["id"]
    assert [e["node"] for e in statuses["data"]["pairs"]["edges"]] == [
        {"status": "active", "orderNumber": "2-н"},
        {"status": "active", "orderNumber": "2-н"},
    ]


async def test_the_order_downloads_as_a_docx_in_russian_and_forgets_erased_names(
    world: World,
) -> None:
    programme = await world.programme("s1", forms=["teacher_student", "student_student"])
    mentor = await world.person("s1", "Орлова Ирина Павловна", "mentor", capacity=2)
    mentee = await world.person(
        "s1", "Орлов Денис Игоревич", "mentee", birth_date=date(2012, 10, 3)
    )
    other = await world.person(
        "s1", "Смирнова Анна Олеговна", "mentee", birth_date=date(2012, 1, 3)
    )
    await world.pair("s1", programme, mentor, mentee, approve=False)
    orders = await world.api.graphql(world.coordinator("s1"), "{ pairs { edges { node { id } } } }")
    pair_ids = [e["node"]["id"] for e in orders["data"]["pairs"]["edges"]]
    second = await world.pair("s1", programme, mentor, other, approve=False)
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        world.coordinator("s1"),
        {"kind": "additional_duty", "signed_on": str(region_today())},
    )
    order = await world.approve("s1", programme, [*pair_ids, second])

    headers = world.api.auth(world.coordinator("s1"))
    await world.api.caught_up(world.coordinator("s1"))
    document = Document(
        io.BytesIO(
            (await world.api.reporting.get(f"/orders/{order['id']}", headers=headers)).content
        )
    )
    await world.api.command(
        "registry",
        f"/people/{mentee}/erasure",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"reason": "Заявление законного представителя"},
        expect=200,
    )
    await world.api.caught_up(world.coordinator("s1"))
    after_erasure = Document(
        io.BytesIO(
            (await world.api.reporting.get(f"/orders/{order['id']}", headers=headers)).content
        )
    )
    elsewhere = await world.api.reporting.get(
        f"/orders/{order['id']}", headers=world.api.auth(world.coordinator("s2"))
    )

    text = "\n".join(p.text for p in document.paragraphs)
    assert "ПРИКАЗ" in text
    assert "Об утверждении наставнических пар (групп)" in text
    assert "приказываю:" in text
    assert "№ 2-н" in text
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["№ п/п", "Наставник", "Наставляемый (группа наставляемых)", "Форма наставничества"],
        ["1", "Орлова Ирина Павловна", "Орлов Денис Игоревич", "учитель – ученик"],
        ["2", "Орлова Ирина Павловна", "Смирнова Анна Олеговна", "учитель – ученик"],
    ]
    erased_rows = [[c.text for c in row.cells] for row in after_erasure.tables[0].rows]
    assert erased_rows[1][2] == ERASED
    assert "Орлов Денис" not in str(erased_rows)
    assert elsewhere.status_code == 404


async def test_the_draft_order_lists_the_pairs_that_wait_for_it(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Орлова Ирина Павловна", "mentor", capacity=2)
    waiting = await world.person("s1", "Орлов Денис Игоревич", "mentee")
    approved = await world.person("s1", "Смирнова Анна Олеговна", "mentee")
    await world.pair("s1", programme, mentor, approved)
    last = await world.pair("s1", programme, mentor, waiting, approve=False)
    coordinator = world.coordinator("s1")
    await world.api.caught_up(coordinator)

    def draft(token: str) -> Awaitable[httpx.Response]:
        path = f"/programmes/{programme}/order-draft"
        return world.api.reporting.get(path, headers=world.api.auth(token))

    answer = await draft(coordinator)
    elsewhere = await draft(world.coordinator("s2"))
    await world.approve("s1", programme, [last])
    await world.api.caught_up(coordinator)
    empty = await draft(coordinator)
    document = Document(io.BytesIO(answer.content))
    text = "\n".join(p.text for p in document.paragraphs)
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]

    assert answer.status_code == 200
    assert text.startswith("ПРОЕКТ")
    assert "№ ______" in text
    assert rows[1:] == [["1", "Орлова Ирина Павловна", "Орлов Денис Игоревич", "учитель – ученик"]]
    assert elsewhere.status_code == 404
    assert elsewhere.json()["code"] == "programme_not_found"
    assert empty.status_code == 409
    assert empty.json()["code"] == "no_pairs_to_approve"


async def test_pairs_behind_the_meeting_rule_are_listed_until_they_meet(world: World) -> None:
    programme = await world.programme("s1")
    coordinator = world.coordinator("s1")
    month_ago = region_today() - timedelta(days=30)
    mentor = await world.person(
        "s1", "Наставник Частоты", "mentor", capacity=2, consent_on=month_ago
    )
    quiet = await world.person("s1", "Ученик Без Встреч", "mentee", consent_on=month_ago)
    active = await world.person("s1", "Ученик Со Встречами", "mentee", consent_on=month_ago)
    pairs = [await world.pair("s1", programme, mentor, m, approve=False) for m in (quiet, active)]
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"kind": "additional_duty", "signed_on": "2025-09-01"},
    )
    await world.api.command(
        "programs",
        f"/programmes/{programme}/orders",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {
            "number": "9-н",
            "order_date": str(region_today() - timedelta(days=20)),
            "pair_ids": pairs,
        },
    )
    await world.meeting("s1", pairs[1], held_on=str(region_today() - timedelta(days=2)))
    query = """{ laggingPairs { edges { node { pair { mentee { fullName } } lastMeetingOn
                                 daysWithoutMeeting meetingEveryDays } } } }"""

    weekly = await world.api.graphql(coordinator, query)
    await world.api.command(
        "programs",
        f"/programmes/{programme}/meeting-rule",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"every_days": 30},
        expect=200,
    )
    monthly = await world.api.graphql(coordinator, query)
    refused = await world.api.command(
        "programs",
        f"/programmes/{programme}/meeting-rule",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"every_days": 0},
        expect=422,
    )

    assert nodes(weekly["data"]["laggingPairs"]) == [
        {
            "pair": {"mentee": {"fullName": "Ученик Без Встреч"}},
            "lastMeetingOn": None,
            "daysWithoutMeeting": 20,
            "meetingEveryDays": 7,
        }
    ]
    assert nodes(monthly["data"]["laggingPairs"]) == []
    assert refused["code"] == "meeting_rule_range"


async def test_an_approved_pair_keeps_an_individual_plan_with_progress(world: World) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Плана", "mentor")
    mentee = await world.person("s1", "Ученик Плана", "mentee")
    proposed = await world.pair("s1", programme, mentor, mentee, approve=False)
    coordinator = world.coordinator("s1")
    start = region_today()
    plan = {
        "starts_on": str(start),
        "ends_on": str(start + timedelta(days=180)),
        "goals": ["Повысить результаты по математике", "Подготовиться к олимпиаде"],
        "tasks": [
            {"title": "Диагностика пробелов", "due_on": str(start + timedelta(days=14))},
            {"title": "Решить 50 задач", "due_on": str(start + timedelta(days=90))},
        ],
    }

    not_yet = await world.api.command(
        "programs", f"/pairs/{proposed}/plan", coordinator, plan, expect=422, method="PUT"
    )
    await world.api.command(
        "registry",
        f"/people/{mentor}/consents",
        coordinator,
        {"kind": "additional_duty", "signed_on": str(start)},
    )
    await world.approve("s1", programme, [proposed])
    too_long = await world.api.command(
        "programs",
        f"/pairs/{proposed}/plan",
        coordinator,
        plan | {"ends_on": str(start + timedelta(days=500))},
        expect=422,
        method="PUT",
    )
    await world.api.command(
        "programs", f"/pairs/{proposed}/plan", coordinator, plan, expect=200, method="PUT"
    )
    query = """{ pairs { edges { node { plan { goals progress
                 tasks { id title completedOn overdue } } } } } }"""
    drawn = await world.api.graphql(coordinator, query)
    first = drawn["data"]["pairs"]["edges"][0]["node"]["plan"]["tasks"][0]["id"]
    await world.api.command(
        "programs",
        f"/pairs/{proposed}/plan/tasks/{first}/completion",
        coordinator,
        {"completed_on": str(start)},
        expect=200,
    )
    again = await world.api.command(
        "programs",
        f"/pairs/{proposed}/plan/tasks/{first}/completion",
        coordinator,
        {"completed_on": str(start)},
        expect=422,
    )
    progressed = await world.api.graphql(coordinator, query)

    assert not_yet["code"] == "pair_not_approved"
    assert too_long["code"] == "plan_duration"
    assert again["code"] == "task_already_done"
    result = progressed["data"]["pairs"]["edges"][0]["node"]["plan"]
    assert result["goals"] == plan["goals"]
    assert result["progress"] == 50
    assert [(t["title"], t["completedOn"], t["overdue"]) for t in result["tasks"]] == [
        ("Диагностика пробелов", str(start), False),
        ("Решить 50 задач", None, False),
    ]
