"""A read model switched to tables of another shape (a rebuild during an upgrade) under a pooled
connection's prepared statement: the read is asked again, not answered as an error — a single
read, a staff member's session of several and a participant's own, the reads after the retried
one still scoped and working in the transaction begun again."""

from __future__ import annotations

from services.reporting.graphql.context import Reader
from shared.adapters.database import DatabaseAddress, connect, create_pool
from shared.kernel.principal import Principal, Role
from shared.kernel.scope import Scope

PROBE = "reader_retry_probe"


async def test_reads_survive_their_table_changing_shape_under_a_prepared_statement(
    database: DatabaseAddress,
) -> None:
    owner = await connect(database)
    pool = await create_pool(database, max_size=1)  # one connection: the statement is cached on it
    try:
        await owner.execute(f"CREATE TABLE {PROBE} (a int)")
        await owner.execute(f"INSERT INTO {PROBE} VALUES (1)")
        reader = Reader(Principal("probe", Role.REGION_OFFICER, Scope("region")), pool)
        query = f"SELECT *, current_setting('app.scope') AS scope FROM {PROBE}"
        assert [dict(r) for r in await reader.fetch(query)] == [{"a": 1, "scope": "region"}]

        await owner.execute(f"ALTER TABLE {PROBE} ADD COLUMN b text DEFAULT 'x'")
        assert [dict(r) for r in await reader.fetch(query)] == [
            {"a": 1, "b": "x", "scope": "region"}
        ]

        await owner.execute(f"ALTER TABLE {PROBE} ADD COLUMN c int DEFAULT 2")
        async with reader.session() as fetch:
            [first] = await fetch(query)
            [second] = await fetch(query)
        assert dict(first) == dict(second) == {"a": 1, "b": "x", "c": 2, "scope": "region"}

        mentor = Reader(Principal("mentor", Role.MENTOR, Scope("region.school.person")), pool)
        await owner.execute(f"ALTER TABLE {PROBE} DROP COLUMN b")
        async with mentor.own() as fetch:
            [own] = await fetch(query)
            [still] = await fetch("SELECT 1 AS still")  # in the transaction begun again
            assert still["still"] == 1
        assert dict(own) == {"a": 1, "c": 2, "scope": "region.school.person"}
    finally:
        await pool.close()
        await owner.execute(f"DROP TABLE IF EXISTS {PROBE}")
        await owner.close()
