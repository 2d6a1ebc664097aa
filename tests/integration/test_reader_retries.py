"""A read model switched to tables of another shape (a rebuild during an upgrade) under a pooled
connection's prepared statement: the read is asked again, not answered as an error."""

from __future__ import annotations

from services.reporting.graphql.context import Reader
from shared.adapters.database import DatabaseAddress, connect, create_pool
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope

PROBE = "reader_retry_probe"


async def test_a_read_survives_its_table_changing_shape_under_a_prepared_statement(
    database: DatabaseAddress,
) -> None:
    owner = await connect(database)
    pool = await create_pool(database, max_size=1)  # one connection: the statement is cached on it
    try:
        await owner.execute(f"CREATE TABLE {PROBE} (a int)")
        await owner.execute(f"INSERT INTO {PROBE} VALUES (1)")
        reader = Reader(Principal("probe", Role.REGION_OFFICER, Scope("region")), pool)
        query = f"SELECT * FROM {PROBE}"
        assert [dict(r) for r in await reader.fetch(query)] == [{"a": 1}]

        await owner.execute(f"ALTER TABLE {PROBE} ADD COLUMN b text DEFAULT 'x'")

        assert [dict(r) for r in await reader.fetch(query)] == [{"a": 1, "b": "x"}]
    finally:
        await pool.close()
        await owner.execute(f"DROP TABLE IF EXISTS {PROBE}")
        await owner.close()
