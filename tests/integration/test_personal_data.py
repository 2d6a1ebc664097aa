"""Personal data that can be erased from an event store (152-ФЗ): per-person keys, withdrawal,
erasure, rebuild and key rotation, as a school, the institute and an operator see them."""

from __future__ import annotations

import asyncio
import base64
import io
import os
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec
import structlog
from openpyxl import load_workbook

from services.bootstrap import tools_registry
from services.reporting.projections import ALL
from services.reporting.rebuild import rebuild
from services.wiring import master_keys_of
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.personal_data import ERASED, MasterKeyMismatch
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role
from tests.conftest import World, nodes

# Each run of the suite gets its own names, so that one test's people never answer another's scan.
TAG = os.urandom(3).hex()
MENTOR = f"Шифрованная Анастасия {TAG}"
MENTEE = f"Стираемый Тимофей {TAG}"
PARENT = f"Стираемая Вера {TAG}"
FEEDBACK = f"Тимофей рассказал о конфликте в классе {TAG}"


async def _pair_with_meeting(world: World, tag: str = "") -> tuple[str, str, str, str]:
    """A mentor, a mentee (whose mother signed), their pair and a meeting with feedback; `tag`
    makes the names unique to the calling test."""
    programme = await world.programme("s1")
    mentor = (
        await world.api.command(
            "registry",
            "/people",
            world.coordinator("s1"),
            {
                "school_id": str(world.ids["s1"]),
                "kind": "teacher",
                "full_name": MENTOR + tag,
                "birth_date": "1984-06-01",
                "roles": ["mentor"],
                "consent": {"signed_on": "2025-09-01"},
            },
        )
    )["id"]
    mentee = (
        await world.api.command(
            "registry",
            "/people",
            world.coordinator("s1"),
            {
                "school_id": str(world.ids["s1"]),
                "kind": "student",
                "full_name": MENTEE + tag,
                "birth_date": "2012-03-03",
                "roles": ["mentee"],
                "contacts": "+7 900 000-00-00",
                "consent": {
                    "signed_on": "2025-09-01",
                    "representative_name": PARENT + tag,
                    "relation": "мать",
                },
            },
        )
    )["id"]
    await world.api.command(
        "registry",
        f"/people/{mentee}/mentee-profile",
        world.coordinator("s1"),
        {"categories": ["detached"], "requests": "Найти друзей"},
        expect=200,
        method="PUT",
    )
    pair = await world.pair("s1", programme, mentor, mentee)
    await world.meeting(
        "s1",
        pair,
        mentor_feedback={"rating": 9, "comment": "Хорошо"},
        mentee_feedback={"rating": 7, "comment": FEEDBACK + tag},
    )
    return programme, mentor, mentee, pair


async def tables_containing(database: DatabaseAddress, *needles: str) -> set[str]:
    """Every table whose rows, read as text, contain any of the needles."""
    connection = await connect(database)
    try:
        tables = [
            r["tablename"]
            for r in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        ]
        found = set()
        for table in tables:
            for needle in needles:
                hit = await connection.fetchval(
                    f"SELECT count(*) FROM {table} t WHERE t::text LIKE $1", f"%{needle}%"
                )
                if hit:
                    found.add(table)
        return found
    finally:
        await connection.close()


async def stored_events(database: DatabaseAddress) -> bytes:
    """Every stored event's state as the event store holds it (a table scan reads it as hex)."""
    connection = await connect(database)
    try:
        return b"".join(
            bytes(r["state"])
            for r in await connection.fetch(
                "SELECT state FROM registry_events UNION ALL SELECT state FROM programs_events"
            )
        )
    finally:
        await connection.close()


async def snapshot(database: DatabaseAddress, tables: list[str]) -> dict[str, list[str]]:
    connection = await connect(database)
    try:
        return {
            table: sorted(r[0] for r in await connection.fetch(f"SELECT t::text FROM {table} t"))
            for table in tables
        }
    finally:
        await connection.close()


async def test_names_are_never_stored_or_logged_in_clear(
    world: World, database: DatabaseAddress
) -> None:
    with structlog.testing.capture_logs() as logs:
        await _pair_with_meeting(world)
        await world.api.caught_up(world.coordinator("s1"))

    stored = await tables_containing(database, MENTOR, MENTEE, PARENT, FEEDBACK)
    raw_events = await stored_events(database)

    for secret in (MENTOR, MENTEE, PARENT, FEEDBACK, "+7 900 000-00-00", "2012-03-03"):
        assert secret.encode() not in raw_events
        assert secret not in str(logs)
    # Only the school's own read models hold the decrypted names, for its views (and the
    # regional register's private working table, which no GraphQL caller can read).
    assert stored == {"people", "consents", "meetings", "meeting_feedback", "register_candidates"}


async def test_an_erasure_removes_the_person_everywhere_and_keeps_the_counts(
    world: World, database: DatabaseAddress
) -> None:
    programme, _, mentee, pair = await _pair_with_meeting(world, tag="-erased")
    region = world.token(Role.REGION_OFFICER, "region")
    counts_query = """{ counts(level: MUNICIPALITY) {
        edges { node { path mentors mentees pairs meetings } } } }"""
    counts_before = await world.api.graphql(region, counts_query)

    by_coordinator = await world.api.command(
        "registry",
        f"/people/{mentee}/erasure",
        world.coordinator("s1"),
        {"reason": "Заявление законного представителя"},
        expect=403,
    )
    director = world.token(Role.SCHOOL_DIRECTOR, "s1")
    await world.api.command(
        "registry",
        f"/people/{mentee}/erasure",
        director,
        {"reason": "Заявление законного представителя"},
        expect=200,
    )
    twice = await world.api.command(
        "registry", f"/people/{mentee}/erasure", director, {"reason": "Повторно"}, expect=409
    )
    afterwards = await world.api.command(
        "registry",
        f"/people/{mentee}/consents",
        world.coordinator("s1"),
        {"signed_on": str(region_today())},
        expect=422,
    )
    meeting = await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings",
        world.coordinator("s1"),
        {"kind": "regular", "held_on": str(region_today()), "duration_minutes": 30},
        expect=422,
    )

    coordinator = world.coordinator("s1")
    seen = await world.api.graphql(
        coordinator,
        """query($id: ID!) {
        person(id: $id) { fullName birthDate contacts menteeProfile { requests }
                          consents { signedBy } }
        pairs { edges { node { mentee { fullName } meetings { menteeComment mentorComment } } } }
    }""",
        id=mentee,
    )
    replay = await world.api.graphql(
        world.token(Role.AUDITOR, "region"),
        """query($id: ID!) {
        programmeHistory(programmeId: $id) { edges { node { eventType changes } } } }""",
        id=programme,
    )
    export = await world.api.reporting.get("/exports/mentees", headers=world.api.auth(coordinator))
    counts_after = await world.api.graphql(region, counts_query)

    assert by_coordinator["code"] == "role_not_allowed"
    assert twice["code"] == "already_erased"
    assert afterwards["code"] == meeting["code"] == "person_erased"
    assert seen["data"]["person"] == {
        "fullName": ERASED,
        "birthDate": None,
        "contacts": ERASED,
        "menteeProfile": {"requests": ERASED},
        "consents": [{"signedBy": ERASED}],
    }
    [edge] = seen["data"]["pairs"]["edges"]
    assert edge["node"]["mentee"]["fullName"] == ERASED
    assert edge["node"]["meetings"] == [{"menteeComment": ERASED, "mentorComment": "Хорошо"}]
    assert [e["node"]["eventType"] for e in replay["data"]["programmeHistory"]["edges"]] == [
        "PROGRAMME_OPENED",
        "PAIR_FORMED",
        "PAIRS_ORDER_ISSUED",
        "PAIR_APPROVED",
        "PAIR_MEETING_RECORDED",
    ]
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet is not None
    assert not any(MENTEE in str(row) for row in sheet.iter_rows(values_only=True))
    assert counts_after == counts_before
    erased = [name + "-erased" for name in (MENTEE, PARENT, FEEDBACK)]
    assert await tables_containing(database, *erased) == set()


async def test_free_text_reasons_are_sealed_and_go_with_the_erasure(
    world: World, database: DatabaseAddress
) -> None:
    programme = await world.programme("s1")
    mentors = [await world.person("s1", f"Наставник Причины {n}", "mentor") for n in "АБ"]
    mentee = await world.person(
        "s1", f"Ученик Причины {TAG}", "mentee", birth_date=date(2012, 1, 1)
    )
    rejection, dissolution = f"Тимофей боится этого учителя {TAG}", f"Тимофей переезжает {TAG}"
    await world.api.command(
        "programs",
        f"/programmes/{programme}/rejected-suggestions",
        world.coordinator("s1"),
        {"mentee_id": mentee, "mentor_id": mentors[0], "reason": rejection},
    )
    pair = await world.pair("s1", programme, mentors[1], mentee, approve=False)
    await world.api.command(
        "programs",
        f"/pairs/{pair}/dissolution",
        world.coordinator("s1"),
        {"reason": dissolution},
        expect=200,
    )
    await world.api.caught_up(world.coordinator("s1"))
    before = await tables_containing(database, rejection, dissolution)
    events = await stored_events(database)

    await world.api.command(
        "registry",
        f"/people/{mentee}/erasure",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"reason": "Заявление законного представителя"},
        expect=200,
    )
    await world.api.caught_up(world.coordinator("s1"))

    # The school's matching view keeps the rejection's reason decrypted; no event holds it.
    assert before == {"rejected_suggestions"}
    assert rejection.encode() not in events
    assert dissolution.encode() not in events
    assert await tables_containing(database, rejection, dissolution) == set()


async def test_consent_withdrawal_stops_processing_and_day_30_erases(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    _, _, mentee, pair = await _pair_with_meeting(world, tag="-withdrawn")
    coordinator = world.coordinator("s1")
    kept = await world.person(
        "s1",
        "Ученик С Основанием",
        "mentee",
        birth_date=date(2011, 1, 1),
        consent_on=region_today() - timedelta(days=60),
    )
    for person in (mentee, kept):
        consent_query = """query($id: ID!) { person(id: $id) { consents { id } } }"""
        consents = await world.api.graphql(coordinator, consent_query, id=person)
        [consent] = consents["data"]["person"]["consents"]
        await world.api.command(
            "registry",
            f"/people/{person}/consents/{consent['id']}/withdrawal",
            coordinator,
            {"withdrawn_on": str(region_today() - timedelta(days=31))},
            expect=200,
        )
    await world.api.command(
        "registry",
        f"/people/{kept}/legal-basis",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"basis": "Запрос органа опеки, хранение до 31.12.2026"},
        expect=200,
    )

    refused = await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings",
        coordinator,
        {"kind": "regular", "held_on": str(region_today()), "duration_minutes": 30},
        expect=422,
    )

    def erase_due() -> list[Any]:
        with tools_registry(settings) as registry:
            # Day 30 after the withdrawals were recorded (the region's today), whatever date
            # they carry.
            return registry.erase_due(settings.region_today() + timedelta(days=30))

    erased = await asyncio.to_thread(erase_due)
    await world.api.caught_up(coordinator)
    names = await world.api.graphql(
        coordinator,
        """query($a: ID!, $b: ID!) {
        a: person(id: $a) { fullName } b: person(id: $b) { fullName } }""",
        a=mentee,
        b=kept,
    )

    assert refused["code"] == "consent_missing"
    # (with anyone else whose withdrawal other tests recorded today)
    assert mentee in {str(p) for p in erased}
    assert kept not in {str(p) for p in erased}
    assert names["data"] == {"a": {"fullName": ERASED}, "b": {"fullName": "Ученик С Основанием"}}


async def test_the_institute_reads_are_logged_for_the_school(world: World) -> None:
    mentor = await world.person("s1", "Наставник В Журнале", "mentor")
    institute = world.token(Role.INSTITUTE_METHODOLOGIST, "region")
    course = await world.course(9, 2)
    await world.api.command(
        "registry",
        f"/training-courses/{course}/completions",
        institute,
        {"person_id": mentor, "completed_on": str(region_today()), "certificate": "Ж-1"},
    )

    await world.api.graphql(institute, "{ regionalRegister { edges { node { fullName } } } }")
    log = await world.api.graphql(
        world.coordinator("s1"),
        """query($id: ID!) {
        personalDataAccess(personId: $id) { edges { node { role purpose } } } }""",
        id=mentor,
    )
    elsewhere = await world.api.graphql(
        world.coordinator("s2"),
        """query($id: ID!) {
        personalDataAccess(personId: $id) { edges { node { role } } } }""",
        id=mentor,
    )

    assert nodes(log["data"]["personalDataAccess"]) == [
        {"role": "institute_methodologist", "purpose": "региональная база наставников"}
    ]
    assert nodes(elsewhere["data"]["personalDataAccess"]) == []


async def test_a_full_rebuild_after_an_erasure_equals_the_projections_before_it(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    _, _, mentee, _ = await _pair_with_meeting(world)
    await world.api.command(
        "registry",
        f"/people/{mentee}/erasure",
        world.token(Role.SCHOOL_DIRECTOR, "s1"),
        {"reason": "Приказ об уничтожении"},
        expect=200,
    )
    await world.api.caught_up(world.coordinator("s1"))
    tables = [t.name for p in ALL for t in p.tables]
    before = await snapshot(database, tables)

    await rebuild(database, master_keys_of(settings))
    await world.api.caught_up(world.coordinator("s1"))

    after = await snapshot(database, tables)
    changed = {
        table: (set(before[table]) ^ set(after[table]))
        for table in tables
        if before[table] != after[table]
    }
    assert changed == {}


async def test_key_rotation_keeps_everything_readable(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    survivor = UUID(await world.person("s1", "Пережившая Ротацию", "mentor"))
    await world.api.caught_up(world.coordinator("s1"))
    new_key = base64.b64encode(os.urandom(32)).decode()
    rotated = msgspec.structs.replace(
        settings, master_key=new_key, previous_master_keys=settings.master_key
    )
    only_new = msgspec.structs.replace(settings, master_key=new_key)

    def rotate(to: Settings) -> int:
        with tools_registry(to) as registry:
            return registry.keys.rewrap_all()

    def key_under(keys: Settings) -> bytes | None:
        with tools_registry(keys) as registry:
            return registry.keys.get(survivor)

    try:
        rewrapped = await asyncio.to_thread(rotate, rotated)
        unwrapped = await asyncio.to_thread(key_under, only_new)
        applied = await rebuild(database, master_keys_of(only_new), ["people"])
        people = await world.api.graphql(
            world.coordinator("s1"), '{ people(search: "ротацию") { edges { node { fullName } } } }'
        )
        old_key_alone = await _fails_to_start(settings)
    finally:  # the services of the other tests still use the first key
        await asyncio.to_thread(
            rotate, msgspec.structs.replace(settings, previous_master_keys=new_key)
        )

    assert rewrapped > 0
    assert unwrapped is not None
    assert applied > 0
    assert people["data"]["people"]["edges"] == [{"node": {"fullName": "Пережившая Ротацию"}}]
    assert old_key_alone


async def _fails_to_start(settings: Settings) -> bool:
    """Does a service with these settings refuse to start for the master key?"""

    def start() -> None:
        with tools_registry(settings):
            pass

    try:
        await asyncio.to_thread(start)
    except MasterKeyMismatch as error:
        return "MASTER_KEY does not match" in str(error)
    return False
