"""The platform across hosts under write load (issue 23, point 2): a service replica killed, the
active projection worker killed, GraphQL from the replica database, a service host cut from the
database, and the primary lost. Each test prints its figures. The tests run in this order on one
cluster; the primary's loss comes last."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any
from uuid import UUID, uuid4

import httpx

from shared.adapters.database import PROJECTOR_ROLE, DatabaseAddress, connect
from shared.adapters.settings import region_today
from tests.cluster import hosts
from tests.cluster.cluster import Cluster, Process, balanced_url
from tests.cluster.load import MeetingLoad
from tests.e2e.test_processes import projected, stored, wait_until_projected

LOAD_SECONDS = 4  # of load before and after each failure


def meetings_url(school: dict[str, Any]) -> str:
    return f"{balanced_url('programs')}/pairs/{school['pair']['id']}/meetings"


async def projected_meetings(database: DatabaseAddress, school: dict[str, Any]) -> list[UUID]:
    """The pair's meetings as the read model holds them, once it has every stored event."""
    await wait_until_projected(database, seconds=120)
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT id FROM meetings WHERE pair_id = $1", UUID(school["pair"]["id"])
        )
    finally:
        await connection.close()
    return [row["id"] for row in rows]


async def lost_commands(
    database: DatabaseAddress, school: dict[str, Any], load: MeetingLoad
) -> int:
    """Meetings acknowledged to the load and not in the read model once it has every event."""
    projected = set(await projected_meetings(database, school))
    return len({UUID(i) for i in load.figures.acknowledged.values()} - projected)


async def test_a_service_replica_killed_loses_no_command_and_shows_no_5xx(
    cluster: Cluster, school: dict[str, Any]
) -> None:
    victim = cluster.process("programs", "app1")
    retries_before = cluster.haproxy_retries()
    async with MeetingLoad(meetings_url(school), school["coordinator"]) as load:
        await load.until_acknowledged(10)
        await asyncio.sleep(LOAD_SECONDS)
        assert victim.popen is not None
        hosts.stop(victim.popen, signal.SIGKILL)
        await asyncio.sleep(LOAD_SECONDS)
        await load.until_acknowledged(10)
    retried = cluster.haproxy_retries() - retries_before
    restarted_at = time.monotonic()
    cluster.start(victim, cluster.primary.admin)
    cluster.wait_healthy()
    restart = time.monotonic() - restarted_at
    lost = await lost_commands(cluster.primary.admin, school, load)
    doubled = await history_beyond_events(cluster.primary.admin)
    print(
        load.figures.line("service replica killed"),
        f"lost {lost}, stored twice {doubled}, HAProxy retried {retried},",
        f"the killed replica restarted and healthy in {restart:.1f} s",
    )
    assert len(load.figures.five_xx) == len(load.figures.unreachable) == lost == doubled == 0
    assert not load.figures.refused


async def test_the_active_worker_killed_the_standby_projects_every_event_once(
    cluster: Cluster, school: dict[str, Any]
) -> None:
    """Both workers run (each batch locks its projection's tracking row, so one projects while
    the other waits); the one holding a batch is killed in it."""
    async with MeetingLoad(meetings_url(school), school["coordinator"]) as load:
        await load.until_acknowledged(10)
        active = await worker_in_a_batch(cluster)
        assert active.popen is not None
        hosts.stop(active.popen, signal.SIGKILL)
        killed_at = time.monotonic()
        stored_then = await stored(cluster.primary.admin)
        await until_projected_to(cluster.primary.admin, stored_then)
        takeover = time.monotonic() - killed_at
        await asyncio.sleep(LOAD_SECONDS)
    lost = await lost_commands(cluster.primary.admin, school, load)
    doubled = await history_beyond_events(cluster.primary.admin)
    cluster.start(active, cluster.primary.admin)
    print(
        load.figures.line("active worker killed"),
        f"lost {lost}, events projected twice {doubled},",
        f"the standby had every event stored at the kill projected {takeover:.1f} s after it",
    )
    assert lost == doubled == len(load.figures.five_xx) == 0


async def worker_in_a_batch(cluster: Cluster) -> Process:
    """The worker whose projector connection is inside a batch's transaction now."""
    connection = await connect(cluster.primary.admin)
    try:
        for _ in range(2000):
            address = await connection.fetchval(
                "SELECT host(client_addr) FROM pg_stat_activity WHERE usename = $1"
                " AND xact_start IS NOT NULL AND state <> 'idle' LIMIT 1",
                PROJECTOR_ROLE,
            )
            if address:
                [worker] = [
                    p for p in cluster.processes
                    if p.name == "worker" and p.host.address == address
                ]  # fmt: skip
                return worker
            await asyncio.sleep(0.005)
    finally:
        await connection.close()
    raise AssertionError("no worker was ever inside a batch")


async def until_projected_to(database: DatabaseAddress, target: dict[str, int]) -> None:
    for _ in range(2400):
        if all(v >= target[k] for k, v in (await projected(database)).items()):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"projections stuck short of {target}")


async def history_beyond_events(database: DatabaseAddress) -> int:
    """Rows of the event history (a row per event) more than the events stored: doubles."""
    await wait_until_projected(database, seconds=120)
    connection = await connect(database)
    try:
        difference: int = await connection.fetchval(
            "SELECT (SELECT count(*) FROM event_history) - (SELECT count(*) FROM registry_events)"
            " - (SELECT count(*) FROM programs_events)"
        )
    finally:
        await connection.close()
    return difference


async def test_graphql_from_the_replica_caught_up_means_my_write_is_visible_there(
    cluster: Cluster, school: dict[str, Any]
) -> None:
    """A reporting reading the streaming replica: `caughtUp` with the position a command
    returned (through the primary) answers true only once the replica shows that write."""
    replica = balanced_url("replica_reporting") + "/graphql"
    auth = {"Authorization": f"Bearer {school['coordinator']}"}
    seen, waited = 0, []
    async with (
        MeetingLoad(meetings_url(school), school["coordinator"]) as load,
        httpx.AsyncClient(timeout=60) as http,
    ):
        await load.until_acknowledged(5)
        for number in range(20):
            mine = await own_write(http, meetings_url(school), auth, f"Своя запись {number}")
            started = time.monotonic()
            caught_up = await graphql(
                http, replica, auth, CAUGHT_UP, {"p": mine.json()["position"]}
            )
            waited.append(time.monotonic() - started)
            assert caught_up["caughtUp"] is True
            meetings = await graphql(http, replica, auth, MEETINGS, {"id": school["pair"]["id"]})
            ids = {m["id"] for m in meetings["pair"]["meetings"]}
            seen += mine.json()["id"] in ids
    lag = await replay_lag(cluster)
    print(
        load.figures.line("GraphQL from the replica"),
        f"own writes visible on the replica after caughtUp: {seen} of 20,",
        f"caughtUp waited max {max(waited) * 1000:.0f} ms, replica replay lag now {lag}",
    )
    assert seen == 20
    assert len(load.figures.five_xx) == 0


async def own_write(
    http: httpx.AsyncClient, url: str, auth: dict[str, str], topic: str
) -> httpx.Response:
    """A meeting recorded through HAProxy, sent again while the load's writes conflict (409)."""
    body = {
        "kind": "regular",
        "held_on": str(region_today()),
        "duration_minutes": 20,
        "topic": topic,
    }
    while True:
        answer = await http.post(url, json=body, headers={**auth, "Idempotency-Key": str(uuid4())})
        if answer.status_code != 409:
            assert answer.status_code == 201, answer.text
            return answer


CAUGHT_UP = "query($p: Int!) { caughtUp(programs: $p, timeoutMs: 30000) }"
MEETINGS = "query($id: ID!) { pair(id: $id) { meetings { id } } }"


async def graphql(
    http: httpx.AsyncClient, url: str, auth: dict[str, str], query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    answer = await http.post(url, json={"query": query, "variables": variables}, headers=auth)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def replay_lag(cluster: Cluster) -> str:
    connection = await connect(cluster.primary.admin)
    try:
        lag = await connection.fetchval("SELECT replay_lag::text FROM pg_stat_replication")
    finally:
        await connection.close()
    return str(lag)


async def test_a_service_host_cut_from_the_database_answers_503_and_recovers_by_itself(
    cluster: Cluster, school: dict[str, Any]
) -> None:
    """app2 loses its route to both database hosts (packets dropped, as a failed switch port);
    asked directly, its programs answers 503 meanwhile; through HAProxy the load sees nothing
    (a 503 is retried on app1, and app2's failed health checks take it out); once the network is
    back app2 serves again with no restart."""
    app2 = cluster.process("programs", "app2")
    databases = (cluster.primary.host.address, cluster.replica.host.address)
    auth = {"Authorization": f"Bearer {school['coordinator']}"}
    direct = f"{app2.url}/pairs/{school['pair']['id']}/meetings"
    async with (
        MeetingLoad(meetings_url(school), school["coordinator"]) as load,
        httpx.AsyncClient(timeout=60) as http,
    ):
        await load.until_acknowledged(5)
        app2.host.cut_from(*databases)
        cut_at = time.monotonic()
        try:
            health = await http.get(f"{app2.url}/health")
            health_seconds = time.monotonic() - cut_at
            started = time.monotonic()
            command = await http.post(
                direct, json=MEETING, headers={**auth, "Idempotency-Key": str(uuid4())}
            )
            command_seconds = time.monotonic() - started
            await asyncio.sleep(LOAD_SECONDS)
        finally:
            app2.host.restore_to(*databases)
        restored_at = time.monotonic()
        recovered = await until_created(http, direct, auth)
        recovery = time.monotonic() - restored_at
        await load.until_acknowledged(5)
    lost = await lost_commands(cluster.primary.admin, school, load)
    print(
        load.figures.line("service host cut from the database"),
        f"lost {lost}; directly: health {health.status_code} in {health_seconds:.1f} s,",
        f"a command {command.status_code} in {command_seconds:.1f} s,",
        f"serving again {recovery:.1f} s after the network was back",
    )
    assert (health.status_code, command.status_code) == (503, 503)
    assert command.json()["code"] == "database_unavailable"
    assert recovered
    assert lost == len(load.figures.five_xx) == len(load.figures.unreachable) == 0


MEETING = {"kind": "regular", "held_on": str(region_today()), "duration_minutes": 25}


async def until_created(
    http: httpx.AsyncClient, url: str, auth: dict[str, str], seconds: float = 60
) -> bool:
    """Whether a command sent straight to a service is carried out within `seconds`."""
    deadline = time.monotonic() + seconds
    key = str(uuid4())
    while time.monotonic() < deadline:
        try:
            answer = await http.post(url, json=MEETING, headers={**auth, "Idempotency-Key": key})
            if answer.status_code == 201:
                return True
        except httpx.HTTPError:
            pass
        await asyncio.sleep(0.5)
    return False


async def test_the_primary_lost_the_replica_promoted_as_the_runbook_says(
    cluster: Cluster, school: dict[str, Any]
) -> None:
    """The primary's machine gone under load; deploy/FAILOVER.md followed: the replica
    promoted, every service and worker pointed at it and restarted. What was acknowledged and
    not yet streamed to the replica is lost (asynchronous replication, PostgreSQL's default)."""
    async with MeetingLoad(meetings_url(school), school["coordinator"]) as load:
        await load.until_acknowledged(10)
        await asyncio.sleep(LOAD_SECONDS)
        cluster.primary.kill()
        cluster.primary.host.fence()
        lost_at = time.monotonic()
        acknowledged_before = len(load.figures.acknowledged)
        steps = await asyncio.to_thread(promote, cluster)
        await load.until_acknowledged(1)
        failover = time.monotonic() - lost_at
        await asyncio.sleep(LOAD_SECONDS)
    lost = await lost_commands(cluster.replica.admin, school, load)
    doubled = await history_beyond_events(cluster.replica.admin)
    replication = "synchronous" if cluster.synchronous else "asynchronous"
    print(
        load.figures.line(f"primary lost, replica promoted; {replication} replication"),
        f"acknowledged before the loss {acknowledged_before}, lost {lost},",
        f"stored twice {doubled}, writes acknowledged again {failover:.1f} s after the loss",
        f"(promotion {steps[0]:.1f} s, the services restarted and healthy in {steps[1]:.1f} s)",
    )
    assert doubled == 0
    assert not load.figures.refused
    if cluster.synchronous:
        assert lost == 0


def promote(cluster: Cluster) -> tuple[float, float]:
    """deploy/FAILOVER.md, steps 2 and 3 (step 1, the old primary fenced, is done); how long
    each took."""
    started = time.monotonic()
    cluster.replica.promote()
    cluster.replica.wait_for_replicas("")  # it has none yet: with one, commits would wait
    promoted = time.monotonic()
    cluster.point_at(cluster.replica.admin)
    return promoted - started, time.monotonic() - promoted
