"""A school's programme as its coordinator and director run it."""

from __future__ import annotations

import asyncio
from datetime import date
from uuid import UUID

import pytest

from services.programs.application import NewMeeting, Programs
from services.programs.domain import MeetingFormat, MeetingKind, Pair
from services.registry.application import RegistryState
from services.wiring import master_keys_of
from shared.auth import Principal, Role
from shared.database import WRITER_ROLE, DatabaseAddress, open_sync_pool
from shared.errors import Conflict
from shared.eventstore import actor_of
from shared.keystore import KeyVault
from shared.settings import Settings
from shared.tenancy import Scope
from tests.conftest import World


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
        world.token(Role.MUNICIPALITY_OFFICER, "m1"), "{ programmes { stage stageName } }"
    )
    history = await world.api.graphql(
        world.token(Role.AUDITOR, "region"),
        """query($id: ID!) {
        programmeHistory(programmeId: $id) { eventType actorRole changes } }""",
        id=programme,
    )

    assert backwards["code"] == "stage_not_forward"
    assert by_curator["code"] == "role_not_allowed"
    assert out_of_range["details"]["problems"][0]["field"] == "stage"
    assert data["data"]["programmes"] == [
        {"stage": 5, "stageName": "формирование наставнических пар и групп"}
    ]
    changes = [e["changes"] for e in history["data"]["programmeHistory"][1:]]
    assert changes == [
        {"stage": 2, "former_stage": 1},
        {"stage": 3, "former_stage": 2},
        {"stage": 5, "former_stage": 3},
    ]
    assert {e["actorRole"] for e in history["data"]["programmeHistory"][1:]} == {"school_director"}


async def test_two_curators_changing_the_same_pair_at_once_one_gets_409(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Спор", "mentor")
    mentee = await world.person("s1", "Ученик Спор", "mentee")
    pair_id = UUID(await world.pair("s1", programme, mentor, mentee))

    def race() -> tuple[int, Conflict]:
        writer = database.as_role(WRITER_ROLE, "")
        pool = open_sync_pool(writer)
        registry = RegistryState(writer)
        programs = Programs(
            writer, keys=KeyVault(pool, master_keys_of(settings)), registry=registry
        )
        curator = Principal("curator", Role.SCHOOL_CURATOR, Scope(world.paths["s1"]))
        meeting = NewMeeting(
            kind=MeetingKind.INTRODUCTION,
            held_on=date.today(),
            duration_minutes=30,
            meeting_format=MeetingFormat.ONLINE,
        )
        try:
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
                )
            position = programs.store(first)
            with pytest.raises(Conflict) as lost:
                programs.store(second)
            return position, lost.value
        finally:
            programs.close()
            registry.close()
            pool.close()

    position, conflict = await asyncio.to_thread(race)

    assert position > 0
    assert conflict.status == 409
    assert conflict.code == "concurrent_change"
