"""Each caller sees exactly its scope, through every query, enforced by PostgreSQL itself."""

from __future__ import annotations

import asyncpg
import pytest

from shared.adapters.database import READER_ROLE, DatabaseAddress, connect
from shared.kernel.principal import Role
from tests.conftest import World, nodes

EVERYTHING = """
query {
  pairs { edges { node { id mentor { fullName } mentee { fullName } meetings { id topic } } } }
  people { edges { node { id fullName } } }
  counts(level: SCHOOL) { edges { node { name path mentors mentees pairs meetings } } }
}
"""
HISTORY = """query($id: ID!) {
  programmeHistory(programmeId: $id) { totalCount edges { node { eventType changes } } } }"""

NAMES = ("Первая Наставница", "Первый Ученик")


async def _school_one_with_a_pair(world: World) -> str:
    programme = await world.programme("s1")
    mentor = await world.person("s1", NAMES[0], "mentor")
    mentee = await world.person("s1", NAMES[1], "mentee")
    pair = await world.pair("s1", programme, mentor, mentee)
    await world.meeting("s1", pair, topic="Секретная тема")
    return programme


async def test_another_school_sees_nothing_of_the_first(world: World) -> None:
    programme = await _school_one_with_a_pair(world)

    director = world.token(Role.SCHOOL_DIRECTOR, "s2")
    result = await world.api.graphql(director, EVERYTHING)
    history = await world.api.graphql(director, HISTORY, id=programme)

    data = result["data"]
    assert data["pairs"]["edges"] == []
    assert data["people"]["edges"] == []
    assert [row["name"] for row in nodes(data["counts"])] == ["Школа № 2"]
    assert history["data"]["programmeHistory"]["edges"] == []
    assert not any(name in str(result) for name in NAMES)


async def test_a_municipality_sees_only_its_schools_and_no_names(world: World) -> None:
    programme = await _school_one_with_a_pair(world)
    await world.person("s3", "Наставник Другого Округа", "mentor")

    officer = world.token(Role.MUNICIPALITY_OFFICER, "m1")
    result = await world.api.graphql(officer, EVERYTHING)
    history = await world.api.graphql(officer, HISTORY, id=programme)

    data = result["data"]
    assert sorted(row["name"] for row in nodes(data["counts"])) == ["Школа № 1", "Школа № 2"]
    assert data["pairs"]["edges"] == []
    assert data["people"]["edges"] == []
    assert not any(name in str(result) for name in NAMES)
    assert history["data"] is None
    assert "не может просматривать историю" in history["errors"][0]["message"]


async def test_the_region_sees_counts_and_no_names(world: World) -> None:
    programme = await _school_one_with_a_pair(world)

    result = await world.api.graphql(world.token(Role.REGION_OFFICER, "region"), EVERYTHING)
    auditor = await world.api.graphql(world.token(Role.AUDITOR, "region"), HISTORY, id=programme)

    data = result["data"]
    school_one = next(row for row in nodes(data["counts"]) if row["name"] == "Школа № 1")
    assert (school_one["mentors"], school_one["mentees"], school_one["pairs"]) == (1, 1, 1)
    assert data["pairs"]["edges"] == []
    assert data["people"]["edges"] == []
    assert not any(name in str(result) for name in (*NAMES, "Секретная тема"))
    assert len(auditor["data"]["programmeHistory"]["edges"]) == 5
    assert not any(name in str(auditor) for name in (*NAMES, "Хорошее начало"))


async def test_commands_outside_the_callers_school_are_refused(world: World) -> None:
    programme = await _school_one_with_a_pair(world)
    outsider = world.coordinator("s2")

    person = await world.api.command(
        "registry",
        "/people",
        outsider,
        {
            "school_id": str(world.ids["s1"]),
            "kind": "teacher",
            "full_name": "Чужой Человек",
            "roles": ["mentor"],
        },
        expect=403,
    )
    pair = await world.api.command(
        "programs",
        f"/programmes/{programme}/pairs",
        outsider,
        {
            "form": "teacher_student",
            "mentor_id": str(world.ids["s1"]),
            "mentee_ids": [str(world.ids["s1"])],
        },
        expect=403,
    )

    assert person["code"] == pair["code"] == "out_of_scope"


async def test_the_service_role_cannot_bypass_row_level_security(
    world: World, database: DatabaseAddress
) -> None:
    await _school_one_with_a_pair(world)
    await world.api.caught_up(world.coordinator("s1"))
    reader = await connect(database.as_role(READER_ROLE, ""))
    try:
        async with reader.transaction():  # no scope set: sees nothing
            assert await reader.fetchval("SELECT count(*) FROM people") == 0
            assert await reader.fetchval("SELECT count(*) FROM school_counts") == 0
        async with reader.transaction():
            await reader.execute("SELECT set_config('app.scope', $1, true)", world.paths["s1"])
            assert await reader.fetchval("SELECT count(*) FROM people") == 2
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await reader.execute("SET row_security = off; SELECT count(*) FROM people")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await reader.fetch("SELECT * FROM person_keys")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await reader.fetch("SELECT * FROM registry_events")
    finally:
        await reader.close()
