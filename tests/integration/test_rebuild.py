"""Rebuilding projections into fresh tables and switching over while GraphQL answers queries:
no query loses its answer; a projection whose code version changed is rebuilt on start; the
command shows its progress."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import pytest

from services.reporting.projections import ALL
from services.reporting.projections.pairs import Pairs
from services.reporting.read_models import signature_of
from services.reporting.rebuild import rebuild
from services.setup import setup_database
from services.wiring import master_keys_of
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.settings import Settings
from shared.kernel.principal import Role
from tests.conftest import Api
from tests.generated_region import ON, YEAR, GeneratedRegion, generated_region

TABLES = [t.name for p in ALL for t in p.tables]
SCHOOL_VIEW = """{ pairs(first: 200) { totalCount edges { node { id status
  mentor { fullName } mentees { fullName } plan { progress }
  meetings { id heldOn mentorRating feedback { authorId rating } } } } } }"""
REGION_COUNTS = (
    "{ counts(level: SCHOOL) { edges { node { path mentors mentees pairs meetings } } } }"
)
INDICATORS = """query($year: String!, $on: Date) { indicators(schoolYear: $year, on: $on) {
  rows { code numerator denominator value } } }"""


@pytest.fixture(scope="module")
async def region(api: Api) -> GeneratedRegion:
    return await generated_region(api)


async def _oids(database: DatabaseAddress, tables: list[str]) -> dict[str, int]:
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT relname, oid FROM pg_class WHERE relnamespace = 'public'::regnamespace"
            " AND relname = ANY($1::text[])",
            tables,
        )
        return {row["relname"]: row["oid"] for row in rows}
    finally:
        await connection.close()


async def _stored_events(database: DatabaseAddress) -> int:
    """How many events both stores hold (the region's, and whatever tests before left)."""
    connection = await connect(database)
    try:
        count: int = await connection.fetchval(
            "SELECT (SELECT count(*) FROM registry_events) + (SELECT count(*) FROM programs_events)"
        )
        return count
    finally:
        await connection.close()


class Asker:
    """Queries a school's coordinator, the region and its indicators would send, each checked
    against the answer it gave before the rebuild began."""

    def __init__(self, region: GeneratedRegion) -> None:
        world = region.world
        self.api = world.api
        self.queries: list[tuple[str, str, dict[str, Any]]] = [
            (world.coordinator("s1"), SCHOOL_VIEW, {}),
            (world.token(Role.REGION_OFFICER, "region"), REGION_COUNTS, {}),
            (world.token(Role.REGION_OFFICER, "region"), INDICATORS, {"year": YEAR, "on": str(ON)}),
        ]
        self.expected: list[dict[str, Any]] = []
        self.asked = 0

    async def ask(self, index: int) -> dict[str, Any]:
        token, query, variables = self.queries[index]
        response = await self.api.reporting.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.api.auth(token)
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def remember(self) -> None:
        self.expected = [await self.ask(i) for i in range(len(self.queries))]
        for answer in self.expected:
            assert "errors" not in answer, answer
        assert len(self.expected[0]["data"]["pairs"]["edges"]) > 5

    async def keep_asking(self, rebuilding: asyncio.Future[int]) -> None:
        """Ask and check until the rebuild is over. The test client serves each request on its
        own thread and blocks this one meanwhile, so the rebuild runs on a thread of its own."""
        while not rebuilding.done():
            for index, expected in enumerate(self.expected):
                assert await self.ask(index) == expected, f"query {index} during the rebuild"
                self.asked += 1
            await asyncio.sleep(0)  # let the loop see the rebuild finish


async def test_a_rebuild_during_queries_loses_no_answer(
    region: GeneratedRegion, settings: Settings, database: DatabaseAddress
) -> None:
    await region.api.caught_up(region.world.coordinator("s1"))
    asker = Asker(region)
    await asker.remember()
    before = await _oids(database, TABLES)
    stored = await _stored_events(database)
    lines: list[str] = []

    # small batches: many transactions, so the queries run between them all along
    rebuilding = asyncio.ensure_future(
        asyncio.to_thread(
            asyncio.run, rebuild(database, master_keys_of(settings), None, 100, lines.append)
        )
    )
    await asker.keep_asking(rebuilding)
    applied = await rebuilding

    after = await _oids(database, TABLES)
    assert applied >= stored  # every stored event, however many tests before this one left
    assert asker.asked > 30  # queries ran all through the rebuild, every one answered in full
    assert all(after[table] != before[table] for table in TABLES)  # fresh tables, switched over
    assert [await asker.ask(i) for i in range(len(asker.queries))] == asker.expected
    assert lines[0].startswith("rebuilding organisations, people")
    assert any(line.strip().startswith("programs:") and "(100%)" in line for line in lines)
    assert lines[-1].startswith("switched over")


async def _make_up(database: DatabaseAddress, tables: list[str]) -> dict[str, Any]:
    """Each live table's indexes, triggers, policies, row-level security and grants."""
    connection = await connect(database)
    try:
        rows = await connection.fetch(
            "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, c.relacl::text AS acl,"
            " ARRAY(SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
            "  WHERE i.indrelid = c.oid ORDER BY 1) AS indexes,"
            " ARRAY(SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t"
            "  WHERE t.tgrelid = c.oid AND NOT t.tgisinternal ORDER BY 1) AS triggers,"
            " ARRAY(SELECT concat_ws(' ', p.polname, p.polcmd, p.polroles::text,"
            "  pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))"
            "  FROM pg_policy p WHERE p.polrelid = c.oid ORDER BY 1) AS policies"
            " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
            " AND c.relname = ANY($1::text[])",
            tables,
        )
        return {row["relname"]: dict(row) for row in rows}
    finally:
        await connection.close()


async def test_the_rebuilt_tables_have_every_index_trigger_and_policy_of_the_setup(
    region: GeneratedRegion, settings: Settings, database: DatabaseAddress
) -> None:
    """A rebuild makes the query indexes after loading the rows: they are all there, as the
    setup step makes them, with the tenant trigger, the grants and row-level security."""
    await region.api.caught_up(region.world.coordinator("s1"))
    made_by_setup = await _make_up(database, TABLES)

    await rebuild(database, master_keys_of(settings))
    rebuilt = await _make_up(database, TABLES)

    assert rebuilt == made_by_setup
    assert set(rebuilt) == set(TABLES)
    for projection in ALL:
        for table in projection.tables:
            made = rebuilt[table.name]
            assert made["relrowsecurity"]
            assert made["relforcerowsecurity"]
            assert len(made["indexes"]) > len(table.indexes) + len(table.lookups)  # + key, tenant
            assert any(
                "USING gist (tenant)" in i or "USING btree (tenant)" in i for i in made["indexes"]
            )
            assert [t for t in made["triggers"] if "follow_tenant_moves" in t]
            assert any(p.startswith(f"{table.name}_projector ") for p in made["policies"])


async def test_a_rebuild_that_fails_midway_leaves_the_live_read_models_as_they_were(
    region: GeneratedRegion,
    settings: Settings,
    database: DatabaseAddress,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One lane fails while the other goes on: the rebuild stops with that error, every lane
    and the reader stop with it, the shadow goes, and the next rebuild succeeds."""
    await region.api.caught_up(region.world.coordinator("s1"))
    asker = Asker(region)
    await asker.remember()
    before = await _oids(database, TABLES)

    async def broken(*_: Any) -> None:
        raise RuntimeError("a handler's bug")

    monkeypatch.setattr(Pairs, "meeting_recorded", broken)
    with pytest.raises(RuntimeError, match="a handler's bug"):
        await rebuild(database, master_keys_of(settings), batch_size=50)
    monkeypatch.undo()
    after_failure = await _oids(database, TABLES)
    answers = [await asker.ask(i) for i in range(len(asker.queries))]
    shadow = await _shadow_exists(database)
    applied = await rebuild(database, master_keys_of(settings))

    assert after_failure == before
    assert answers == asker.expected
    assert not shadow
    assert applied > 0
    assert [await asker.ask(i) for i in range(len(asker.queries))] == asker.expected


async def _shadow_exists(database: DatabaseAddress) -> bool:
    connection = await connect(database)
    try:
        return bool(
            await connection.fetchval(
                "SELECT 1 FROM pg_namespace WHERE nspname = 'projection_rebuild'"
            )
        )
    finally:
        await connection.close()


async def test_a_projection_whose_version_changed_is_rebuilt_on_start(
    region: GeneratedRegion,
    settings: Settings,
    database: DatabaseAddress,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pairs_tables = [t.name for t in Pairs.tables]
    others = [t for t in TABLES if t not in pairs_tables]
    await region.api.caught_up(region.world.coordinator("s1"))
    asker = Asker(region)
    await asker.remember()
    before = await _oids(database, TABLES)

    monkeypatch.setattr(Pairs, "version", Pairs.version + 1)
    try:
        await setup_database(database, settings)
        after = await _oids(database, TABLES)
        answers = [await asker.ask(i) for i in range(len(asker.queries))]
        again = await _oids(database, TABLES)
        await setup_database(database, settings)  # nothing changed since: nothing rebuilt
        unchanged = await _oids(database, TABLES)
    finally:
        monkeypatch.undo()
        await _store_signature(database)

    assert all(after[t] != before[t] for t in pairs_tables)
    assert all(after[t] == before[t] for t in others)
    assert answers == asker.expected
    assert again == unchanged == after


async def _store_signature(database: DatabaseAddress) -> None:
    """Put back the signature of the code as it is, for the tests that follow."""
    connection = await connect(database)
    try:
        await connection.execute(
            "UPDATE projection_shapes SET shape = $1 WHERE projection = $2",
            signature_of(Pairs),
            Pairs.name,
        )
    finally:
        await connection.close()


async def test_the_rebuild_command_shows_its_progress(
    region: GeneratedRegion, database: DatabaseAddress
) -> None:
    env = {**os.environ, "DATABASE_URL": database.url, "LOG_LEVEL": "warning"}

    def run(*names: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "services", "rebuild", *names],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    done, unknown = await asyncio.gather(
        asyncio.to_thread(run, "people", "school_counts"), asyncio.to_thread(run, "happiness")
    )

    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stderr
    assert lines[0] == "rebuilding people, school_counts into fresh tables"
    progress = lines[1:-2]
    assert {line.split(":")[0].strip() for line in progress} == {"registry", "programs"}
    assert progress[-1].endswith("(100%)")
    assert lines[-2] == "switched over: people, school_counts"
    assert lines[-1].startswith("rebuilt from ")
    assert unknown.returncode != 0
    assert "Нет проекции «happiness»" in unknown.stderr
