"""Pairs are loaded from their latest snapshot and the events after it, exactly as from all
their events; a snapshot is a cache of the events that holds no personal data."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID

import pytest
import structlog

from services.bootstrap import WriteSide, write_side
from services.programs.application import Feedback, NewMeeting
from services.programs.domain import Basis, MeetingFormat, MeetingKind, Pair, PairState
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.settings import Settings, region_today
from shared.adapters.snapshots import SNAPSHOT_EVERY, Snapshotting
from shared.dictionaries import MentoringForm
from shared.kernel.aggregate import Actor, AggregateState
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import World

COMMENT = "Обсудили олимпиаду по физике"


async def snapshot_versions(database: DatabaseAddress, pair: str | UUID) -> list[int]:
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT originator_version FROM programs_snapshots WHERE originator_id = $1",
            UUID(str(pair)),
        )
        return [r["originator_version"] for r in rows]
    finally:
        await connection.close()


async def snapshots_holding(database: DatabaseAddress, text: str) -> int:
    connection = await connect(database)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM programs_snapshots WHERE position($1::bytea IN state) > 0",
            text.encode(),
        )
        return count
    finally:
        await connection.close()


def in_process(settings: Settings, work: Callable[[WriteSide], Any]) -> Any:
    with write_side(settings) as apps:
        return work(apps)


def loaded_both_ways(apps: WriteSide, pair_id: UUID) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pair as commands load it (from its snapshot), and replayed from all its events."""
    from_snapshot = apps.programs.load(Pair, pair_id, "Пара")
    replayed: Pair = apps.programs.repository.get(pair_id)
    return vars(from_snapshot), vars(replayed)


async def test_a_pair_loads_from_its_snapshot_as_from_all_its_events(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Снимка", "mentor")
    mentee = await world.person("s1", "Ученик Снимка", "mentee")
    pair = await world.pair("s1", programme, mentor, mentee)  # formed, approved: version 2
    comment = {"rating": 9, "comment": COMMENT}
    await world.meeting("s1", pair, mentor_feedback=comment)
    for number in range(SNAPSHOT_EVERY - 4):  # up to version SNAPSHOT_EVERY - 1
        await world.meeting(
            "s1", pair, kind="regular", mentor_feedback=comment, duration_minutes=30 + number
        )
    before = await snapshot_versions(database, pair)
    future = str(region_today() + timedelta(days=1))
    refused = await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings",
        world.coordinator("s1"),
        {"kind": "regular", "held_on": future, "duration_minutes": 30},
        expect=422,
    )
    after_refusal = await snapshot_versions(database, pair)
    await world.meeting("s1", pair, kind="regular", mentor_feedback=comment)
    taken = await snapshot_versions(database, pair)
    snapshot_only = await asyncio.to_thread(
        in_process, settings, lambda a: loaded_both_ways(a, UUID(pair))
    )
    for number in range(2):
        await world.meeting("s1", pair, kind="regular", duration_minutes=60 + number)
    later = await snapshot_versions(database, pair)
    with_events = await asyncio.to_thread(
        in_process, settings, lambda a: loaded_both_ways(a, UUID(pair))
    )

    assert before == []
    assert refused["code"] == "meeting_in_future"
    assert after_refusal == []
    assert taken == [SNAPSHOT_EVERY]
    assert later == [SNAPSHOT_EVERY]
    from_snapshot, replayed = snapshot_only
    assert from_snapshot == replayed
    assert len(from_snapshot["meetings"]) == SNAPSHOT_EVERY - 2
    from_snapshot, replayed = with_events
    assert from_snapshot == replayed
    assert from_snapshot["_version"] == SNAPSHOT_EVERY + 2
    assert await snapshots_holding(database, COMMENT) == 0
    assert await snapshots_holding(database, "Снимка") == 0


class PairStateNext(PairState):
    version: ClassVar[int] = PairState.version + 1


async def test_a_snapshot_of_another_version_is_ignored(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    programme = await world.programme("s1")
    mentor = await world.person("s1", "Наставник Версии", "mentor")
    mentee = await world.person("s1", "Ученик Версии", "mentee")
    pair = UUID(await world.pair("s1", programme, mentor, mentee))
    coordinator = Principal("test", Role.SCHOOL_COORDINATOR, Scope(world.paths["s1"]))

    def meetings(apps: WriteSide, count: int) -> None:
        for number in range(count):
            apps.programs.record_meeting(
                coordinator,
                pair,
                NewMeeting(
                    kind=MeetingKind.INTRODUCTION if number == 0 else MeetingKind.REGULAR,
                    held_on=region_today(),
                    duration_minutes=30 + number,
                    meeting_format=MeetingFormat.ONLINE,
                    mentor=Feedback(rating=7),
                ),
            )

    def with_next_version(apps: WriteSide) -> tuple[dict[str, Any], dict[str, Any], int]:
        apps.programs.snapshotting = Snapshotting({Pair: PairStateNext})
        loaded = loaded_both_ways(apps, pair)
        meetings_after = SNAPSHOT_EVERY  # the next save that crosses a multiple takes one
        for number in range(meetings_after):
            apps.programs.record_meeting(
                coordinator,
                pair,
                NewMeeting(
                    kind=MeetingKind.REGULAR,
                    held_on=region_today(),
                    duration_minutes=60 + number,
                    meeting_format=MeetingFormat.ONLINE,
                ),
            )
        return *loaded, apps.programs.load(Pair, pair, "Пара").version

    await asyncio.to_thread(in_process, settings, lambda a: meetings(a, SNAPSHOT_EVERY))
    first = await snapshot_versions(database, pair)
    ignored, replayed, version = await asyncio.to_thread(in_process, settings, with_next_version)
    second = await snapshot_versions(database, pair)

    assert first == [SNAPSHOT_EVERY]
    assert ignored == replayed
    assert ignored["_version"] == SNAPSHOT_EVERY + 2
    assert second == [2 * SNAPSHOT_EVERY]
    assert version == 2 * SNAPSHOT_EVERY + 2


class Incomplete(AggregateState):
    tenant: str


def pair_due_a_snapshot() -> Pair:
    """A pair formed, approved and met, all unsaved: its save would be due a snapshot."""
    actor = Actor("test", "school_coordinator")
    pair = Pair(
        id=UUID(int=1),
        tenant="r.m.s",
        actor=actor,
        programme_id=UUID(int=2),
        form=MentoringForm.TEACHER_STUDENT,
        mentor_ids=[UUID(int=3)],
        mentee_ids=[UUID(int=4)],
        classes=[],
        supporting_ids=[],
        basis=Basis.CHOSEN,
    )
    pair.approve(actor, UUID(int=5), "1-н", region_today())
    for number in range(SNAPSHOT_EVERY - 2):
        pair.record_meeting(
            actor,
            meeting_id=UUID(int=100 + number),
            kind=MeetingKind.INTRODUCTION if number == 0 else MeetingKind.REGULAR,
            held_on=region_today(),
            duration_minutes=30 + number,
            meeting_format=MeetingFormat.ONLINE,
            topic="",
            mentor_rating=8,
            mentor_comment=None,
            mentee_rating=None,
            mentee_comment=None,
            today=region_today(),
        )
    return pair


def test_a_state_class_that_misses_an_attribute_takes_no_snapshot() -> None:
    pair = pair_due_a_snapshot()
    incomplete = Snapshotting({Pair: Incomplete})

    with pytest.raises(TypeError, match="mentor_id"):
        incomplete.take(pair)
    with structlog.testing.capture_logs() as logs:
        skipped = incomplete.take_due([pair])
    [taken] = Snapshotting({Pair: PairState}).take_due([pair])

    assert skipped == []
    assert [entry["event"] for entry in logs] == ["snapshot_not_taken"]
    assert taken[:2] == (pair.id, SNAPSHOT_EVERY)
