"""What a service does at start: refuse a wrong master key or development secrets in production,
serve GraphiQL only in development."""

from __future__ import annotations

import base64

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from services.registry.api import create_app as create_registry
from services.reporting.api import create_app as create_reporting
from services.setup import setup_database
from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.personal_data import MasterKeyMismatch
from shared.adapters.settings import Settings, SettingsError, load_settings
from tests.conftest import World

OTHER_KEY = base64.b64encode(b"another-master-key-of-32-bytes!!").decode()


@pytest.mark.parametrize("create_app", [create_registry, create_reporting])
async def test_a_wrong_master_key_stops_the_start(settings: Settings, create_app: object) -> None:
    wrong = Settings(database_url=settings.database_url, master_key=OTHER_KEY)

    with pytest.raises(ExceptionGroup) as failed:
        async with AsyncTestClient(create_app(wrong)):  # type: ignore[operator]
            pass

    assert failed.group_contains(MasterKeyMismatch, match="MASTER_KEY does not match")


def test_production_refuses_development_secrets() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET must be set"):
        load_settings({"ENVIRONMENT": "production", "MASTER_KEY": OTHER_KEY})
    with pytest.raises(SettingsError, match="MASTER_KEY must be 32 bytes"):
        load_settings({"MASTER_KEY": base64.b64encode(b"short").decode()})


async def test_graphiql_is_served_in_development_only(settings: Settings) -> None:
    production = Settings(
        database_url=settings.database_url,
        environment="production",
        jwt_secret="s" * 40,
        master_key=settings.master_key,
        projection_worker=False,
    )
    html = {"Accept": "text/html"}
    async with AsyncTestClient(
        create_reporting(msgspec.structs.replace(settings, projection_worker=False))
    ) as development:
        ide = await development.get("/graphql", headers=html)
    async with AsyncTestClient(create_reporting(production)) as deployed:
        no_ide = await deployed.get("/graphql", headers=html)

    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()
    assert no_ide.status_code != 200 or "graphiql" not in no_ide.text.lower()


async def test_setup_rebuilds_a_projection_whose_tables_changed(
    world: World, database: DatabaseAddress
) -> None:
    programme = await world.programme("s1")
    query = "{ programmes { edges { node { id title } } } }"
    before = await world.api.graphql(world.coordinator("s1"), query)
    connection = await connect(database)
    table = "SELECT 'programmes'::regclass::oid"
    try:  # as if the code had changed the programmes projection's tables
        old_table = await connection.fetchval(table)
        await connection.execute(
            "UPDATE projection_shapes SET shape = 'older' WHERE projection = 'programmes'"
        )
        await setup_database(database, Settings(database_url=database.url))
        new_table = await connection.fetchval(table)
        reached = await connection.fetchval(
            "SELECT position FROM projection_tracking"
            " WHERE projection = 'programmes' AND upstream = 'programs'"
        )
        stored = await connection.fetchval("SELECT max(notification_id) FROM programs_events")
    finally:
        await connection.close()

    after = await world.api.graphql(world.coordinator("s1"), query)

    assert new_table != old_table  # built afresh beside the old one, then switched over
    assert reached == stored
    assert after == before
    assert after["data"]["programmes"]["edges"] == [
        {"node": {"id": programme, "title": "Программа наставничества"}}
    ]
