"""Test fixtures: a real PostgreSQL (embedded unless DATABASE_URL is set), a fresh database per
run, the three services in-process behind HTTP test clients, and a client-side helper."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.testing import AsyncTestClient

from services.bootstrap import write_side
from services.programs.api import create_app as create_programs
from services.programs.application import Programs
from services.registry.api import create_app as create_registry
from services.reporting.api import create_app as create_reporting
from services.setup import setup_database
from shared.adapters.auth import issue_token
from shared.adapters.database import (
    DatabaseAddress,
    connect,
    drop_database,
    ensure_database,
    start_embedded_server,
)
from shared.adapters.settings import PROJECT_ROOT, Settings, region_today
from shared.kernel.errors import AppError
from shared.kernel.principal import Role
from shared.kernel.scope import person_path

logging.getLogger("httpx").setLevel(logging.WARNING)

# The several-host tests make hosts with network namespaces and take minutes: `make test-cluster`
# runs them, `make test` leaves them out.
collect_ignore = [] if os.environ.get("CLUSTER_TESTS") else ["cluster"]

# The web interface's fixtures (in-process pages; the four services for the browser tests).
pytest_plugins = ["tests.web_support"]


@pytest.fixture(scope="session")
def server() -> DatabaseAddress:
    url = os.environ.get("DATABASE_URL")
    if url:
        return DatabaseAddress.parse(url)
    return start_embedded_server(PROJECT_ROOT / ".data" / "test")


@asynccontextmanager
async def fresh_database(server: DatabaseAddress, name: str) -> AsyncIterator[DatabaseAddress]:
    """A new database with the schema set up, dropped afterwards (and before: a run that was
    killed leaves its database behind, and process ids come round again)."""
    await drop_database(server, f"{name}_{os.getpid()}")
    address = await ensure_database(server, f"{name}_{os.getpid()}")
    try:
        await setup_database(address, Settings(database_url=address.url))
        yield address
    finally:
        await drop_database(server, address.database)


@pytest.fixture(scope="session")
async def database(server: DatabaseAddress) -> AsyncIterator[DatabaseAddress]:
    async with fresh_database(server, "nastavnik_test") as address:
        yield address


@pytest.fixture(scope="session")
def settings(database: DatabaseAddress) -> Settings:
    return Settings(database_url=database.url, log_level="warning")


class Api:
    """The three services as a client calls them, plus ways to mint tokens for any scope."""

    def __init__(
        self,
        settings: Settings,
        database: DatabaseAddress,
        registry: AsyncTestClient[Any],
        programs: AsyncTestClient[Any],
        reporting: AsyncTestClient[Any],
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.programs = programs
        self.reporting = reporting
        self.database = database

    def token(self, role: Role, scope: str) -> str:
        return issue_token(self.settings, role, scope, user=f"test-{role}-{uuid4().hex[:6]}")

    @staticmethod
    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def command(
        self,
        service: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
        expect: int | None = 201,
        method: str = "POST",
    ) -> Any:
        client = self.registry if service == "registry" else self.programs
        response = await client.request(method, path, json=body, headers=self.auth(token))
        if expect is not None:
            assert response.status_code == expect, response.text
        return response.json()

    async def graphql(self, token: str, query: str, **variables: Any) -> dict[str, Any]:
        """Run a query once reporting has caught up with every command sent so far."""
        await self.caught_up(token)
        response = await self.reporting.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.auth(token)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def caught_up(self, token: str) -> None:
        """Wait until reporting has projected everything stored so far (commands return their
        position too; waiting for the store's end also covers writes made outside HTTP)."""
        connection = await connect(self.database)
        try:
            positions = {
                upstream: await connection.fetchval(
                    f"SELECT coalesce(max(notification_id), 0) FROM {upstream}_events"
                )
                for upstream in ("registry", "programs")
            }
        finally:
            await connection.close()
        response = await self.reporting.post(
            "/graphql",
            json={
                "query": "query($r: Int!, $p: Int!) {"
                " caughtUp(registry: $r, programs: $p, timeoutMs: 30000) }",
                "variables": {"r": positions["registry"], "p": positions["programs"]},
            },
            headers=self.auth(token),
        )
        assert response.json()["data"]["caughtUp"] is True, response.text


@pytest.fixture(scope="session")
async def api(settings: Settings, database: DatabaseAddress) -> AsyncIterator[Api]:
    async with (
        AsyncTestClient(create_registry(settings)) as registry,
        AsyncTestClient(create_programs(settings)) as programs,
        AsyncTestClient(create_reporting(settings)) as reporting,
    ):
        yield Api(settings, database, registry, programs, reporting)


def nodes(connection: dict[str, Any]) -> list[Any]:
    """The nodes of a GraphQL connection, in order."""
    return [edge["node"] for edge in connection["edges"]]


def days_ago(days: int) -> str:
    return str(region_today() - timedelta(days=days))


class World:
    """A fresh region with an institute, two municipalities and three schools, per test."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.ids: dict[str, UUID] = {}
        self.paths: dict[str, str] = {}

    async def build(self) -> World:
        operator = self.api.token(Role.OPERATOR, "")
        layout = [
            ("region", "region", "Тестовая область", None),
            ("institute", "institute", "ИРО", "region"),
            ("m1", "municipality", "Первый округ", "region"),
            ("m2", "municipality", "Второй округ", "region"),
            ("s1", "school", "Школа № 1", "m1"),
            ("s2", "school", "Школа № 2", "m1"),
            ("s3", "school", "Школа № 3", "m2"),
        ]
        for key, kind, name, parent in layout:
            created = await self.api.command(
                "registry",
                "/organisations",
                operator,
                {
                    "kind": kind,
                    "name": name,
                    "parent_id": str(self.ids[parent]) if parent else None,
                },
            )
            self.ids[key] = UUID(created["id"])
            self.paths[key] = created["path"]
        return self

    def token(self, role: Role, key: str) -> str:
        return self.api.token(role, self.paths[key])

    def coordinator(self, school: str) -> str:
        return self.token(Role.SCHOOL_COORDINATOR, school)

    def participant(self, role: Role, school: str, person: str) -> str:
        """A mentor's, a mentee's or a legal representative's token: scoped to the person."""
        return self.api.token(role, person_path(self.paths[school], UUID(person)))

    async def person(
        self,
        school: str,
        full_name: str,
        role: str,
        *,
        consent: bool = True,
        birth_date: date = date(1985, 3, 1),
        capacity: int = 1,
        expect: int = 201,
        consent_on: date | None = None,
        grade: str | None = None,
    ) -> Any:
        minor = (region_today() - birth_date).days < 18 * 365
        body: dict[str, Any] = {
            "school_id": str(self.ids[school]),
            "kind": "student" if minor else "teacher",
            "full_name": full_name,
            "birth_date": str(birth_date),
            "roles": [role],
            "mentor_capacity": capacity,
        }
        if grade:
            body["grade"] = grade
        if consent:
            body["consent"] = {"signed_on": str(consent_on or region_today() - timedelta(days=1))}
            if minor:
                body["consent"] |= {
                    "representative_name": f"Родитель {full_name}",
                    "relation": "мать",
                }
        created = await self.api.command(
            "registry", "/people", self.coordinator(school), body, expect=expect
        )
        return created["id"] if expect == 201 else created

    async def course(self, starts_ago: int, ends_ago: int) -> str:
        """The institute's 36-hour «Школа наставника», held between the given days."""
        created = await self.api.command(
            "registry",
            "/training-courses",
            self.token(Role.INSTITUTE_METHODOLOGIST, "region"),
            {
                "name": "Школа наставника",
                "hours": 36,
                "provider": "ИРО",
                "starts_on": str(region_today() - timedelta(days=starts_ago)),
                "ends_on": str(region_today() - timedelta(days=ends_ago)),
            },
        )
        return str(created["id"])

    async def programme(self, school: str, forms: list[str] | None = None) -> str:
        created = await self.api.command(
            "programs",
            "/programmes",
            self.coordinator(school),
            {
                "school_id": str(self.ids[school]),
                "school_year": "2025/26",
                "title": "Программа наставничества",
                "forms": forms or ["teacher_student"],
            },
        )
        return str(created["id"])

    async def pair(
        self,
        school: str,
        programme: str,
        mentor: str,
        mentee: str,
        expect: int = 201,
        form: str = "teacher_student",
        approve: bool = True,
    ) -> Any:
        """Form a pair; by default the mentor signs the consent to the extra duty and the
        director approves the pair by order, so that it can start working."""
        created = await self.api.command(
            "programs",
            f"/programmes/{programme}/pairs",
            self.coordinator(school),
            {"form": form, "mentor_id": mentor, "mentee_ids": [mentee]},
            expect=expect,
        )
        if expect != 201:
            return created
        if approve:
            signed = await self.api.command(
                "registry",
                f"/people/{mentor}/consents",
                self.coordinator(school),
                {"kind": "additional_duty", "signed_on": str(region_today())},
                expect=None,
            )
            # a mentor of a second pair signed it already that day: the same consent is a 409
            assert "id" in signed or signed["code"] == "duplicate_consent", signed
            await self.approve(school, programme, [created["id"]])
        return created["id"]

    async def approve(
        self, school: str, programme: str, pairs: list[str], expect: int = 201
    ) -> Any:
        return await self.api.command(
            "programs",
            f"/programmes/{programme}/orders",
            self.token(Role.SCHOOL_DIRECTOR, school),
            {"number": f"{len(pairs)}-н", "order_date": str(region_today()), "pair_ids": pairs},
            expect=expect,
        )

    async def roadmap(self, school: str) -> None:
        """The order implementing the target model and the platform's default roadmap."""
        await self.implementation(school)
        director = self.token(Role.SCHOOL_DIRECTOR, school)
        await self.api.command(
            "programs", f"/schools/{self.ids[school]}/roadmap/default", director, {}
        )

    async def implementation(self, school: str) -> None:
        """The director's order implementing the target model, from 01.09.2025 to 30.06.2027."""
        order = {
            "number": "1-о",
            "order_date": "2025-08-25",
            "period_from": "2025-09-01",
            "period_to": "2027-06-30",
        }
        director = self.token(Role.SCHOOL_DIRECTOR, school)
        await self.api.command(
            "programs", f"/schools/{self.ids[school]}/implementation", director, order
        )

    async def plan(self, school: str, pair: str, goals: tuple[str, ...] = ("Цель",)) -> None:
        """An individual plan of the goals and one task due in ten days."""
        today = region_today()
        await self.api.command(
            "programs",
            f"/pairs/{pair}/plan",
            self.coordinator(school),
            {
                "starts_on": str(today),
                "ends_on": str(today + timedelta(days=120)),
                "goals": list(goals),
                "tasks": [{"title": "Первая", "due_on": str(today + timedelta(days=10))}],
            },
            expect=200,
            method="PUT",
        )

    async def link(self, school: str, person: str, role: Role, days: int = 30) -> dict[str, Any]:
        """A personal link the coordinator issues (its `link` is shown this once)."""
        issued: dict[str, Any] = await self.api.command(
            "registry",
            f"/people/{person}/links",
            self.coordinator(school),
            {"role": str(role), "expires_on": str(region_today() + timedelta(days=days))},
        )
        return issued

    async def campaign(self, example: str = "documents", **overrides: Any) -> str:
        """The municipality m1's monitoring on the region's form from an example (the document
        list 1.1–1.5), its window open from two days ago to two days on; `overrides` change
        the campaign."""
        form = await self.api.command(
            "registry",
            "/forms/examples",
            self.token(Role.INSTITUTE_METHODOLOGIST, "region"),
            {"owner_id": str(self.ids["region"]), "example": example},
        )
        body = {
            "title": "Мониторинг нормативных документов",
            "form_id": form["id"],
            "form_version": 1,
            "act_number": "94-13",
            "act_date": str(region_today() - timedelta(days=7)),
            "target_id": str(self.ids["m1"]),
            "target_kinds": ["school"],
            "window_from": str(region_today() - timedelta(days=2)),
            "window_to": str(region_today() + timedelta(days=2)),
            "reference_date": str(region_today()),
            "reviewer_roles": ["institute_methodologist"],
        } | overrides
        organiser = Role.REGION_OFFICER if body["target_id"] == str(self.ids["region"]) else None
        token = self.token(organiser or Role.MUNICIPALITY_OFFICER, "region" if organiser else "m1")
        made = await self.api.command("registry", "/campaigns", token, body)
        return str(made["id"])

    async def meeting(self, school: str, pair: str, **overrides: Any) -> Any:
        body = {
            "kind": "introduction",
            "held_on": str(region_today()),
            "duration_minutes": 45,
            "format": "in_person",
            "topic": "Знакомство",
            "mentor_feedback": {"rating": 9, "comment": "Хорошее начало"},
            "mentee_feedback": {"rating": 8, "comment": "Было интересно"},
        } | overrides
        return await self.api.command(
            "programs", f"/pairs/{pair}/meetings", self.coordinator(school), body
        )


@pytest.fixture
async def world(api: Api) -> World:
    return await World(api).build()


async def refusal_of(settings: Settings, command: Callable[[Programs], object]) -> AppError | None:
    """A `Programs` command run in process, as the services open the applications: its
    refusal, or None when it was stored."""

    def run() -> AppError | None:
        with write_side(settings) as apps:
            try:
                command(apps.programs)
            except AppError as refused:
                return refused
            return None

    return await asyncio.to_thread(run)


class EventCounter:
    def __init__(self, database: DatabaseAddress) -> None:
        self.database = database

    async def __call__(self) -> tuple[int, int]:
        connection = await connect(self.database)
        try:
            registry = await connection.fetchval("SELECT count(*) FROM registry_events")
            programs = await connection.fetchval("SELECT count(*) FROM programs_events")
        finally:
            await connection.close()
        return registry, programs


@pytest.fixture
def events(database: DatabaseAddress) -> EventCounter:
    return EventCounter(database)
