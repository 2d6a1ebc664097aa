"""Hosts made on this machine: a network namespace each, joined by veth pairs on one bridge.

The tests and HAProxy stay on the machine itself (the bridge's own address), as a load balancer
in front of the hosts would; every PostgreSQL and every service runs inside its host's namespace
and reaches the others over the bridge only."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PREFIX = "nvc-"  # every namespace, link and bridge the harness makes, so that cleanup finds them
BRIDGE = f"{PREFIX}br0"
SUBNET = "10.231.0"
GATEWAY = f"{SUBNET}.1"  # the machine itself on the bridge: HAProxy and the tests
IP = shutil.which("ip") or "/usr/sbin/ip"


def ip(*arguments: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([IP, *arguments], capture_output=True, text=True, check=check)


def namespaces_allowed() -> str | None:
    """Why this machine cannot make hosts (None when it can): root, iproute2 and netns."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if not Path(IP).exists():
        return "iproute2 (ip) is missing"
    probe = f"{PREFIX}probe"
    made = ip("netns", "add", probe, check=False)
    ip("netns", "del", probe, check=False)
    return None if made.returncode == 0 else f"ip netns add failed: {made.stderr.strip()}"


def remove_all() -> None:
    """Every namespace and link of a previous run (or this one), whatever state it was left in.
    The links go first and by name: a namespace's deletion frees its veth pair only later."""
    for line in ip("-o", "link", "show", check=False).stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name.startswith(PREFIX):
            ip("link", "del", name, check=False)
    for line in ip("netns", "list", check=False).stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        if name.startswith(PREFIX):
            ip("netns", "del", name, check=False)


def make_bridge() -> None:
    ip("link", "add", BRIDGE, "type", "bridge")
    ip("addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
    ip("link", "set", BRIDGE, "up")


@dataclass(frozen=True)
class Host:
    """A namespace with one interface, `eth0`, at `address` on the bridge."""

    name: str
    address: str

    @property
    def namespace(self) -> str:
        return f"{PREFIX}{self.name}"

    def make(self) -> None:
        ip("netns", "add", self.namespace)
        ip("link", "add", self.namespace, "type", "veth", "peer", "name", "eth0", "netns",
           self.namespace)  # fmt: skip
        ip("link", "set", self.namespace, "master", BRIDGE, "up")
        ip("-n", self.namespace, "addr", "add", f"{self.address}/24", "dev", "eth0")
        ip("-n", self.namespace, "link", "set", "eth0", "up")
        ip("-n", self.namespace, "link", "set", "lo", "up")

    def command(self, *command: str) -> list[str]:
        return [IP, "netns", "exec", self.namespace, *command]

    def start(
        self, command: list[str], env: dict[str, str], log: IO[bytes]
    ) -> subprocess.Popen[bytes]:
        """A process inside the host, in its own session (so that a kill reaches it alone)."""
        return subprocess.Popen(
            self.command(*command),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def cut_from(self, *addresses: str) -> None:
        """The network to `addresses` cut: packets are dropped as a failed switch would."""
        for address in addresses:
            ip("-n", self.namespace, "route", "add", "blackhole", f"{address}/32")

    def restore_to(self, *addresses: str) -> None:
        for address in addresses:
            ip("-n", self.namespace, "route", "del", "blackhole", f"{address}/32", check=False)

    def fence(self) -> None:
        """The host gone from the network (its link down), as a lost machine is."""
        ip("-n", self.namespace, "link", "set", "eth0", "down")


def stop(process: subprocess.Popen[bytes], how: signal.Signals = signal.SIGTERM) -> None:
    """Stop a process started by `Host.start` and everything in its session."""
    stop_all([process], how)


def stop_all(
    processes: list[subprocess.Popen[bytes]], how: signal.Signals = signal.SIGTERM
) -> None:
    """Signal them all at once, then wait for each (killing what does not stop)."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, how)
    for process in running:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return f"({path.name}: no log)"
    return f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
