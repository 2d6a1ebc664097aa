"""The services as separate processes on one database, and a projection worker killed mid-batch."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any
from uuid import UUID, uuid4

import httpx
import msgspec
import pytest

from services.bootstrap import write_side
from services.cli import start_service, wait_healthy
from services.demo import DemoLoader
from services.demo_users import CURATOR, demo_person, demo_token
from services.programs.application import Feedback, NewMeeting
from services.programs.domain import MeetingFormat, MeetingKind
from shared.adapters.auth import decode_token, issue_token
from shared.adapters.database import (
    PROJECTOR_ROLE,
    WRITER_ROLE,
    DatabaseAddress,
    connect,
)
from shared.adapters.settings import PROJECT_ROOT, Settings, region_today
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope
from tests.conftest import EventCounter, fresh_database, nodes

pytestmark = pytest.mark.processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
async def own_database(server: DatabaseAddress) -> AsyncIterator[DatabaseAddress]:
    """A database of its own, so that no in-process worker projects it behind our back."""
    async with fresh_database(server, "nastavnik_processes") as address:
        yield address


def environment(database: DatabaseAddress, **extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database.url, "LOG_LEVEL": "warning", **extra}


@pytest.fixture(scope="module")
def services(own_database: DatabaseAddress) -> Iterator[Settings]:
    settings = Settings(
        database_url=own_database.url,
        registry_port=free_port(),
        programs_port=free_port(),
        reporting_port=free_port(),
    )
    env = environment(own_database, PROJECTION_WORKER="false")
    processes = [start_service(s, settings, env) for s in ("registry", "programs", "reporting")]
    try:
        urls = [
            f"http://127.0.0.1:{p}"
            for p in (settings.registry_port, settings.programs_port, settings.reporting_port)
        ]
        wait_healthy(urls, processes, seconds=60)
        yield settings
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(timeout=15)


def start_worker(database: DatabaseAddress, batch_size: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "services", "worker"],
        env=environment(database, PROJECTION_BATCH_SIZE=str(batch_size)),
    )


async def projected(database: DatabaseAddress) -> dict[str, int]:
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT upstream, min(position) AS position FROM projection_tracking GROUP BY upstream"
        )
        return {r["upstream"]: r["position"] for r in rows}
    finally:
        await connection.close()


async def stored(database: DatabaseAddress) -> dict[str, int]:
    connection = await connect(database)
    try:
        return {
            upstream: await connection.fetchval(
                f"SELECT coalesce(max(notification_id), 0) FROM {upstream}_events"
            )
            for upstream in ("registry", "programs")
        }
    finally:
        await connection.close()


async def wait_until_projected(database: DatabaseAddress, seconds: float = 60) -> None:
    target = await stored(database)
    for _ in range(int(seconds * 10)):
        if await projected(database) == target:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"projections stuck at {await projected(database)}, want {target}")


class Client:
    """The services over real HTTP, as an outside client calls them."""

    def __init__(self, http: httpx.AsyncClient, settings: Settings) -> None:
        self.http = http
        self.settings = settings
        self.registry = f"http://127.0.0.1:{settings.registry_port}"
        self.programs = f"http://127.0.0.1:{settings.programs_port}"
        self.reporting = f"http://127.0.0.1:{settings.reporting_port}"

    async def post(self, url: str, token: str, body: dict[str, object]) -> dict[str, Any]:
        response = await self.http.post(
            url, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    async def school_with_a_pair(self) -> dict[str, Any]:
        operator = issue_token(self.settings, Role.OPERATOR, "")
        region = await self.post(
            f"{self.registry}/organisations",
            operator,
            {"kind": "region", "name": "Регион процессов"},
        )
        town = await self.post(
            f"{self.registry}/organisations",
            operator,
            {"kind": "municipality", "name": "Город", "parent_id": region["id"]},
        )
        school = await self.post(
            f"{self.registry}/organisations",
            operator,
            {"kind": "school", "name": "Школа", "parent_id": town["id"]},
        )
        coordinator = issue_token(self.settings, Role.SCHOOL_COORDINATOR, school["path"])
        consent = {"signed_on": str(region_today())}
        people = {}
        for role, name in (("mentor", "Учитель Процессов"), ("mentee", "Молодой Специалист")):
            people[role] = await self.post(
                f"{self.registry}/people",
                coordinator,
                {
                    "school_id": school["id"],
                    "kind": "teacher",
                    "full_name": name,
                    "roles": [role],
                    "consent": consent,
                },
            )
        programme = await self.post(
            f"{self.programs}/programmes",
            coordinator,
            {
                "school_id": school["id"],
                "school_year": "2025/26",
                "title": "Программа",
                "forms": ["teacher_young_specialist"],
            },
        )
        pair = await self.post(
            f"{self.programs}/programmes/{programme['id']}/pairs",
            coordinator,
            {
                "form": "teacher_young_specialist",
                "mentor_id": people["mentor"]["id"],
                "mentee_ids": [people["mentee"]["id"]],
            },
        )
        await self.post(
            f"{self.registry}/people/{people['mentor']['id']}/consents",
            coordinator,
            {"kind": "additional_duty", "signed_on": str(region_today())},
        )
        director = issue_token(self.settings, Role.SCHOOL_DIRECTOR, school["path"])
        await self.post(
            f"{self.programs}/programmes/{programme['id']}/orders",
            director,
            {"number": "1-н", "order_date": str(region_today()), "pair_ids": [pair["id"]]},
        )
        meeting = await self.post(
            f"{self.programs}/pairs/{pair['id']}/meetings",
            coordinator,
            {"kind": "introduction", "held_on": str(region_today()), "duration_minutes": 30},
        )
        return {
            "school": school,
            "coordinator": coordinator,
            "pair": pair,
            "mentor": people["mentor"],
            "meeting": meeting,
            "registry_position": people["mentee"]["position"],
        }


async def test_the_slice_runs_across_three_processes(
    services: Settings, own_database: DatabaseAddress
) -> None:
    worker = start_worker(own_database, batch_size=100)
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            client = Client(http, services)
            made = await client.school_with_a_pair()
            auth = {"Authorization": f"Bearer {made['coordinator']}"}
            wait = {
                # long enough for a worker still starting on a busy machine: SIGTERM before
                # its handlers are set would kill it instead of stopping it
                "query": "query($r: Int!, $p: Int!) {"
                " caughtUp(registry: $r, programs: $p, timeoutMs: 30000) }",
                "variables": {"r": made["registry_position"], "p": made["meeting"]["position"]},
            }
            caught_up = await http.post(f"{client.reporting}/graphql", json=wait, headers=auth)
            pairs = "{ pairs { edges { node { mentor { fullName } meetings { id } } } } }"
            answer = await http.post(
                f"{client.reporting}/graphql", json={"query": pairs}, headers=auth
            )
            openapi = await http.get(f"{client.programs}/schema/openapi.json")
            health = [
                await http.get(f"{url}/health")
                for url in (client.registry, client.programs, client.reporting)
            ]
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0

    assert caught_up.json()["data"]["caughtUp"] is True
    data = answer.json()["data"]
    [edge] = data["pairs"]["edges"]
    assert edge["node"]["mentor"]["fullName"] == "Учитель Процессов"
    assert edge["node"]["meetings"] == [{"id": made["meeting"]["id"]}]
    assert "/pairs/{pair_id}/meetings" in openapi.json()["paths"]
    assert [h.status_code for h in health] == [200, 200, 200]


def record_meetings(settings: Settings, made: dict[str, Any], count: int) -> None:
    """Many events through the programs application's own command (in-process, to be quick)."""
    coordinator = Principal("load", Role.SCHOOL_COORDINATOR, Scope(made["school"]["path"]))
    with write_side(settings) as side:
        for number in range(count):
            side.programs.record_meeting(
                coordinator,
                UUID(made["pair"]["id"]),
                NewMeeting(
                    kind=MeetingKind.REGULAR,
                    held_on=region_today(),
                    duration_minutes=30,
                    meeting_format=MeetingFormat.ONLINE,
                    topic=f"Консультация {number}",  # each another meeting, not a repeat
                    mentor=Feedback(rating=8),
                    mentee=Feedback(rating=9),
                ),
            )


async def until_active(database: DatabaseAddress, role: str, condition: str, pause: float) -> bool:
    """Whether a connection of `role` meets `condition` (on `pg_stat_activity`) within ~10 s."""
    connection = await connect(database)
    try:
        for _ in range(int(10 / pause)):
            if await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = $1"
                f" AND datname = current_database() AND {condition}",
                role,
            ):
                return True
            await asyncio.sleep(pause)
    finally:
        await connection.close()
    return False


async def kill_in_a_transaction(worker: subprocess.Popen[bytes], database: DatabaseAddress) -> None:
    """SIGKILL the worker while its connection is inside a batch's transaction."""
    assert await until_active(database, PROJECTOR_ROLE, "xact_start IS NOT NULL", 0.005), (
        "the worker never opened a batch"
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)


async def test_a_worker_killed_mid_batch_ends_with_exactly_one_row_per_event(
    services: Settings, own_database: DatabaseAddress
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        made = await Client(http, services).school_with_a_pair()
    await asyncio.to_thread(record_meetings, services, made, 400)

    for _ in range(3):
        await kill_in_a_transaction(start_worker(own_database, batch_size=20), own_database)
    kills_left_work = await projected(own_database) != await stored(own_database)
    worker = start_worker(own_database, batch_size=20)
    try:
        await wait_until_projected(own_database)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)

    connection = await connect(own_database)
    try:
        events = await connection.fetchval(
            "SELECT (SELECT count(*) FROM registry_events) + (SELECT count(*) FROM programs_events)"
        )
        history = await connection.fetchval("SELECT count(*) FROM event_history")
        meetings = await connection.fetchval(
            "SELECT count(*) FROM meetings WHERE pair_id = $1", UUID(made["pair"]["id"])
        )
        counted = await connection.fetchval(
            "SELECT meetings FROM school_counts WHERE tenant = $1::ltree", made["school"]["path"]
        )
    finally:
        await connection.close()
    assert kills_left_work
    assert history == events
    assert meetings == counted == 401


async def test_the_demo_region_loads_through_the_services(
    services: Settings, own_database: DatabaseAddress
) -> None:
    client_urls = (
        f"http://127.0.0.1:{services.registry_port}",
        f"http://127.0.0.1:{services.programs_port}",
    )
    loader = DemoLoader(services, *client_urls)
    current, previous = loader.current, loader.previous
    await asyncio.to_thread(loader.load)
    worker = start_worker(own_database, batch_size=500)
    try:
        await wait_until_projected(own_database)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)

    reporting = f"http://127.0.0.1:{services.reporting_port}/graphql"
    async with httpx.AsyncClient(timeout=30) as http:

        async def ask(role: Role, query: str) -> Any:
            token = demo_token(services, role)
            response = await http.post(
                reporting, json={"query": query}, headers={"Authorization": f"Bearer {token}"}
            )
            return response.json()["data"]

        region = await ask(
            Role.REGION_OFFICER,
            "{ counts(level: REGION) { edges { node { mentors mentees pairs } } } }",
        )
        institute = await ask(
            Role.INSTITUTE_METHODOLOGIST,
            """{ trainingCourses { edges { node { hours completedBy } } }
                 regionalRegister { totalCount } }""",
        )
        stages = await ask(Role.REGION_OFFICER, "{ programmes { edges { node { stage } } } }")
        monitoring = await ask(
            Role.MUNICIPALITY_OFFICER,
            f"""{{ selfAudits(schoolYear: "{current}") {{ edges {{ node {{ gaps }} }} }}
                 indicators(schoolYear: "{current}") {{ schoolsReporting rows {{ code target }} }}
            }}""",
        )
        last_year = await ask(
            Role.REGION_OFFICER,
            f"""{{ indicators(schoolYear: "{previous}") {{ rows {{ code value }} }}
                 indicatorTrend(code: "students_involved") {{
                   schoolYear indicator {{ value }} }} }}""",
        )
        school = await ask(
            Role.SCHOOL_COORDINATOR,
            """{ partnerAgreements { edges { node { partnerName } } }
                people(role: MENTEE, first: 20) {
                  edges { node { consents { signedBy relation } } } }
                pairs { edges { node { outcome } } } surveyTemplates { totalCount }
                responsibilities { personId parts { kind subject } } }""",
        )

    # two school years: last year's pairs, all at stage 7 and ended, and this year's: the pairs
    # in force are this year's approved by order
    assert nodes(region["counts"]) == [{"mentors": 24, "mentees": 30, "pairs": 11}]
    assert sorted(p["stage"] for p in nodes(stages["programmes"])) == [3, 5, 6, 7, 7, 7]
    assert nodes(institute["trainingCourses"]) == [
        {"hours": 36, "completedBy": 6},
        {"hours": 36, "completedBy": 3},
    ]
    gaps = [e["node"]["gaps"] for e in monitoring["selfAudits"]["edges"]]
    assert sorted(gaps) == [[3, 4, 8, 12], [5, 10]]
    assert monitoring["indicators"]["schoolsReporting"] == 2
    assert {r["code"]: r["target"] for r in monitoring["indicators"]["rows"]}["mentees_10_18"] == 30
    assert institute["regionalRegister"]["totalCount"] == 21
    assert nodes(school["partnerAgreements"]) == [
        {"partnerName": "АО «Кузнецкий металлургический комбинат»"}
    ]
    # Minors' consents are signed by a representative whose relation matches their name.
    signed = [c for e in school["people"]["edges"] for c in e["node"]["consents"]]
    assert signed
    assert all(c["signedBy"] != "сам(а)" for c in signed)
    assert {(c["signedBy"].endswith("вна"), c["relation"]) for c in signed} == {
        (True, "мать"),
        (False, "отец"),
    }
    outcomes = [e["node"]["outcome"] for e in school["pairs"]["edges"]]
    assert (outcomes.count("completed"), outcomes.count("ended_early")) == (5, 1)
    values = {r["code"]: r["value"] for r in last_year["indicators"]["rows"]}
    for code in (
        "students_involved",
        "mentees_10_18",
        "mentee_satisfaction",
        "mentor_satisfaction",
        "individual_plan",
        "positive_dynamics",
        "trained_mentors",
    ):
        assert values[code], code  # last year's indicators have real numbers
    trend = last_year["indicatorTrend"]
    assert [p["schoolYear"] for p in trend] == [previous, current]
    assert all(p["indicator"]["value"] > 0 for p in trend)
    assert school["surveyTemplates"]["totalCount"] == 6
    # the demo curator's login acts as the school's curator, responsible as seed 004's is
    [grant] = school["responsibilities"]
    assert grant["personId"] == str(demo_person("school-1", CURATOR))
    assert {(p["kind"], p["subject"]) for p in grant["parts"]} == {
        *(("stage", str(stage)) for stage in range(2, 8)),
        ("form", "teacher_student"),
        ("form", "student_student"),
    }
    curator = decode_token(services, demo_token(services, Role.SCHOOL_CURATOR))
    assert curator.person == demo_person("school-1", CURATOR)


async def test_make_run_stops_every_service_when_it_is_terminated(server: DatabaseAddress) -> None:
    """A service manager stops `make run` with SIGTERM: no service may be left running."""
    ports = {service: free_port() for service in ("web", "registry", "programs", "reporting")}
    async with fresh_database(server, "nastavnik_run") as database:
        extra = {f"{service.upper()}_PORT": str(port) for service, port in ports.items()}
        command = [sys.executable, "-m", "services", "run"]
        run = await asyncio.to_thread(subprocess.Popen, command, env=environment(database, **extra))
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports.values()]
            await asyncio.to_thread(wait_healthy, urls, [run], 90)
            run.send_signal(signal.SIGTERM)  # while the demo loads, or after
            assert await asyncio.to_thread(run.wait, 30) == 0
        finally:
            run.kill()
        async with httpx.AsyncClient(timeout=2) as client:
            for port in ports.values():
                with pytest.raises(httpx.ConnectError):
                    await client.get(f"http://127.0.0.1:{port}/health")


@pytest.mark.parametrize(
    ("signum", "to_group"),
    [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGTERM, True)],
    ids=["ctrl-c-in-a-terminal", "sigterm-to-make", "sigterm-to-every-process"],
)
async def test_make_run_stops_quietly(
    server: DatabaseAddress, signum: signal.Signals, to_group: bool
) -> None:
    """Ctrl-C in a terminal signals make and everything under it at once; a service manager
    sends SIGTERM to make, or to every process of the group (systemd's control group). Each
    way every service stops, and nothing prints a traceback or make's «Interrupt» (stopped
    once the services answer, while the demo loads)."""
    ports = {service: free_port() for service in ("web", "registry", "programs", "reporting")}
    name = f"nastavnik_stop_{signum.name.lower()}_{int(to_group)}"
    async with fresh_database(server, name) as database:
        extra = {f"{service.upper()}_PORT": str(port) for service, port in ports.items()}
        run = await asyncio.to_thread(
            subprocess.Popen,
            [shutil.which("make") or "make", "run"],
            cwd=PROJECT_ROOT,
            env=environment(database, **extra),
            start_new_session=True,  # its own process group, as a terminal's foreground job
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            urls = [f"http://127.0.0.1:{port}" for port in ports.values()]
            await asyncio.to_thread(wait_healthy, urls, [run], 90)
            if to_group:
                os.killpg(run.pid, signum)
            else:
                run.send_signal(signum)
            printed, _ = await asyncio.to_thread(run.communicate, None, 60)
        finally:
            if run.poll() is None:
                os.killpg(run.pid, signal.SIGKILL)
    output = printed.decode()
    for noise in ("Traceback", "KeyboardInterrupt", "make: ***"):
        assert noise not in output, output
    async with httpx.AsyncClient(timeout=2) as client:
        for port in ports.values():
            with pytest.raises(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{port}/health")


def start_programs(settings: Settings, database: DatabaseAddress) -> subprocess.Popen[bytes]:
    process = start_service("programs", settings, environment(database))
    wait_healthy([f"http://127.0.0.1:{settings.programs_port}"], [process], seconds=60)
    return process


async def test_a_command_killed_between_storing_and_answering_is_stored_once_when_retried(
    services: Settings, own_database: DatabaseAddress
) -> None:
    own = msgspec.structs.replace(services, programs_port=free_port())
    counted = EventCounter(own_database)
    async with httpx.AsyncClient(timeout=30) as http:
        made = await Client(http, services).school_with_a_pair()
        programs = start_programs(own, own_database)
        url = f"http://127.0.0.1:{own.programs_port}/pairs/{made['pair']['id']}/meetings"
        headers = {
            "Authorization": f"Bearer {made['coordinator']}",
            "Idempotency-Key": str(uuid4()),
        }
        body = {"kind": "regular", "held_on": str(region_today()), "duration_minutes": 40}
        before = await counted()
        lock = await connect(own_database)
        try:
            # The receipt's table held: the command stores its events, then waits to answer.
            transaction = lock.transaction()
            await transaction.start()
            await lock.execute("LOCK TABLE command_receipts IN EXCLUSIVE MODE")
            sent = asyncio.create_task(http.post(url, json=body, headers=headers))
            # until the command's transaction, its events inserted, waits to insert its receipt
            assert await until_active(
                own_database,
                WRITER_ROLE,
                "wait_event_type = 'Lock' AND query LIKE 'INSERT INTO command_receipts%'",
                0.05,
            )
            programs.send_signal(signal.SIGKILL)
            programs.wait(timeout=10)
            await transaction.rollback()
        finally:
            await lock.close()
            if programs.poll() is None:  # the test failed before its kill: leave no process
                programs.kill()
                programs.wait(timeout=10)
        with pytest.raises(httpx.HTTPError):
            await sent
        after_crash = await counted()
        programs = start_programs(own, own_database)
        try:
            retried = await http.post(url, json=body, headers=headers)
            after_retry = await counted()
            again = await http.post(url, json=body, headers=headers)
        finally:
            programs.send_signal(signal.SIGINT)
            programs.wait(timeout=15)

    assert after_crash == before
    assert retried.status_code == 201, retried.text
    assert after_retry == (before[0], before[1] + 1)
    assert (again.status_code, again.content) == (201, retried.content)
    assert await counted() == after_retry
