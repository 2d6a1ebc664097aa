"""How each figure is measured. Every function returns plain dicts for the results file."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import httpx
import msgspec

from services.bootstrap import WriteSide
from services.demo import full_name
from services.programs.application import Feedback, NewMeeting
from services.programs.domain import MeetingFormat, MeetingKind
from services.registry.application import NewCampaign, NewConsent, NewPerson
from services.registry.domain import ConsentKind, ParticipantRole, PersonKind, Verdict
from services.registry.form_examples import DOCUMENT_LIST
from services.reporting.runner import UPSTREAMS
from shared.adapters import keystore
from shared.adapters.auth import issue_token
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.personal_data import MasterKeys
from shared.adapters.settings import Settings
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from shared.kernel.sealed import Sealed

from .generator import OrganisationPlan, SchoolPlan
from .loader import school_principal


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 and mean of samples in seconds, reported in milliseconds."""
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


async def stream_ends(connection: asyncpg.Connection) -> dict[str, int]:
    return {
        upstream: await connection.fetchval(
            f"SELECT coalesce(max(notification_id), 0) FROM {upstream}_events"
        )
        for upstream in UPSTREAMS
    }


async def projected(connection: asyncpg.Connection) -> dict[str, int]:
    """The slowest projection's position per upstream."""
    rows = await connection.fetch(
        "SELECT upstream, min(position) AS position FROM projection_tracking GROUP BY upstream"
    )
    return {r["upstream"]: r["position"] for r in rows}


# Figure 7: raw PostgreSQL baselines


BASELINE_TABLE = """
DROP TABLE IF EXISTS bench_baseline_events;
CREATE TABLE bench_baseline_events (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    topic text,
    state bytea,
    notification_id bigserial,
    PRIMARY KEY (originator_id, originator_version)
);
CREATE UNIQUE INDEX bench_baseline_events_notification ON bench_baseline_events (notification_id);
"""
BASELINE_TOPIC = "services.programs.domain:Pair.MeetingRecorded"


async def baselines(
    admin: DatabaseAddress, clients: int, seconds: float, copy_rows: int, state_bytes: int
) -> dict[str, Any]:
    """Single-row INSERT per transaction from `clients` asyncpg connections for `seconds`, and
    COPY of `copy_rows` rows, into a table shaped like the event store."""
    connection = await connect(admin)
    try:
        await connection.execute(BASELINE_TABLE)
        state = os.urandom(state_bytes)
        latencies: list[float] = []
        deadline = time.perf_counter() + seconds

        async def client() -> int:
            own = await connect(admin)
            done = 0
            try:
                while time.perf_counter() < deadline:
                    started = time.perf_counter()
                    await own.execute(
                        "INSERT INTO bench_baseline_events"
                        " (originator_id, originator_version, topic, state)"
                        " VALUES ($1, 1, $2, $3)",
                        uuid4(),
                        BASELINE_TOPIC,
                        state,
                    )
                    latencies.append(time.perf_counter() - started)
                    done += 1
            finally:
                await own.close()
            return done

        started = time.perf_counter()
        inserted = sum(await asyncio.gather(*(client() for _ in range(clients))))
        insert_seconds = time.perf_counter() - started
        await connection.execute("TRUNCATE bench_baseline_events")
        rows = [(uuid4(), 1, BASELINE_TOPIC, state) for _ in range(copy_rows)]
        started = time.perf_counter()
        await connection.copy_records_to_table(
            "bench_baseline_events",
            records=rows,
            columns=["originator_id", "originator_version", "topic", "state"],
        )
        copy_seconds = time.perf_counter() - started
        await connection.execute("DROP TABLE bench_baseline_events")
    finally:
        await connection.close()
    return {
        "row_bytes": state_bytes,
        "insert": {
            "clients": clients,
            "rows_per_s": round(inserted / insert_seconds, 1),
            "latency": percentiles(latencies),
        },
        "copy": {"rows": copy_rows, "rows_per_s": round(copy_rows / copy_seconds, 1)},
    }


# Figure 3: projection catch-up and full rebuild, each in its own process


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.require_database_url(),
        "LOG_LEVEL": "warning",
        "PROJECTION_BATCH_SIZE": str(settings.projection_batch_size),
    }


class PeakMemory:
    """Follows a child's peak RSS (VmHWM) while it runs. (The kernel's figure for a reaped child
    is no good here: a child started by vfork counts the parent's memory too.)"""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.mb = 0.0

    def sample(self) -> float:
        with contextlib.suppress(OSError):  # it has just exited: the last sample stands
            self.mb = max(self.mb, peak_rss_mb(self.process.pid))
        return self.mb

    def wait(self, cpu: PhaseCpu) -> int:
        """Until the child exits, its memory and the phase's CPU sampled meanwhile."""
        while self.process.poll() is None:
            self.sample()
            cpu.sample()
            time.sleep(0.2)
        return self.process.returncode


class PhaseCpu:
    """The CPU a phase run in a child process used — the child's own (counted when it is reaped)
    and the embedded server's (none on another server) — as cores kept busy over its wall time:
    whether a rebuild or a catch-up uses the cores it is given. The server's backends are
    sampled while the phase runs (`sample`): a lane's backend is gone by its end."""

    def __init__(self, postmaster: int | None) -> None:
        self.postmaster = postmaster
        self.child = _reaped_children_cpu()
        self.start = server_processes_cpu(postmaster) if postmaster else {}
        self.seen = dict(self.start)

    def sample(self) -> None:
        if self.postmaster:
            with contextlib.suppress(OSError):  # the server is never gone mid-phase; be safe
                self.seen.update(server_processes_cpu(self.postmaster))

    def figures(self, seconds: float) -> dict[str, float]:
        self.sample()
        child = _reaped_children_cpu() - self.child
        server = sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())
        return {
            "process_cpu_s": round(child, 1),
            "server_cpu_s": round(server, 1),
            "cores_busy": round((child + server) / seconds, 2),
        }


def _reaped_children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def catch_up(
    settings: Settings, admin: DatabaseAddress, postmaster: int | None
) -> dict[str, Any]:
    """Start `python -m services worker` on a backlog and time it until it has caught up."""
    connection = await connect(admin)
    try:
        target = await stream_ends(connection)
        before = await projected(connection)
        backlog = sum(target[u] - before.get(u, 0) for u in UPSTREAMS)
        started, cpu = time.perf_counter(), PhaseCpu(postmaster)
        worker = subprocess.Popen(  # noqa: ASYNC220 -- started once, followed by polling
            [sys.executable, "-m", "services", "worker"], env=_env(settings)
        )
        memory = PeakMemory(worker)
        try:
            while True:
                reached = await projected(connection)
                if all(reached.get(u, 0) >= target[u] for u in UPSTREAMS):
                    break
                if worker.poll() is not None:
                    raise RuntimeError("the projection worker stopped during catch-up")
                memory.sample()
                cpu.sample()
                await asyncio.sleep(0.05)
            seconds = time.perf_counter() - started
        finally:
            memory.sample()
            worker.send_signal(signal.SIGINT)
        code = await asyncio.to_thread(worker.wait)
        used = cpu.figures(time.perf_counter() - started)
    finally:
        await connection.close()
    return {
        "events": backlog,
        "seconds": round(seconds, 2),
        "events_per_s": round(backlog / seconds, 1),
        **used,
        "worker_peak_rss_mb": memory.mb,
        "exit_code": code,
        "includes_process_start": True,
    }


def rebuild(settings: Settings, events: int, postmaster: int | None) -> dict[str, Any]:
    """`python -m services rebuild`: every projection emptied and rebuilt from all events."""
    started, cpu = time.perf_counter(), PhaseCpu(postmaster)
    process = subprocess.Popen(
        [sys.executable, "-m", "services", "rebuild"], env=_env(settings), stdout=subprocess.PIPE
    )
    memory = PeakMemory(process)
    code = memory.wait(cpu)
    seconds = time.perf_counter() - started
    used = cpu.figures(seconds)
    assert process.stdout is not None
    output = process.stdout.read().decode().strip()
    if code != 0:
        raise RuntimeError(f"rebuild failed ({code}): {output}")
    return {
        "events": events,
        "seconds": round(seconds, 2),
        "events_per_s": round(events / seconds, 1),
        **used,
        "lanes": settings.lanes,
        "peak_rss_mb": memory.mb,
        "output": output,
        "includes_process_start": True,
    }


async def database_size(admin: DatabaseAddress) -> dict[str, float]:
    """The database on disk after the load and its figures: the event stores (with their
    indexes) and everything else (read models, keys, side tables)."""
    connection = await connect(admin)
    try:
        total = await connection.fetchval("SELECT pg_database_size(current_database())")
        events = await connection.fetchval(
            "SELECT pg_total_relation_size('registry_events')"
            " + pg_total_relation_size('programs_events')"
        )
    finally:
        await connection.close()
    mb = 1024 * 1024
    return {
        "total_mb": round(total / mb, 1),
        "event_stores_mb": round(events / mb, 1),
        "rest_mb": round((total - events) / mb, 1),
    }


# Issue #10: what per-person encryption costs on the command path


@dataclass
class Stopwatch:
    """CPU time of the calling thread spent in the wrapped functions (not wall time: under
    figure 1's concurrency a call also waits for the other threads)."""

    seconds: float = 0.0
    calls: int = 0

    def wrap(self, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.thread_time() - started
                self.calls += 1

        return timed


@contextmanager
def crypto_timed() -> Iterator[Stopwatch]:
    """Time every personal-data crypto step made while the block runs: making, wrapping and
    unwrapping keys, sealing, making the new keys' INSERT (it rides on the events' own), and
    reading keys on their own (a meeting reads them in the round trip of its other reads, so
    that time is not separable). Only leaves are wrapped, so nothing counts twice."""
    watch = Stopwatch()
    leaves: list[tuple[Any, str]] = [
        (keystore, "seal"),
        (keystore, "unseal"),
        (keystore, "new_data_key"),
        (keystore.KeyVault, "_fetch"),
        (keystore.NewKeys, "insert"),
        (MasterKeys, "wrap"),
        (MasterKeys, "unwrap"),
    ]
    patched = [(owner, name, getattr(owner, name)) for owner, name in leaves]
    for owner, name, function in patched:
        setattr(owner, name, watch.wrap(function))
    try:
        yield watch
    finally:
        for owner, name, function in patched:
            setattr(owner, name, function)


class PlainPendingKeys(keystore.PendingKeys):
    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        return plain(subject, fields)


class PlainSealer(keystore.Sealer):
    def seal(self, subject: UUID, fields: dict[str, Any]) -> Sealed:
        return plain(subject, fields)


class PlainVault(keystore.KeyVault):
    """The counterfactual for figure #10: the same commands with no per-person encryption — no
    key made, wrapped, stored or fetched, personal fields kept as plain JSON in the envelope.
    Only the benchmark uses it, on commands whose events nothing reads afterwards."""

    def pending(self) -> keystore.PendingKeys:
        return PlainPendingKeys()

    def new_keys(self, pending: keystore.PendingKeys) -> keystore.NewKeys:
        return keystore.NewKeys([])

    def sealer(self, subjects: Iterable[UUID]) -> keystore.Sealer:
        return PlainSealer({})


def plain(subject: UUID, fields: dict[str, Any]) -> Sealed:
    return Sealed(subject, msgspec.json.encode(fields))


@contextmanager
def encryption_off(apps: WriteSide) -> Iterator[None]:
    vault = apps.registry.keys
    assert isinstance(vault, keystore.KeyVault)
    apps.registry.keys = apps.programs.keys = PlainVault(vault.pool, vault.master_keys)
    try:
        yield
    finally:
        apps.registry.keys = apps.programs.keys = vault


@dataclass
class MixRun:
    """Figure 1's command mix, in-process: one registration of a mentee with a parent's consent
    to three meetings with both comments, each meeting on the next pair in turn (so commands
    running at the same time never share an aggregate)."""

    apps: WriteSide
    register_in: SchoolPlan
    pairs: list[tuple[Principal, UUID]]
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    counter: Iterator[int] = field(default_factory=itertools.count)

    def command(self) -> tuple[str, float]:
        index = next(self.counter)  # atomic under the GIL: each thread its own command
        started = time.perf_counter()
        if index % 4 == 3:
            coordinator = school_principal(Role.SCHOOL_COORDINATOR, self.register_in)
            person = new_student(self.rng, self.register_in, 200_000 + index)
            self.apps.registry.register_person(coordinator, person)
            return "register_person", time.perf_counter() - started
        principal, pair_id = self.pairs[index % len(self.pairs)]
        self.apps.programs.record_meeting(principal, pair_id, new_meeting(self.rng, index))
        return "record_meeting", time.perf_counter() - started


ROUND = 40  # commands per round of figure #10: ten registrations, thirty meetings


def encryption_cost(
    apps: WriteSide,
    register_in: SchoolPlan,
    schools: list[SchoolPlan],
    rounds: int,
    clients: int,
) -> dict[str, Any]:
    """Figure 1's command mix at figure 1's concurrency (`clients` threads, as the services run
    commands in worker threads), in-process, with per-person encryption and without it.

    Rounds of each variant alternate, and which goes first alternates too, so that the machine's
    load and the pairs' growth fall on both alike. The cost is the share of the commands' CPU
    time that encryption adds (the commands are CPU-bound under figure 1's load, so that is
    the throughput lost); the wall-clock throughputs and their ratio are reported beside it, and
    the time spent in each crypto step as its breakdown."""
    pairs = [
        (school_principal(Role.SCHOOL_COORDINATOR, school), pair.id)
        for school in schools
        for pair in school.single_pairs
    ]
    run = MixRun(apps, register_in, pairs)
    samples: dict[str, dict[str, list[float]]] = {"with": {}, "without": {}}
    seconds = {"with": 0.0, "without": 0.0}
    cpu = {"with": 0.0, "without": 0.0}
    ratios = []
    crypto = Stopwatch()
    with ThreadPoolExecutor(clients) as threads:
        for number in range(rounds):
            order = ("with", "without") if number % 2 == 0 else ("without", "with")
            took = {v: _round(threads, run, v, samples[v], crypto) for v in order}
            ratios.append(took["with"][0] / took["without"][0])
            for variant, (round_seconds, round_cpu) in took.items():
                seconds[variant] += round_seconds
                cpu[variant] += round_cpu
    commands = rounds * ROUND
    return {
        "clients": clients,
        "commands_per_variant": commands,
        "with_encryption": _variant(commands / seconds["with"], samples["with"]),
        "without_encryption": _variant(commands / seconds["without"], samples["without"]),
        # The figure: the services' CPU per command is what bounds figure 1 on a saturated
        # machine, and it is what the machine's other load does not move (see bench/README.md).
        "throughput_cost": round(1 - cpu["without"] / cpu["with"], 4),
        "cpu_ms_per_command": {v: round(c / commands * 1000, 3) for v, c in cpu.items()},
        "wall_cost_median_of_rounds": round(1 - 1 / statistics.median(ratios), 4),
        "wall_cost_of_totals": round(1 - seconds["without"] / seconds["with"], 4),
        "crypto_cpu_ms_per_command": round(crypto.seconds / commands * 1000, 3),
        "crypto_cpu_share": round(crypto.seconds / cpu["with"], 4),
        "crypto_calls_per_command": round(crypto.calls / commands, 2),
    }


def _round(
    threads: ThreadPoolExecutor,
    run: MixRun,
    variant: str,
    samples: dict[str, list[float]],
    crypto: Stopwatch,
) -> tuple[float, float]:
    """One round of commands from every thread; its wall time and the process's CPU time (the
    commands' Python: nothing else runs in the bench process meanwhile). Each command's latency
    goes to `samples`, the crypto steps' time to `crypto`."""
    with contextlib.ExitStack() as stack:
        if variant == "without":
            stack.enter_context(encryption_off(run.apps))
            watch = Stopwatch()
        else:
            watch = stack.enter_context(crypto_timed())
        started, cpu_started = time.perf_counter(), time.process_time()
        done = list(threads.map(lambda _: run.command(), range(ROUND)))
        took, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    for kind, latency in done:
        samples.setdefault(kind, []).append(latency)
    crypto.seconds += watch.seconds
    crypto.calls += watch.calls
    return took, cpu


def _variant(rate: float, by_kind: dict[str, list[float]]) -> dict[str, Any]:
    return {
        "commands_per_s": round(rate, 1),
        "latency": {kind: percentiles(samples) for kind, samples in by_kind.items()},
    }


def new_student(rng: random.Random, school: SchoolPlan, index: int) -> NewPerson:
    """A new mentee with a parent's consent; unique by name and birth date in the school."""
    return NewPerson(
        school_id=school.organisation.id,
        kind=PersonKind.STUDENT,
        full_name=f"{full_name(rng, index % 2 == 0)} {index}",
        birth_date=date(2012, 1, 1) + timedelta(days=rng.randint(0, 1500)),
        roles=[ParticipantRole.MENTEE],
        grade="7Б",
        consent=NewConsent(
            ConsentKind.PERSONAL_DATA,
            date(2025, 9, 1),
            representative_name=full_name(rng, True),
            relation="мать",
        ),
    )


def new_meeting(rng: random.Random, index: int) -> NewMeeting:
    return NewMeeting(
        kind=MeetingKind.REGULAR,
        held_on=date(2026, 5, 28) - timedelta(days=index % 200),
        duration_minutes=45 + index // 200 % 60,  # a pair's meetings differ (no repeats)
        meeting_format=MeetingFormat.ONLINE,
        topic="Консультация",
        mentor=Feedback(rng.randint(6, 10), "Разобрали задачи к контрольной"),
        mentee=Feedback(rng.randint(5, 10), "Было полезно"),
    )


def person_body(rng: random.Random, school: SchoolPlan, index: int) -> dict[str, Any]:
    """The HTTP payload of `new_student`."""
    new = new_student(rng, school, index)
    assert new.consent is not None
    assert new.birth_date is not None
    return {
        "school_id": str(new.school_id),
        "kind": str(new.kind),
        "full_name": new.full_name,
        "birth_date": str(new.birth_date),
        "grade": new.grade,
        "roles": [str(r) for r in new.roles],
        "consent": {
            "signed_on": str(new.consent.signed_on),
            "representative_name": new.consent.representative_name,
            "relation": new.consent.relation,
        },
    }


def meeting_body(rng: random.Random, index: int) -> dict[str, Any]:
    """The HTTP payload of `new_meeting`."""
    meeting = new_meeting(rng, index)
    assert meeting.mentor is not None
    assert meeting.mentee is not None
    return {
        "kind": str(meeting.kind),
        "held_on": str(meeting.held_on),
        "duration_minutes": meeting.duration_minutes,
        "format": str(meeting.meeting_format),
        "topic": meeting.topic,
        "mentor_feedback": {"rating": meeting.mentor.rating, "comment": meeting.mentor.comment},
        "mentee_feedback": {"rating": meeting.mentee.rating, "comment": meeting.mentee.comment},
    }


# Figures 1 and 4: command throughput over HTTP, and projection lag under that load


@dataclass
class LagProbe:
    """Watches the projections' positions and times how long each command's event took to
    reach every projection after the command answered."""

    admin: DatabaseAddress
    interval: float = 0.005
    pending: list[tuple[str, int, float]] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)

    def expect(self, upstream: str, position: int) -> None:
        self.pending.append((upstream, position, time.perf_counter()))

    async def run(self, stop: asyncio.Event) -> None:
        connection = await connect(self.admin)
        try:
            while not stop.is_set() or self.pending:
                reached = await projected(connection)
                now = time.perf_counter()
                waiting = []
                for upstream, position, answered in self.pending:
                    if reached.get(upstream, 0) >= position:
                        self.lags.append(now - answered)
                    elif stop.is_set() and now - answered > 30:
                        self.lags.append(now - answered)  # gave up waiting: count it as is
                    else:
                        waiting.append((upstream, position, answered))
                self.pending = waiting
                await asyncio.sleep(self.interval)
        finally:
            await connection.close()


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far, from `/proc`."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(postmaster: int) -> float:
    """The CPU time of a PostgreSQL server: its postmaster and every backend it runs now (the
    services' connections are pooled, so they live through figure 1)."""
    return sum(server_processes_cpu(postmaster).values())


def server_processes_cpu(postmaster: int) -> dict[int, float]:
    """The CPU time of the server's postmaster and of each backend it runs now, by process."""
    processes = {postmaster: cpu_seconds(postmaster)}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError):
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                if parent == postmaster:
                    processes[int(entry)] = cpu_seconds(int(entry))
    return processes


CpuMeters = dict[str, Callable[[], float]]


def cpu_meters(processes: dict[str, int], postmaster: int | None) -> CpuMeters:
    """What figure 1 splits its CPU time by: each service's process, the PostgreSQL server
    (when it is the embedded one, on this machine) and this process (the HTTP clients and the
    lag probe)."""
    meters: CpuMeters = {name: partial(cpu_seconds, pid) for name, pid in processes.items()}
    if postmaster is not None:
        meters["postgres"] = partial(server_cpu_seconds, postmaster)
    meters["clients and probe"] = time.process_time
    return meters


async def command_load(
    settings: Settings,
    admin: DatabaseAddress,
    urls: dict[str, str],
    schools: list[SchoolPlan],
    clients: int,
    seconds: float,
    meters: CpuMeters,
) -> dict[str, Any]:
    """`clients` concurrent HTTP clients send commands for `seconds`: three in four record a
    meeting of a pair (programs), one in four registers a new mentee (registry). Each client
    works on pairs of its own, so no two commands race for one aggregate. The CPU time each of
    `meters` used meanwhile is reported per command: on a machine whose cores other work
    shares, the commands per second move with that work, the CPU a command costs much less."""
    probe = LagProbe(admin)
    stop = asyncio.Event()
    latencies: dict[str, list[float]] = {"record_meeting": [], "register_person": []}
    errors: list[str] = []
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def client(number: int) -> None:
        rng = random.Random(number)
        school = schools[number % len(schools)]
        token = issue_token(
            settings, Role.SCHOOL_COORDINATOR, school.organisation.path, user=f"bench-{number}"
        )
        stride = -(-clients // len(schools))  # clients sharing this school split its pairs
        own_pairs = school.single_pairs[number // len(schools) :: stride]
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(timeout=60, headers=headers) as http:
            while time.perf_counter() < deadline:
                index = next(counter)
                if index % 4 == 3:
                    kind, upstream = "register_person", "registry"
                    url = f"{urls['registry']}/people"
                    body = person_body(rng, school, 100_000 + index)
                else:
                    kind, upstream = "record_meeting", "programs"
                    pair = own_pairs[index % len(own_pairs)]
                    url = f"{urls['programs']}/pairs/{pair.id}/meetings"
                    body = meeting_body(rng, index)
                started = time.perf_counter()
                response = await http.post(url, json=body)
                latencies[kind].append(time.perf_counter() - started)
                if response.status_code >= 400:
                    errors.append(f"{kind}: {response.status_code} {response.text[:200]}")
                    continue
                probe.expect(upstream, response.json()["position"])

    watcher = asyncio.create_task(probe.run(stop))
    cpu_before = {name: meter() for name, meter in meters.items()}
    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    took = time.perf_counter() - started
    cpu = {name: meter() - cpu_before[name] for name, meter in meters.items()}
    stop.set()
    await watcher
    done = sum(len(v) for v in latencies.values())
    return {
        "throughput": {
            "clients": clients,
            "commands": done,
            "seconds": round(took, 2),
            "commands_per_s": round(done / took, 1),
            "latency": percentiles([s for v in latencies.values() for s in v]),
            "by_command": {k: percentiles(v) for k, v in latencies.items()},
            "errors": len(errors),
            "first_errors": errors[:3],
            "cpu_ms_per_command": {
                name: round(used / done * 1000, 2) for name, used in cpu.items()
            },
            "cpu_ms_per_command_total": round(sum(cpu.values()) / done * 1000, 2),
            "cores_busy": round(sum(cpu.values()) / took, 2),
        },
        "lag": {
            "commands": len(probe.lags),
            "probe_interval_ms": probe.interval * 1000,
            **percentiles(probe.lags),
        },
    }


# Figure 5: GraphQL latency


@dataclass(frozen=True)
class Query:
    name: str
    role: Role
    scope: str
    text: str
    measures: str  # what it measures, in words
    variables: dict[str, Any] = field(default_factory=dict)


PAIR_LIST = """query { pairs(first: 50) { totalCount edges { node { id form status
  mentor { fullName } mentee { fullName grade } } } pageInfo { hasNextPage endCursor } } }"""
SCHOOL_COMPARISON = """query($year: String!) { schoolComparison(schoolYear: $year, first: 50) {
  totalCount edges { node { organisation { name } coverage mentees mentors pairs laggingPairs
  menteeSatisfaction mentorSatisfaction schoolsWithGaps programmes { stage }
  indicators { code value } } } } }"""
INDICATORS = """query($year: String!) { indicators(schoolYear: $year) {
  organisation { name } referenceDate schools schoolsReporting
  rows { code name numerator denominator value target met note } } }"""
REPLAY = """query($id: ID!) { programmeReplay(programmeId: $id, first: 10000) {
  totalCount events pageInfo { hasNextPage endCursor } } }"""
# The auditor's replay as a state: the programme folded from every one of its events.
STATE = """query($id: ID!) { programmeState(programmeId: $id) { version
  pairs { id status meetings { id kind heldOn mentorRating menteeRating } } } }"""


async def graphql_latency(
    url: str, settings: Settings, queries: list[Query], requests: int
) -> dict[str, Any]:
    """Each query `requests` times from one client, one after another (after 3 warm-ups)."""
    results: dict[str, Any] = {}
    async with httpx.AsyncClient(timeout=60) as http:
        for query in queries:
            token = issue_token(settings, query.role, query.scope, user=f"bench-{query.name}")
            headers = {"Authorization": f"Bearer {token}"}
            body = {"query": query.text, "variables": query.variables}
            samples: list[float] = []
            size = 0
            count = requests if query.name != "programme_replay" else max(5, requests // 5)
            for attempt in range(count + 3):
                started = time.perf_counter()
                response = await http.post(f"{url}/graphql", json=body, headers=headers)
                took = time.perf_counter() - started
                payload = response.json()
                if response.status_code != 200 or payload.get("errors"):
                    raise RuntimeError(f"{query.name}: {response.text[:300]}")
                if attempt >= 3:
                    samples.append(took)
                size = len(response.content)
            results[query.name] = {
                "measures": query.measures,
                "response_bytes": size,
                "rows": _rows(payload["data"]),
                **percentiles(samples),
            }
    return results


def _rows(data: dict[str, Any]) -> int:
    value = next(iter(data.values()))
    if isinstance(value, list):
        return len(value)
    for key in ("edges", "rows", "events"):
        if isinstance(value, dict) and isinstance(value.get(key), list):
            return len(value[key])
    return 1


async def history_events(admin: DatabaseAddress, programme_id: UUID) -> int:
    connection = await connect(admin)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM event_history WHERE programme_id = $1", programme_id
        )
        return count
    finally:
        await connection.close()


# Figure 6: peak memory of each service


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM) so far, in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


async def timed(step: Awaitable[Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = await step
    return value, time.perf_counter() - started


# Issue #9: the web interface's pages, as a signed-in person opens them


@dataclass(frozen=True)
class WebPage:
    name: str
    role: Role
    scope: str
    path: str
    measures: str


_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


async def web_latency(
    url: str, settings: Settings, pages: list[WebPage], requests: int
) -> dict[str, Any]:
    """Each page `requests` times from one signed-in browser without script, one after another
    (after 3 warm-ups: the first also looks up the session's school years)."""
    results: dict[str, Any] = {}
    for page in pages:
        async with httpx.AsyncClient(base_url=url, timeout=60) as browser:
            login = await browser.get("/login")
            found = _CSRF_FIELD.search(login.text)
            token = issue_token(settings, page.role, page.scope, user=f"bench-{page.name}")
            await browser.post(
                "/login/token",
                data={"_csrf_token": found.group(1) if found else "", "token": token},
            )
            samples: list[float] = []
            for attempt in range(requests + 3):
                started = time.perf_counter()
                response = await browser.get(page.path)
                took = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{page.name}: {response.status_code} {response.text[:300]}")
                if attempt >= 3:
                    samples.append(took)
            results[page.name] = {
                "measures": page.measures,
                "response_bytes": len(response.content),
                **percentiles(samples),
            }
    return results


# Issue #21: a monitoring campaign over the whole region, for its results page


def monitoring_campaign(
    apps: WriteSide, region_path: str, schools: list[tuple[int, OrganisationPlan]]
) -> dict[str, Any]:
    """The region's campaign on the document list (1.1–1.5), through the registry's commands:
    of the schools, every tenth never starts, every seventh submits a day late, the rest on
    time; the institute returns every fifth submission."""
    registry = apps.registry
    region_id = UUID(hex=region_path.split(".")[0])
    officer = Principal("bench-region", Role.REGION_OFFICER, Scope(region_path))
    form, _ = registry.draft_form(
        officer, region_id, DOCUMENT_LIST["title"], DOCUMENT_LIST["sections"]
    )
    today = registry.today()
    campaign, _ = registry.announce_campaign(
        officer,
        NewCampaign(
            title="Мониторинг нормативных документов по внедрению системы наставничества",
            form_id=form.id,
            form_version=1,
            act_number="1620",
            act_date=today - timedelta(days=20),
            target_id=region_id,
            target_kinds=["school"],
            window_from=today - timedelta(days=10),
            window_to=today - timedelta(days=1),
            reference_date=today - timedelta(days=10),
            reviewer_roles=["institute_methodologist"],
        ),
    )
    institute = Principal("bench-institute", Role.INSTITUTE_METHODOLOGIST, Scope(region_path))
    counts = {"submitted": 0, "late": 0, "never_started": 0, "returned": 0}
    day = registry.today
    for number, school in schools:
        if number % 10 == 9:
            counts["never_started"] += 1
            continue
        late = number % 7 == 6
        registry.today = partial(_day_of_submission, today, late)
        answers: list[dict[str, Any]] = [
            {"number": f"1.{n}", "value": f"https://school{number}.ru/{n}"} for n in range(1, 5)
        ]
        answers.append({"number": "1.5", "value": number % 3 != 0, "evidence": "Программа"})
        director = Principal("bench-director", Role.SCHOOL_DIRECTOR, Scope(school.path))
        registry.answer_campaign(director, campaign.id, school.id, answers, True)
        counts["submitted"] += 1
        counts["late"] += late
        if number % 5 == 0:
            registry.review_answer(
                institute,
                campaign.id,
                school.id,
                "1.5",
                Verdict.PARTLY,
                ["1.5.2"],
                "Опишите ожидаемые результаты",
            )
            registry.conclude_review(institute, campaign.id, school.id, False, "Доработать")
            counts["returned"] += 1
    registry.today = day
    return {"id": str(campaign.id), "schools": len(schools), **counts}


def _day_of_submission(today: date, late: bool) -> date:
    """The region's day a school submits on: a day after the window, or inside it."""
    return today if late else today - timedelta(days=2)
