"""How a projection's tables are made, wherever they are made: by the setup step in the live
schema, or by a rebuild in its shadow schema (the same statements, unqualified, land in the
first schema of the connection's search path). Each table gets its tenant index, the trigger that
follows moved schools, its grants and its row-level security policies."""

from __future__ import annotations

import hashlib

import asyncpg

from shared.adapters.database import PROJECTOR_ROLE, READER_ROLE

from .projections import Projection, Table, Visibility

# Each projection's position per upstream stream, written in the same transaction as its rows.
TRACKING = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    projection text NOT NULL,
    upstream text NOT NULL,
    position bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, upstream)
);
"""

# Where a moved school's rows now belong, as each projection has learnt it (per projection, so
# that one projection's move never redirects rows another has not yet moved).
TENANT_MOVES = """
CREATE TABLE IF NOT EXISTS tenant_moves (
    projection text NOT NULL,
    old_path ltree NOT NULL,
    new_path ltree NOT NULL,
    moved_at timestamptz NOT NULL,
    PRIMARY KEY (projection, old_path)
);
"""

# The scope as a subquery: evaluated once per query (an InitPlan), not once per row — inlined,
# `app_scope()` parsed the setting into an ltree for every row the policy looked at.
SCOPE = "(SELECT app_scope())"
READER_CONDITIONS = {
    Visibility.SUBTREE: f"tenant <@ {SCOPE}",
    Visibility.SCHOOL: f"tenant = {SCOPE}",
    Visibility.PUBLISHED: f"tenant <@ {SCOPE} OR tenant @> {SCOPE}",
}
# A participant's scope is a person below their school (`<school>.<person>`): the conditions above
# show them none of the school's rows; a table's `participant` condition shows the person's own.
PERSON = "(SELECT app_person())"
PERSON_SCHOOL = "(SELECT app_person_school())"


def participant_condition(table: Table) -> str | None:
    if table.participant is None:
        return None
    return f"tenant = {PERSON_SCHOOL} AND ({table.participant.format(person=PERSON)})"


def signature_of(projection: type[Projection]) -> str:
    """What a projection's read model was built by: its tables and its code version. When it
    changes, the read model is rebuilt from the events."""
    described = repr(
        (
            projection.version,
            # (the indexes in the order they had when they were one list)
            [
                (t.name, t.columns, str(t.visibility), t.indexes + t.lookups)
                for t in projection.tables
            ],
        )
    )
    return hashlib.sha256(described.encode()).hexdigest()


async def create_read_model(connection: asyncpg.Connection, projection: str, table: Table) -> None:
    await create_table(connection, projection, table)
    await create_query_indexes(connection, table)


async def create_table(connection: asyncpg.Connection, projection: str, table: Table) -> None:
    """The table with what its handlers need (keys, lookups, the trigger that follows moved
    schools), its grants and policies: all but the indexes that serve only queries."""
    await connection.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({table.columns})")
    for index in table.lookups:
        await connection.execute(index)
    await connection.execute(f"DROP TRIGGER IF EXISTS {table.name}_tenant ON {table.name}")
    await connection.execute(
        f"CREATE TRIGGER {table.name}_tenant BEFORE INSERT OR UPDATE OF tenant ON {table.name}"
        # Fired only once a school of the projection has moved: calling the trigger for every
        # row was a third of the cost of a projected row.
        f" FOR EACH ROW WHEN (has_tenant_moves('{projection}'))"
        f" EXECUTE FUNCTION follow_tenant_moves('{projection}')"
    )
    await connection.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {table.name} TO {PROJECTOR_ROLE}"
    )
    await connection.execute(f"ALTER TABLE {table.name} ENABLE ROW LEVEL SECURITY")
    await connection.execute(f"ALTER TABLE {table.name} FORCE ROW LEVEL SECURITY")
    policies = {
        f"{table.name}_projector": f"FOR ALL TO {PROJECTOR_ROLE} USING (true) WITH CHECK (true)",
    }
    condition = READER_CONDITIONS.get(table.visibility)
    if condition is not None:
        policies[f"{table.name}_reader"] = f"FOR SELECT TO {READER_ROLE} USING ({condition})"
        await connection.execute(f"GRANT SELECT ON {table.name} TO {READER_ROLE}")
    participant = participant_condition(table)
    if participant is not None:
        policies[f"{table.name}_participant"] = f"FOR SELECT TO {READER_ROLE} USING ({participant})"
    else:  # a condition taken away later takes its policy with it
        await connection.execute(f"DROP POLICY IF EXISTS {table.name}_participant ON {table.name}")
    for name, body in policies.items():
        await connection.execute(f"DROP POLICY IF EXISTS {name} ON {table.name}")
        await connection.execute(f"CREATE POLICY {name} ON {table.name} {body}")


async def create_query_indexes(connection: asyncpg.Connection, table: Table) -> None:
    """The tenant index and the query indexes: on a full table, a rebuild builds each in one
    sorted pass instead of inserting every row into it (GiST: ≈ 150 µs a row)."""
    method = table.tenant_index_method
    # Earlier schemas had one GiST index `<table>_tenant` on every table; a table may change
    # its method.
    other = "btree" if method == "gist" else "gist"
    for stale in (f"{table.name}_tenant", f"{table.name}_tenant_{other}"):
        await connection.execute(f"DROP INDEX IF EXISTS {stale}")
    await connection.execute(
        f"CREATE INDEX IF NOT EXISTS {table.name}_tenant_{method}"
        f" ON {table.name} USING {method} (tenant)"
    )
    for index in table.indexes:
        await connection.execute(index)
