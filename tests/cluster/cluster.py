"""The platform across hosts: PostgreSQL primary and streaming replica, two application hosts
each with registry, programs, reporting and web, a projection worker and its standby, a
reporting that reads the replica, and HAProxy in front of the services."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from shared.adapters.database import DatabaseAddress
from shared.adapters.settings import PROJECT_ROOT
from tests.cluster import hosts
from tests.cluster.hosts import GATEWAY, SUBNET, Host
from tests.cluster.postgres import Server

SERVICES = {"registry": 8001, "programs": 8002, "reporting": 8003, "web": 8000}
REPLICA_READS = ("replica_reporting", 8013)  # reporting on the replica database
BALANCED = {service: 18000 + port % 1000 for service, port in SERVICES.items()} | {
    REPLICA_READS[0]: 18013
}
APP_HOSTS = (Host("app1", f"{SUBNET}.21"), Host("app2", f"{SUBNET}.22"))
DB_HOSTS = (Host("db1", f"{SUBNET}.11"), Host("db2", f"{SUBNET}.12"))
# HAProxy: a replica leaves the pool after two failed health checks (0.3 s apart) and comes back
# after two good ones; a request whose connection failed, that got no answer (its server killed)
# or a 503 (its server lost the database) is sent again to another server, which is safe for the
# commands because each carries an Idempotency-Key (the services answer a repeat with the first
# answer). A request is sent again only when HAProxy holds all of it: it waits for the whole body
# before passing a request on (`http-buffer-request`; without it a body that arrived after the
# headers made the 503 or the server's death reach the client).
HAPROXY = """global
    maxconn 2000
    stats socket {socket} mode 600 level admin
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 90s
    timeout server 90s
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response 503
    option http-buffer-request
    option httpchk GET /health
    default-server inter 300ms fall 2 rise 2
"""


def balanced_url(service: str) -> str:
    return f"http://{GATEWAY}:{BALANCED[service]}"


@dataclass
class Process:
    host: Host
    name: str
    command: list[str]
    log: Path
    port: int | None
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host.address}:{self.port}"


@dataclass
class Cluster:
    base: Path
    synchronous: bool
    primary: Server = field(init=False)
    replica: Server = field(init=False)
    processes: list[Process] = field(default_factory=list)
    haproxy: subprocess.Popen[bytes] | None = None

    def __post_init__(self) -> None:
        self.primary = Server(DB_HOSTS[0], self.base / "db1" / "data")
        self.replica = Server(DB_HOSTS[1], self.base / "db2" / "data")

    # --- what the tests see

    def process(self, name: str, host: str) -> Process:
        [found] = [p for p in self.processes if p.name == name and p.host.name == host]
        return found

    def logs(self) -> str:
        paths = [self.primary.log, self.replica.log, self.base / "haproxy.log"]
        return "\n".join(hosts.tail(p) for p in [*paths, *(p.log for p in self.processes)])

    def haproxy_retries(self) -> int:
        """Requests HAProxy sent again to another server (its `wretr` + `wredis`), all backends."""
        done = subprocess.run(
            [shutil.which("socat") or "socat", "-", f"UNIX-CONNECT:{self.base / 'haproxy.sock'}"],
            input="show stat\n",
            capture_output=True,
            text=True,
            check=True,
        )
        header, *rows = done.stdout.lstrip("# ").splitlines()
        columns = header.split(",")
        total = 0
        for row in rows:
            values = dict(zip(columns, row.split(","), strict=False))
            if values.get("svname") == "BACKEND":
                total += int(values.get("wretr") or 0) + int(values.get("wredis") or 0)
        return total

    # --- building it

    def environment(self, database: DatabaseAddress, **extra: str) -> dict[str, str]:
        return {
            "PATH": f"{Path(sys.executable).parent}:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOME": str(self.base),
            "DATABASE_URL": database.url,
            "PROJECTION_WORKER": "false",
            "LOG_LEVEL": "warning",
            "REGISTRY_URL": balanced_url("registry"),
            "PROGRAMS_URL": balanced_url("programs"),
            "REPORTING_URL": balanced_url("reporting"),
            **extra,
        }

    def setup(self) -> None:
        hosts.remove_all()
        hosts.make_bridge()
        for host in (*DB_HOSTS, *APP_HOSTS):
            host.make()
        self.primary.initialise()
        self.primary.start()
        self.primary.run("createdb", "-h", self.primary.host.address, "-U", "postgres", "nastavnik")
        self.replica.replicate(self.primary)
        self.replica.start()
        if self.synchronous:  # once the replica streams: before, every commit would wait
            self.primary.wait_for_replicas("*")
        subprocess.run(
            [sys.executable, "-m", "services", "setup"],
            env=self.environment(self.primary.admin),
            cwd=PROJECT_ROOT,
            check=True,
            capture_output=True,
        )
        self.declare_processes()
        for process in self.processes:
            self.start(process, self.primary.admin)
        self.start_haproxy()
        self.wait_healthy()

    def declare_processes(self) -> None:
        for host in APP_HOSTS:
            for service, port in SERVICES.items():
                self.processes.append(self.uvicorn(host, service, service, port))
            self.processes.append(
                Process(host, "worker", [sys.executable, "-m", "services", "worker"],
                        self.base / f"{host.name}-worker.log", None)
            )  # fmt: skip
        name, port = REPLICA_READS
        self.processes.append(self.uvicorn(APP_HOSTS[1], name, "reporting", port))

    def uvicorn(self, host: Host, name: str, service: str, port: int) -> Process:
        command = [
            sys.executable, "-m", "uvicorn", "--factory", f"services.{service}.api:create_app",
            "--host", host.address, "--port", str(port), "--no-access-log",
            "--log-level", "warning",
        ]  # fmt: skip
        return Process(host, name, command, self.base / f"{host.name}-{name}.log", port)

    def start(self, process: Process, primary: DatabaseAddress) -> None:
        """Start (or start again) a process on `primary`; the replica's reporting always reads
        the replica."""
        database = self.replica.admin if process.name == REPLICA_READS[0] else primary
        with process.log.open("ab") as log:
            process.popen = process.host.start(process.command, self.environment(database), log)

    def point_at(self, primary: DatabaseAddress) -> None:
        """deploy/FAILOVER.md's step 3: every process that uses the primary (not the web, which
        opens no database, nor the replica's reporting) restarted at once with its DATABASE_URL
        naming `primary`; then healthy again."""
        moved = [p for p in self.processes if p.name not in ("web", REPLICA_READS[0])]
        hosts.stop_all([p.popen for p in moved if p.popen is not None])
        for process in moved:
            self.start(process, primary)
        self.wait_healthy()

    def start_haproxy(self) -> None:
        config = HAPROXY.format(socket=self.base / "haproxy.sock")
        for name, port in BALANCED.items():
            config += f"listen {name}\n    bind {GATEWAY}:{port}\n"
            for process in self.processes:
                if process.name == name:
                    config += f"    server {process.host.name} {process.host.address}:"
                    config += f"{process.port} check\n"
        (self.base / "haproxy.cfg").write_text(config)
        with (self.base / "haproxy.log").open("ab") as log:
            self.haproxy = subprocess.Popen(
                [shutil.which("haproxy") or "haproxy", "-db", "-f", str(self.base / "haproxy.cfg")],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_healthy(self, seconds: float = 180) -> None:
        """Every service answers its health check directly and through HAProxy."""
        urls = [p.url for p in self.processes if p.port] + [balanced_url(s) for s in BALANCED]
        deadline = time.monotonic() + seconds
        for url in urls:
            while not healthy(url):
                stopped = [p.name for p in self.processes if p.popen and p.popen.poll() is not None]
                assert not stopped, f"stopped: {stopped}\n{self.logs()}"
                assert time.monotonic() < deadline, f"{url} never healthy\n{self.logs()}"
                time.sleep(0.3)

    def teardown(self) -> None:
        hosts.stop_all([p.popen for p in self.processes if p.popen is not None])
        if self.haproxy is not None:
            hosts.stop(self.haproxy)
        self.primary.stop()
        self.replica.stop()
        hosts.remove_all()


def healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextmanager
def running_cluster(synchronous: bool = False) -> Iterator[Cluster]:
    """A cluster made and, whatever happens, taken apart: processes, servers, namespaces, files."""
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="nastavnik-cluster-")), synchronous)
    cluster.base.chmod(0o755)  # the servers' owner passes through it to their data
    try:
        cluster.setup()
        yield cluster
    finally:
        cluster.teardown()
        shutil.rmtree(cluster.base, ignore_errors=True)
