"""The four services as processes: a page's request id in every service's log lines it touched,
and /metrics served by each real server."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from services.cli import SERVICES, WEB, start_service, stop_services, wait_healthy
from shared.adapters.auth import issue_token
from shared.adapters.database import DatabaseAddress
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from tests.conftest import fresh_database
from tests.e2e.test_processes import environment, free_port
from tests.integration.test_web_people import NEW_MENTEE

pytestmark = pytest.mark.processes

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
TRACE = "page-trace-0042"


@pytest.fixture(scope="module")
async def logged_database(server: DatabaseAddress) -> AsyncIterator[DatabaseAddress]:
    async with fresh_database(server, "nastavnik_observed") as address:
        yield address


@pytest.fixture(scope="module")
def logged(
    logged_database: DatabaseAddress, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Settings, dict[str, str], Path]]:
    """The four services with their info lines, unbuffered, each in its own file."""
    logs = tmp_path_factory.mktemp("logs")
    ports = {s: free_port() for s in (WEB, *SERVICES)}
    settings = msgspec.structs.replace(
        Settings(database_url=logged_database.url), **{f"{s}_port": p for s, p in ports.items()}
    )
    urls = {s: f"http://127.0.0.1:{port}" for s, port in ports.items()}
    env = environment(
        logged_database,
        LOG_LEVEL="info",
        PYTHONUNBUFFERED="1",
        **{f"{s.upper()}_PORT": str(p) for s, p in ports.items()},
    )
    files = {s: (logs / f"{s}.log").open("wb") for s in urls}
    processes = [start_service(s, settings, env, stdout=files[s]) for s in urls]
    try:
        wait_healthy(list(urls.values()), processes, seconds=90)
        yield settings, urls, logs
    finally:
        stop_services(processes)
        for file in files.values():
            file.close()


async def created(http: httpx.AsyncClient, url: str, token: str, body: dict[str, Any]) -> Any:
    response = await http.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return response.json()


def lines_of(logs: Path, service: str) -> list[dict[str, Any]]:
    text = (logs / f"{service}.log").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def traced_lines(logs: Path, service: str, route: str) -> list[dict[str, Any]]:
    """The service's lines under the page's id, once the line of its request to `route` is
    among them: a request's own line is written once its answer has gone (10 s at most)."""
    for _ in range(100):
        traced = [line for line in lines_of(logs, service) if line.get("request_id") == TRACE]
        if any(line.get("route") == route for line in traced):
            return traced
        await asyncio.sleep(0.1)
    raise AssertionError(f"{service} logged no such line under the page's request id")


async def test_a_pages_request_id_reaches_every_service_it_calls_and_their_log_lines(
    logged: tuple[Settings, dict[str, str], Path],
) -> None:
    settings, urls, logs = logged
    operator = issue_token(settings, Role.OPERATOR, "")
    async with httpx.AsyncClient(timeout=60) as http:
        parent = None
        for kind, name in (("region", "Область"), ("municipality", "Округ"), ("school", "Школа")):
            body = {"kind": kind, "name": name, "parent_id": parent}
            organisation = await created(http, f"{urls['registry']}/organisations", operator, body)
            parent = organisation["id"]
        coordinator = issue_token(settings, Role.SCHOOL_COORDINATOR, organisation["path"])

    async with httpx.AsyncClient(base_url=urls[WEB], timeout=60) as browser:
        login = await browser.get("/login")
        csrf = CSRF.search(login.text)
        assert csrf
        signed_in = await browser.post(
            "/login/token", data={"_csrf_token": csrf[1], "token": coordinator, "next": "/"}
        )
        assert signed_in.status_code == 303, signed_in.text
        form = await browser.get("/people/mentees/new")
        csrf = CSRF.search(form.text)
        assert csrf
        added = await browser.post(
            "/people/mentees/new",
            data={"_csrf_token": csrf[1], **NEW_MENTEE},
            headers={"X-Request-ID": TRACE},
        )
        assert added.status_code == 303, added.text
        assert added.headers["x-request-id"] == TRACE

    called = ((WEB, "/people/{base}/new"), ("registry", "/people"), ("reporting", "/graphql"))
    for service, route in called:
        traced = await traced_lines(logs, service, route)
        assert {line["service"] for line in traced} == {service}
    assert not [line for line in lines_of(logs, "programs") if line.get("request_id") == TRACE], (
        "programs was not called by this page, yet logged its id"
    )


async def test_each_real_server_answers_metrics_without_a_token(
    logged: tuple[Settings, dict[str, str], Path],
) -> None:
    _, urls, _ = logged
    async with httpx.AsyncClient(timeout=30) as http:
        for service, url in urls.items():
            response = await http.get(f"{url}/metrics")
            assert response.status_code == 200, service
            assert f'service="{service}"' in response.text
            assert "nastavnik_http_request_duration_seconds_bucket" in response.text
