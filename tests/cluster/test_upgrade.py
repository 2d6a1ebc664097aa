"""An upgrade from a previous release under load (issue 23, point 4): the cluster made with the
code of a release's tag, then rolled out to this tree's code as deploy/UPGRADE.md says — with
writes and GraphQL reads going on through HAProxy: no acknowledged command lost, and the events
the old release wrote during the rollout read by the new one.

From the previous release, `release-2026-12-07`, no request fails at all — though the rollout
drops a column of the pairs' table under the old reporting's prepared `SELECT *` and rebuilds
that projection while it answers (as a release that drops a retired column does). From the one
before, `release-2026-12-06`, whose reporting did not yet ask such a read again, a read fails
only at the projections' switch (deploy/UPGRADE.md, "Known")."""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from shared.adapters.auth import issue_token
from shared.adapters.database import connect
from shared.adapters.settings import PROJECT_ROOT, Settings
from shared.kernel.principal import Role
from shared.kernel.scope import person_path
from tests.cluster import hosts
from tests.cluster.cluster import Cluster, Process, balanced_url, running_cluster
from tests.cluster.load import MeetingLoad, Reads
from tests.cluster.test_cluster import history_beyond_events, lost_commands, meetings_url
from tests.e2e.test_processes import Client, stored

PREVIOUS_RELEASE = "release-2026-12-07"
# The release before it: its reporting failed a read whose prepared statement a switch made stale.
FAILS_AT_SWITCH = "release-2026-12-06"
# Each release's commit (its tag points there): a clone without tags still finds the code.
COMMITS = {
    PREVIOUS_RELEASE: "b3f774808ff34c6586521914458732a874e3bd7d",
    FAILS_AT_SWITCH: "afc6eb491690bffee58313740fdbedb4b3d831ce",
}
GIT, TAR = shutil.which("git") or "git", shutil.which("tar") or "tar"
LOAD_SECONDS = 4  # of load before the rollout and after it
# What the reads ask: the coordinator the pair, its mentor the pair as a participant sees it
# (through the participants' row-level policies and their scope functions).
PAIR = "query($id: ID!) { pair(id: $id) { mentor { id } mentees { id } meetings { id } } }"
OWN_PAIRS = "{ participation { fullName pairs { mentorName meetings { heldOn } } } }"


@pytest.fixture(scope="module", params=[PREVIOUS_RELEASE, FAILS_AT_SWITCH])
def release(request: pytest.FixtureRequest) -> str:
    tag: str = request.param
    return tag


@pytest.fixture(scope="module")
def previous_release(allowed: None, release: str) -> Iterator[Path]:
    """The release's code, from its commit (`git archive`), in a directory of its own."""
    commit = COMMITS[release]
    known = subprocess.run(
        [GIT, "-C", str(PROJECT_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"], check=False
    )
    if known.returncode != 0:
        pytest.skip(f"{release} ({commit[:7]}) is not in this clone (a shallow one?)")
    directory = Path(tempfile.mkdtemp(prefix="nastavnik-previous-"))
    directory.chmod(0o755)
    try:
        archive = subprocess.run(
            [GIT, "-C", str(PROJECT_ROOT), "archive", commit], capture_output=True, check=True
        )
        subprocess.run([TAR, "-x", "-C", str(directory)], input=archive.stdout, check=True)
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def old_cluster(previous_release: Path) -> Iterator[Cluster]:
    with running_cluster(release=previous_release, next_release=PROJECT_ROOT) as made:
        yield made


@pytest.fixture(scope="module")
async def old_school(old_cluster: Cluster) -> AsyncIterator[dict[str, Any]]:
    async with httpx.AsyncClient(timeout=60) as http:
        client = Client(http, Settings())
        client.registry, client.programs = balanced_url("registry"), balanced_url("programs")
        yield await client.school_with_a_pair()


async def test_an_upgrade_from_the_previous_release_under_load_fails_no_request(
    release: str, old_cluster: Cluster, old_school: dict[str, Any]
) -> None:
    cluster, school = old_cluster, old_school
    url = balanced_url("reporting") + "/graphql"
    mentor = issue_token(
        Settings(), Role.MENTOR,
        person_path(school["school"]["path"], UUID(school["mentor"]["id"])),
    )  # fmt: skip
    async with (
        MeetingLoad(meetings_url(school), school["coordinator"]) as load,
        Reads(url, school["coordinator"], PAIR, {"id": school["pair"]["id"]}) as reads,
        Reads(url, mentor, OWN_PAIRS, {}) as own_reads,
    ):
        await load.until_acknowledged(10)
        await asyncio.sleep(LOAD_SECONDS)
        started = time.monotonic()
        rollout = await roll_out(cluster)
        took = time.monotonic() - started
        await asyncio.sleep(LOAD_SECONDS)
        await load.until_acknowledged(10)
    lost = await lost_commands(cluster.primary.admin, school, load)
    doubled = await history_beyond_events(cluster.primary.admin)
    print(
        load.figures.line("upgrade"),
        reads.line("upgrade: the coordinator's"),
        own_reads.line("upgrade: the mentor's own"),
        f"lost {lost}, stored twice {doubled}; rollout {took:.1f} s (setup {rollout['setup']:.1f}"
        f" s), projections rebuilt {rollout['rebuilt']},",
        f"events the old release wrote during the rollout {rollout['old_events']},"
        " all projected by the new workers",
    )
    assert len(load.figures.five_xx) == len(load.figures.unreachable) == lost == doubled == 0
    assert not load.figures.refused
    assert rollout["old_events"] > 0  # the old release wrote while the new one was coming up
    assert "pairs" in rollout["rebuilt"]  # rebuilt and switched while the old reporting read it
    failures = [*reads.failures, *own_reads.failures]
    logged = "\n".join(log.read_text(errors="replace") for log in old_reporting_logs(cluster))
    if release != FAILS_AT_SWITCH:
        assert not failures, (failures, reporting_logs(cluster))
        # and not by luck: the old reporting met stale prepared statements and asked again
        assert "read_asked_again" in logged
        return
    # That release's one known failure: its reporting did not ask again a read whose prepared
    # statement the setup made stale (the table's columns changed), so a few reads at that
    # instant fail (deploy/UPGRADE.md, "Known"). None outside the setup's run.
    for failure in failures:
        during_setup = rollout["setup_from"] <= failure[0] <= rollout["setup_to"]
        assert during_setup, (failure, reporting_logs(cluster))
    assert "InvalidCachedStatementError" in logged or not failures


async def roll_out(cluster: Cluster) -> dict[str, Any]:
    """deploy/UPGRADE.md's steps: the old workers stopped, the new setup (its migration and
    rebuilds), the new workers started; then service by service the new one started beside the
    old, put into HAProxy's pool, and the old one drained out of it and stopped."""
    events_before = sum((await stored(cluster.primary.admin)).values())
    old_workers = [p for p in cluster.processes if p.port is None]
    hosts.stop_all([p.popen for p in old_workers if p.popen is not None])
    setup_started = time.monotonic()
    await retire_a_column(cluster)
    shapes_before = await projection_shapes(cluster)
    await asyncio.to_thread(cluster.run_setup, PROJECT_ROOT)
    setup_ended = time.monotonic()
    shapes_after = await projection_shapes(cluster)
    rebuilt = sorted(
        name for name, shape in shapes_after.items() if shape != shapes_before.get(name)
    )
    for old in old_workers:
        replace(cluster, old, successor_of(cluster, old))
    old_events = 0
    for old in [p for p in cluster.processes if p.port is not None]:
        new = successor_of(cluster, old)
        cluster.start(new, cluster.primary.admin)
        await asyncio.to_thread(until, lambda new=new: healthy_direct(new), f"{new.server} healthy")
        await asyncio.to_thread(switch_over, cluster, old, new)
        if old.name == "programs":
            old_events = sum((await stored(cluster.primary.admin)).values()) - events_before
        replace(cluster, old, new)
    return {
        "setup": setup_ended - setup_started,
        "setup_from": setup_started,
        "setup_to": setup_ended,
        "rebuilt": rebuilt,
        "old_events": old_events,
    }


async def retire_a_column(cluster: Cluster) -> None:
    """The pairs' table as a release would leave it that had one column more than this one:
    the column is there and the stored shape is not this release's, so the setup rebuilds the
    projection without it. Both steps change what the old reporting's prepared `SELECT * FROM
    pairs` returns while it answers the coordinator's reads."""
    connection = await connect(cluster.primary.admin)
    try:
        await connection.execute("ALTER TABLE pairs ADD COLUMN retired text")
        await connection.execute(
            "UPDATE projection_shapes SET shape = 'the previous release' WHERE projection = 'pairs'"
        )
    finally:
        await connection.close()


def reporting_logs(cluster: Cluster) -> str:
    """What every reporting, old and new, logged lately (a failed read's cause)."""
    return "\n".join(hosts.tail(log) for log in sorted(cluster.base.glob("*reporting.log")))


def old_reporting_logs(cluster: Cluster) -> list[Path]:
    return [log for log in cluster.base.glob("*reporting.log") if "-next-" not in log.name]


def successor_of(cluster: Cluster, old: Process) -> Process:
    [new] = [p for p in cluster.successors if p.name == old.name and p.host == old.host]
    return new


def replace(cluster: Cluster, old: Process, new: Process) -> None:
    """`old` stopped (gracefully: uvicorn ends the requests it has) and `new` in its place."""
    if old.popen is not None:
        hosts.stop(old.popen, signal.SIGTERM)
    if new.popen is None:
        cluster.start(new, cluster.primary.admin)
    cluster.processes[cluster.processes.index(old)] = new


def switch_over(cluster: Cluster, old: Process, new: Process) -> None:
    """HAProxy sends `old`'s traffic to `new`: `new` enabled and seen up by its health checks,
    then `old` put in maintenance (no new request) and left to finish what it has."""
    cluster.haproxy_command(f"enable server {new.name}/{new.server}")
    until(lambda: server_stat(cluster, new, "status") == "UP", f"{new.server} up in HAProxy")
    cluster.haproxy_command(f"set server {old.name}/{old.server} state maint")
    until(lambda: server_stat(cluster, old, "scur") == "0", f"{old.server} drained")


def server_stat(cluster: Cluster, process: Process, column: str) -> str:
    [row] = [
        row for row in cluster.haproxy_stats()
        if row.get("pxname") == process.name and row.get("svname") == process.server
    ]  # fmt: skip
    return row.get(column, "")


def healthy_direct(process: Process) -> bool:
    try:
        return httpx.get(f"{process.url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def until(condition: Any, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never {what}"
        time.sleep(0.1)


async def projection_shapes(cluster: Cluster) -> dict[str, str]:
    connection = await connect(cluster.primary.admin)
    try:
        rows = await connection.fetch("SELECT projection, shape FROM projection_shapes")
    finally:
        await connection.close()
    return {row["projection"]: row["shape"] for row in rows}
