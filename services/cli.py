"""`python -m services <command>`: set up the schema, run everything, issue tokens, run a worker."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO
from uuid import UUID

from services.published import HTTP_SERVICES, graphql_schema, openapi
from services.reporting.rebuild import rebuild
from services.reporting.runner import ProjectionWorker
from services.wiring import master_keys_of, role_address
from shared.adapters.auth import issue_token
from shared.adapters.database import (
    DEFAULT_DATABASE,
    PROJECTOR_ROLE,
    WRITER_ROLE,
    DatabaseAddress,
    connect,
    ensure_database,
    start_embedded_server,
)
from shared.adapters.logging import configure_logging
from shared.adapters.settings import Settings, SettingsError, get_settings
from shared.kernel.errors import AppError
from shared.kernel.principal import Role

# The commands' heavier modules (the services, GraphQL, the demo) are imported where they are
# used: a worker or a rebuild started on a backlog starts in a third of the time without them.

SERVICES = ("registry", "programs", "reporting")
# The web interface, a client of the three: `make run` starts it beside them and names it first.
WEB = "web"


def admin_address(settings: Settings) -> DatabaseAddress:
    """The configured server, or the embedded one under the data folder."""
    if settings.database_url:
        return DatabaseAddress.parse(settings.database_url)
    embedded = start_embedded_server(Path(settings.data_dir))
    return asyncio.run(ensure_database(embedded, DEFAULT_DATABASE))


def port_of(settings: Settings, service: str) -> int:
    port: int = getattr(settings, f"{service}_port")
    return port


def start_service(
    service: str, settings: Settings, env: dict[str, str], stdout: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """The service as its own process; its log lines go to `stdout` (the terminal's if None)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            f"services.{service}.api:create_app",
            "--host",
            settings.host,
            "--port",
            str(port_of(settings, service)),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=stdout,
        # Its own session: a terminal's Ctrl-C reaches `run` alone, which stops each service
        # once (uvicorn stopped twice, or while importing, prints a traceback).
        start_new_session=True,
    )


def wait_healthy(urls: list[str], processes: list[subprocess.Popen[bytes]], seconds: float) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    pending = list(urls)
    while pending:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("a service stopped during start; see its log above")
        if time.monotonic() > deadline:
            raise SystemExit(f"services did not become healthy: {pending}")
        try:
            if httpx.get(f"{pending[0]}/health", timeout=1).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.2)


async def demo_loaded(admin: DatabaseAddress) -> bool:
    from services.demo_users import REGION

    connection = await connect(admin)
    try:
        return bool(
            await connection.fetchval(
                "SELECT 1 FROM registry_events WHERE originator_id = $1", REGION.id
            )
        )
    finally:
        await connection.close()


STOPPING = (signal.SIGINT, signal.SIGTERM)


def interrupted(signum: int, frame: object) -> None:
    """The first Ctrl-C or SIGTERM stops everything; later ones are ignored while stopping (a
    terminal's Ctrl-C reaches make too, which then sends SIGTERM), so nothing prints a
    traceback and `run` ends quietly."""
    for stopping in STOPPING:
        signal.signal(stopping, signal.SIG_IGN)
    raise KeyboardInterrupt


def run(settings: Settings) -> None:
    from services.demo import DemoLoader
    from services.setup import setup_database

    # A service manager stops with SIGTERM: stop the services as Ctrl-C does, not orphan them.
    for stopping in STOPPING:
        signal.signal(stopping, interrupted)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        admin = admin_address(settings)
        asyncio.run(setup_database(admin, settings))
        # Request logs go to the services' own output; keep the console readable unless asked.
        env = {"LOG_LEVEL": "warning", **os.environ, "DATABASE_URL": admin.url}
        urls = {s: f"http://{settings.host}:{port_of(settings, s)}" for s in (WEB, *SERVICES)}
        for service in urls:
            processes.append(start_service(service, settings, env))
        wait_healthy(list(urls.values()), processes, seconds=60)
        if not asyncio.run(demo_loaded(admin)):
            print("Loading the demo region…", flush=True)
            DemoLoader(settings, urls["registry"], urls["programs"]).load()
        print_welcome(settings, urls)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A service stopped; stopping the others.", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nStopping…", flush=True)
    finally:
        stop_services(processes)


def stop_services(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ask each service to stop (SIGTERM: uvicorn stops as on Ctrl-C, and one still importing
    ends without a traceback), then kill what has not stopped in 15 s."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def print_welcome(settings: Settings, urls: dict[str, str]) -> None:
    from services.demo_users import DEMO_USERS, demo_token

    print("\nNastavnik is running:")
    print(f"  web        {urls[WEB]}   (the interface in Russian: open it in a browser)")
    for service in SERVICES:
        url = urls[service]
        print(f"  {service:<10} {url}   (OpenAPI: {url}/schema/openapi.json)")
    print(f"  GraphQL    {urls['reporting']}/graphql")
    print("\nDevelopment tokens (12 hours):")
    for role, name in DEMO_USERS:
        print(f"  {role} — {name}:\n    {demo_token(settings, role)}")
    print("\nCtrl-C stops everything.", flush=True)


def projection_worker_for(settings: Settings, lanes: int = 1) -> ProjectionWorker:
    return ProjectionWorker(
        role_address(settings, PROJECTOR_ROLE),
        master_keys_of(settings),
        settings.projection_batch_size,
        lanes=lanes,
    )


def rebuild_projections(settings: Settings, names: list[str]) -> int:
    """`python -m services rebuild [names]`: fresh tables, progress on the console, switch-over."""
    try:
        return asyncio.run(
            rebuild(
                admin_address(settings),
                master_keys_of(settings),
                names or None,
                settings.projection_batch_size,
                report=lambda line: print(line, flush=True),
                lanes=settings.lanes,
            )
        )
    except AppError as error:
        raise SystemExit(error.message) from None


def worker(settings: Settings) -> None:
    configure_logging("projection-worker", settings.log_level)
    # On its own, the worker projects a backlog on lanes (inside reporting, on one connection).
    projection_worker = projection_worker_for(settings, settings.lanes)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await projection_worker.verify_master_key()
        await projection_worker.run(stop)

    asyncio.run(main())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start everything (embedded PostgreSQL without DATABASE_URL)")
    commands.add_parser("setup", help="create or update the schema on DATABASE_URL")
    commands.add_parser("worker", help="run a projection worker on its own")
    token = commands.add_parser("token", help="print a development token")
    token.add_argument("--role", required=True, choices=[str(r) for r in Role])
    token.add_argument("--scope", help="ltree path; the demo's default for the role if omitted")
    rebuilding = commands.add_parser(
        "rebuild", help="rebuild projections into fresh tables and switch over, with progress"
    )
    rebuilding.add_argument("projections", nargs="*", help="names; all when none is given")
    commands.add_parser("erase-due", help="erase personal data 30 days after withdrawal (daily)")
    commands.add_parser("rotate-keys", help="re-wrap every data key with the current MASTER_KEY")
    commands.add_parser("send-reminders", help="mail each school's coordinators their digest")
    person = commands.add_parser("person-token", help="a token for a school's staff member")
    person.add_argument("person_id", type=UUID)
    contract = commands.add_parser(
        "contract", help="print a service's OpenAPI document, or reporting's GraphQL schema"
    )
    contract.add_argument("of", choices=[*HTTP_SERVICES, "graphql"])
    args = parser.parse_args(argv)
    if args.command == "contract":  # made from the code alone: no settings, no database
        print(graphql_schema() if args.of == "graphql" else json.dumps(openapi(args.of), indent=2))
        return
    settings = get_settings()
    if args.command == "run":
        run(settings)
    elif args.command == "setup":
        from services.setup import setup_database

        asyncio.run(setup_database(admin_address(settings), settings))
        print("schema ready")
    elif args.command == "worker":
        worker(settings)
    elif args.command == "token":
        from services.demo_users import demo_token

        try:
            print(demo_token(settings, Role(args.role), args.scope))
        except AppError as error:
            raise SystemExit(error.message) from None
    elif args.command == "rebuild":
        print(f"rebuilt from {rebuild_projections(settings, args.projections)} event applications")
    elif args.command == "erase-due":
        from services.bootstrap import tools_registry

        with tools_registry(settings, admin_address(settings)) as registry:
            erased = registry.erase_due(settings.region_today())
        print(f"erased: {len(erased)}")
    elif args.command == "rotate-keys":
        from services.bootstrap import tools_registry

        with tools_registry(settings, admin_address(settings)) as registry:
            print(f"re-wrapped: {registry.keys.rewrap_all()} keys")
    elif args.command == "send-reminders":
        from services.web.reminders import send_reminders_now

        try:
            print(f"reminders sent: {asyncio.run(send_reminders_now(settings))}")
        except SettingsError as error:
            raise SystemExit(str(error)) from None
    elif args.command == "person-token":
        try:
            print(person_token(settings, admin_address(settings), args.person_id))
        except AppError as error:
            raise SystemExit(error.message) from None


def person_token(settings: Settings, admin: DatabaseAddress, person_id: UUID) -> str:
    """A development token whose role is what the person's staff roles in the school allow."""
    from services.registry.application import token_role_of
    from services.registry.domain import Organisation, Person
    from services.registry.state import RegistryState

    state = RegistryState(admin.as_role(WRITER_ROLE, settings.db_role_password))
    try:
        person = state.load(Person, person_id, "Человек")
        school = state.load(Organisation, person.school_id, "Школа")
    finally:
        state.close()
    return issue_token(
        settings,
        token_role_of(person),
        school.tenant,
        user=str(person.id),
        name="сотрудник",
        person=person.id,
    )
