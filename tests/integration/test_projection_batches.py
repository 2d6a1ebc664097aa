"""The projection worker writes a batch's rows together (deferred inserts, keys read per batch,
a bounded key cache): the rows are the same whatever the batch size, and an erased key is never
served from the cache."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar
from uuid import UUID, uuid4

import asyncpg
import pytest

from services.cli import projection_worker_for
from services.registry.events import PersonErased
from services.reporting import runner
from services.reporting.projections import ALL
from services.reporting.rebuild import rebuild
from services.reporting.runner import ProjectionWorker, share_out
from services.wiring import master_keys_of
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.keystore import Keyring
from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import Role
from tests.conftest import World, nodes
from tests.integration.test_personal_data import _pair_with_meeting, snapshot

T = TypeVar("T")
# A catch-up of the test's backlog takes seconds; a wait on a lock would take for ever.
CATCH_UP_SECONDS = 120


async def test_a_rebuild_in_batches_of_one_or_of_five_hundred_gives_the_same_rows(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    programme, _, mentee, pair = await _pair_with_meeting(world, tag="-batches")
    await world.meeting(
        "s1",
        pair,
        kind="trial",
        mentor_feedback={"rating": 7},
        mentee_feedback={"rating": 6, "comment": "Пробная"},
    )
    # Feedback given after the meeting: in a batch of 500 its meeting is still a deferred row
    # when the feedback is applied, and must be sent first.
    later = await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings",
        world.coordinator("s1"),
        {"kind": "final", "held_on": str(region_today()), "duration_minutes": 45},
    )
    await world.api.command(
        "programs",
        f"/pairs/{pair}/meetings/{later['id']}/feedback",
        world.coordinator("s1"),
        {"author_id": mentee, "rating": 5, "comment": "Позже"},
    )
    await world.api.caught_up(world.coordinator("s1"))
    tables = [t.name for p in ALL for t in p.tables]
    keys = master_keys_of(settings)
    live = await snapshot(database, tables)

    await rebuild(database, keys, batch_size=1)
    single = await snapshot(database, tables)
    await rebuild(database, keys, batch_size=500)
    batched = await snapshot(database, tables)

    assert {t: set(single[t]) ^ set(batched[t]) for t in tables if single[t] != batched[t]} == {}
    assert {t: set(live[t]) ^ set(batched[t]) for t in tables if live[t] != batched[t]} == {}
    assert await _mentee_side(database, later["id"]) == (5, "Позже")
    history = await _history_of(database, programme)
    assert {"PAIR_FORMED", "PAIR_MEETING_RECORDED"} <= history  # pair events found their programme


def test_a_rebuild_shares_its_projections_out_among_its_lanes_by_cost(
    settings: Settings,
) -> None:
    projections = projection_worker_for(settings).projections
    costs = [sum(p.replay_cost for p in share) for share in share_out(projections, 2)]
    lonely = share_out(projections[:1], 2)

    shared = [p.name for share in share_out(projections, 2) for p in share]
    assert sorted(shared) == sorted(p.name for p in projections)  # each in exactly one lane
    assert abs(costs[0] - costs[1]) <= max(p.replay_cost for p in projections)
    assert [len(share) for share in lonely] == [1, 0]


async def test_a_worker_on_lanes_catches_up_a_backlog_beside_another_exactly_once(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    """Every read model emptied, a worker on two lanes catches up; midway another worker
    applies the next batch first. The lanes find their projections moved on and leave the rest
    to batch-by-batch catching up: nothing is applied twice (the counters would show it), nothing
    is lost, and the read models come back as they were."""
    await _pair_with_meeting(world, tag="-lanes")
    await world.api.caught_up(world.coordinator("s1"))
    tables = [t.name for p in ALL for t in p.tables]
    live = await snapshot(database, tables)
    # Reporting's own worker waits meanwhile on the tracking rows it locks first (workers lock
    # them in the projections' name order): the first projection's, left out of the test's.
    first = min(p.name for p in ALL)
    others = [p for p in ALL if p.name != first]
    address, keys = projection_worker_for(settings).address, master_keys_of(settings)
    worker = ProjectionWorker(address, keys, batch_size=10, projections=others, lanes=2)
    interloper = ProjectionWorker(address, keys, batch_size=10, projections=others)
    interloper_connection = await connect(address)
    applied = {"replayed": 0, "interloper": 0}
    read, replay = worker._read, worker.replay

    async def read_after_the_interloper(connection: Any, upstream: str, after: int) -> Any:
        if upstream == "programs" and not applied["interloper"]:
            applied["interloper"] = len(await interloper._advance(interloper_connection, upstream))
            slow.slow_next_begin = True
        return await read(connection, upstream, after)

    async def counted(*args: Any) -> int:
        replayed: int = await replay(*args)
        applied["replayed"] += replayed
        return replayed

    worker._read = read_after_the_interloper  # type: ignore[method-assign]
    worker.replay = counted  # type: ignore[method-assign, assignment]
    holder = await connect(database)
    # Once the interloper has moved on, the second lane is slow to begin its batch: the first
    # finds itself overtaken meanwhile.
    connection, *lanes = [await connect(address) for _ in range(2)]
    slow = await _connect_slow_to_begin(address)
    lanes.append(slow)
    try:
        await _empty_read_models(database, tables)
        async with holder.transaction():
            await holder.execute(
                "SELECT 1 FROM projection_tracking WHERE projection = $1 FOR UPDATE", first
            )
            await _within(CATCH_UP_SECONDS, worker.catch_up(connection, lanes))
        for lane in lanes:  # every lane ended its transactions: fit for the next backlog
            async with lane.transaction():
                await lane.execute("SELECT 1")
    finally:
        for opened in (connection, *lanes, interloper_connection, holder):
            await opened.close()
    await world.api.caught_up(world.coordinator("s1"))
    again = await snapshot(database, tables)

    assert applied["replayed"] > 0  # the backlog went on the lanes
    assert applied["interloper"] == 10  # and another worker took a batch from under them
    assert {t: set(live[t]) ^ set(again[t]) for t in tables if live[t] != again[t]} == {}


class _SlowToBegin(asyncpg.Connection):
    """A connection whose next transaction, once armed, takes a while to begin (a busy
    machine's)."""

    slow_next_begin = False

    async def execute(self, query: str, *args: Any, **options: Any) -> str:
        if query.startswith("BEGIN") and self.slow_next_begin:
            self.slow_next_begin = False
            await asyncio.sleep(0.5)
        return await super().execute(query, *args, **options)


async def _connect_slow_to_begin(address: DatabaseAddress) -> _SlowToBegin:
    connection: _SlowToBegin = await asyncpg.connect(address.url, connection_class=_SlowToBegin)
    return connection


async def _within(seconds: float, work: Awaitable[T]) -> T:
    """`work`'s result, or the test fails with a message after `seconds`: a worker waiting on
    a lock for ever must not hang the whole suite."""
    try:
        async with asyncio.timeout(seconds):
            return await work
    except TimeoutError:
        pytest.fail(f"the worker did not catch up within {seconds} s: is it waiting on a lock?")


async def _empty_read_models(database: DatabaseAddress, tables: list[str]) -> None:
    connection = await connect(database)
    try:
        async with connection.transaction():
            await connection.execute(f"TRUNCATE {', '.join(tables)}, tenant_moves")
            await connection.execute("UPDATE projection_tracking SET position = 0")
    finally:
        await connection.close()


async def _mentee_side(database: DatabaseAddress, meeting: str) -> tuple[int, str]:
    connection = await connect(database)
    try:
        row = await connection.fetchrow(
            "SELECT mentee_rating, mentee_comment FROM meetings WHERE id = $1", UUID(meeting)
        )
        assert row is not None
        return row["mentee_rating"], row["mentee_comment"]
    finally:
        await connection.close()


async def test_the_indicators_count_the_same_whichever_stream_is_projected_first(
    world: World, settings: Settings, database: DatabaseAddress, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker projects the registry's stream, then the programmes': a pair can be approved
    before its members' registration reaches the indicators. Their counters come out the same."""
    await _pair_with_meeting(world, tag="-streams")
    await world.api.caught_up(world.coordinator("s1"))
    keys = master_keys_of(settings)
    # what each subject counts (whatever its days), the counters per day and the totals
    counters = [
        "indicator_contributions",
        "indicator_days",
        "indicator_rating_days",
        "indicator_years",
        "indicator_partners",
    ]

    await rebuild(database, keys, ["indicator_facts"])
    registry_first = await snapshot(database, counters)
    monkeypatch.setattr(runner, "UPSTREAMS", ("programs", "registry"))
    await rebuild(database, keys, ["indicator_facts"])
    programs_first = await snapshot(database, counters)

    assert programs_first == registry_first
    connection = await connect(database)
    try:  # not vacuous: people are counted
        counted = "SELECT count(*) FROM indicator_contributions WHERE part = 'person'"
        assert await connection.fetchval(counted) > 0
    finally:
        await connection.close()


async def _history_of(database: DatabaseAddress, programme: str) -> set[str]:
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT event_type FROM event_history WHERE programme_id = $1", UUID(programme)
        )
        return {r["event_type"] for r in rows}
    finally:
        await connection.close()


async def test_the_key_cache_is_bounded(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    people = [UUID(await world.person("s1", f"Кэшируемый {n}", "mentor")) for n in range(3)]
    keyring = Keyring(projection_worker_for(settings).keyring.master_keys, max_keys=2)
    connection = await connect(database)
    try:
        await keyring.prefetch(connection, [*people, uuid4()])
        bounded = len(keyring._cache)
        keys = [await keyring.get(connection, person) for person in people]  # evicted: read again
    finally:
        await connection.close()

    assert bounded == 2
    assert all(key is not None for key in keys)


async def test_applying_an_erasure_drops_the_cached_key(
    world: World, settings: Settings, database: DatabaseAddress
) -> None:
    person = UUID(await world.person("s1", "Забываемый Ключ", "mentor"))
    worker = projection_worker_for(settings)
    connection = await connect(database)
    try:
        cached = await worker.keyring.get(connection, person)
        await world.api.command(
            "registry",
            f"/people/{person}/erasure",
            world.token(Role.SCHOOL_DIRECTOR, "s1"),
            {"reason": "Приказ"},
            expect=200,
        )
        position = await connection.fetchval(
            "SELECT max(notification_id) FROM registry_events WHERE originator_id = $1", person
        )
        [erasure] = await worker._batch(connection, "registry", position - 1, position)
        transaction = connection.transaction()
        await transaction.start()
        try:  # applied, then rolled back: the running service projects it for real
            await worker.projections[0].apply(connection, erasure)
        finally:
            await transaction.rollback()
        after = await worker.keyring.get(connection, person)
    finally:
        await connection.close()

    assert cached is not None
    assert erasure.event_type is PersonErased
    assert after is None


REPLAY = """query($id: ID!, $first: Int!, $after: String) {
  programmeReplay(programmeId: $id, first: $first, after: $after) {
    totalCount events pageInfo { hasNextPage endCursor hasPreviousPage startCursor } } }"""
HISTORY = """query($id: ID!) { programmeHistory(programmeId: $id) { edges { node {
  upstream position occurredAt eventType aggregateId aggregateVersion actorUser actorRole
  changes } } } }"""


async def test_the_replay_pages_are_the_history_in_order(world: World) -> None:
    programme, _, _, pair = await _pair_with_meeting(world, tag="-replay")
    await world.meeting("s1", pair, kind="trial")
    auditor = world.token(Role.AUDITOR, "region")
    history = (await world.api.graphql(auditor, HISTORY, id=programme))["data"]
    pages, after = [], None
    while True:
        page = (await world.api.graphql(auditor, REPLAY, id=programme, first=2, after=after))[
            "data"
        ]["programmeReplay"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    start = pages[1]["pageInfo"]["startCursor"]
    after_start = await world.api.graphql(auditor, REPLAY, id=programme, first=1, after=start)
    too_large = await world.api.graphql(auditor, REPLAY, id=programme, first=10_001)
    by_school = await world.api.graphql(world.coordinator("s1"), REPLAY, id=programme, first=5)

    replayed = [event for page in pages for event in page["events"]]
    expected = nodes(history["programmeHistory"])
    assert len(expected) == 6
    assert [len(page["events"]) for page in pages] == [2, 2, 2]
    assert {page["totalCount"] for page in pages} == {6}
    assert replayed == expected  # every field, as programmeHistory gives it
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    assert after_start["data"]["programmeReplay"]["events"] == [pages[1]["events"][1]]
    assert too_large["errors"][0]["extensions"]["code"] == "bad_page_size"
    assert by_school["errors"][0]["extensions"]["code"] == "role_not_allowed"
