"""deploy/Containerfile and deploy/compose.yaml name only what the code has: each command is a
factory that builds a service answering /health or a CLI command, each port is the one the
settings give that service, HAProxy balances the compose services that exist on those ports, and
every file the recipe copies is in the repository."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
import yaml

from services.cli import main as cli
from shared.adapters.settings import PROJECT_ROOT, Settings

DEPLOY = PROJECT_ROOT / "deploy"
CONTAINERFILE = (DEPLOY / "Containerfile").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
HAPROXY = (DEPLOY / "container" / "haproxy.cfg").read_text()
APP_IMAGE = "localhost/nastavnik:latest"
SERVICES = {"web", "registry", "programs", "reporting"}


def app_commands() -> dict[str, list[str]]:
    """Every command run in the services' image: compose's, and the Containerfile's default."""
    default = re.search(r"^CMD (\[.*\])$", CONTAINERFILE.split(" AS nastavnik")[1], re.MULTILINE)
    assert default, "the services' stage has no CMD"
    commands = {"Containerfile": json.loads(default[1])}
    for name, service in COMPOSE["services"].items():
        if service.get("image") == APP_IMAGE:
            commands[name] = [str(part) for part in service["command"]]
    return commands


def served_by(command: list[str]) -> tuple[str, int]:
    """The service a uvicorn command serves (its factory's package) and its port."""
    factory = command[command.index("--factory") + 1]
    match = re.fullmatch(r"services\.(\w+)\.api:create_app", factory)
    assert match, factory
    return match[1], int(command[command.index("--port") + 1])


def routes_of_factories(factories: set[str]) -> dict[str, list[str]]:
    """Each factory's app built in a process of its own (no database is opened to build it)."""
    script = (
        "import importlib, json, sys\n"
        "routes = {}\n"
        "for factory in sys.argv[1:]:\n"
        "    module, name = factory.split(':')\n"
        "    app = getattr(importlib.import_module(module), name)()\n"
        "    routes[factory] = sorted({route.path for route in app.routes})\n"
        "print(json.dumps(routes))\n"
    )
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    built = subprocess.run(
        [sys.executable, "-c", script, *sorted(factories)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    routes: dict[str, list[str]] = json.loads(built.stdout)
    return routes


def test_every_uvicorn_command_builds_a_service_that_answers_health_and_metrics() -> None:
    factories = {
        command[command.index("--factory") + 1]
        for command in app_commands().values()
        if command[0] == "uvicorn"
    }
    assert {f"services.{name}.api:create_app" for name in SERVICES} <= factories
    for factory, routes in routes_of_factories(factories).items():
        assert {"/health", "/metrics"} <= set(routes), factory
    check = re.search(r"^HEALTHCHECK .*?\n(?=CMD)", CONTAINERFILE, re.MULTILINE | re.DOTALL)
    assert check
    assert "/health" in check[0]
    assert "HEALTH_PORT" in check[0]


def test_each_service_listens_on_its_settings_port_and_is_checked_there() -> None:
    defaults = Settings()
    for name, command in app_commands().items():
        if command[0] != "uvicorn":
            continue
        service, port = served_by(command)
        assert port == getattr(defaults, f"{service}_port"), name
        assert "--no-access-log" in command, f"{name}: uvicorn's access log writes query strings"
        if name != "Containerfile":
            assert COMPOSE["services"][name]["environment"]["HEALTH_PORT"] == str(port), name
    default_port = served_by(app_commands()["Containerfile"])[1]
    assert re.search(rf"^\s+HEALTH_PORT={default_port}$", CONTAINERFILE, re.MULTILINE)


def test_other_commands_are_the_clis_and_skip_the_http_check(
    capsys: pytest.CaptureFixture[str],
) -> None:
    others = {n: c for n, c in app_commands().items() if c[0] != "uvicorn"}
    assert {"setup", "worker", "worker-standby"} <= set(others)
    for name, command in others.items():
        assert command[:3] == ["python", "-m", "services"], name
        with pytest.raises(SystemExit) as exit_:
            cli([command[3], "--help"])
        assert exit_.value.code == 0, f"{name}: `{command[3]}` is no command of the CLI"
        assert COMPOSE["services"][name]["healthcheck"] == {"disable": True}
    capsys.readouterr()


def test_haproxy_balances_two_replicas_of_each_service_on_its_port() -> None:
    defaults = Settings()
    frontends = dict(re.findall(r"^frontend (\w+)\n\s+bind :(\d+)$", HAPROXY, re.MULTILINE))
    assert {name: int(port) for name, port in frontends.items()} == {
        name: getattr(defaults, f"{name}_port") for name in SERVICES
    }
    servers = re.findall(r"^\s+server (\S+) (\S+):(\d+)$", HAPROXY, re.MULTILINE)
    assert len(servers) == 2 * len(SERVICES)
    for label, host, port in servers:
        assert label == host
        assert served_by(COMPOSE["services"][host]["command"]) == (
            host.rsplit("-", 1)[0],
            int(port),
        )
    assert "option httpchk GET /health" in HAPROXY


def test_the_recipe_copies_files_that_exist_and_compose_builds_its_stages() -> None:
    for source in re.findall(r"^COPY (\S+) ", CONTAINERFILE, re.MULTILINE):
        assert (PROJECT_ROOT / source).exists(), source
    stages = set(re.findall(r"^FROM \S+ AS (\w+)$", CONTAINERFILE, re.MULTILINE))
    for name, service in COMPOSE["services"].items():
        if "build" in service:
            build = service["build"]
            assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (
                DEPLOY / "Containerfile"
            ), name
            assert build["target"] in stages, name
    assert CONTAINERFILE.rstrip().splitlines()[-1].startswith("CMD")
    assert re.search(r"^ARG BASE_IMAGE=debian:", CONTAINERFILE, re.MULTILINE)
    assert re.search(r"^USER 10001$", CONTAINERFILE, re.MULTILINE)
    start = DEPLOY / "container" / "postgres-start"
    assert os.access(start, os.X_OK)


def test_every_nastavnik_process_runs_read_only_with_a_tmpfs() -> None:
    for name, service in COMPOSE["services"].items():
        if service.get("image") in {APP_IMAGE, "localhost/nastavnik-haproxy:latest"}:
            assert service["read_only"] is True, name
            assert service["tmpfs"] == ["/tmp"], name  # noqa: S108 -- the container's own
