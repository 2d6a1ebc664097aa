"""The schema setup step, run once before the services (and safe to run again).

It runs as the database administrator and creates: the extensions, the three service roles (none
a superuser, none able to bypass row-level security), both event stores, the data keys table, and
every projection's tables with their row-level security policies.
"""

from __future__ import annotations

import asyncio
import hashlib

import asyncpg

from services.registry import erasures, imports, person_index
from services.reporting.graphql import access_log
from services.reporting.projections import ALL, Projection, Table, Visibility
from services.reporting.runner import UPSTREAMS
from shared import keystore
from shared.database import (
    PROJECTOR_ROLE,
    READER_ROLE,
    WRITER_ROLE,
    DatabaseAddress,
    connect,
)
from shared.eventstore import EventStoreApplication
from shared.personal_data import MasterKeys, new_data_key
from shared.settings import Settings

SCOPE_FUNCTION = """
CREATE OR REPLACE FUNCTION app_scope() RETURNS ltree LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.scope', true), '')::ltree $$;
"""

# Where a moved school's rows now belong, as each projection has learnt it (per projection, so
# that one projection's move never redirects rows another has not yet moved). The trigger
# corrects rows inserted later with an old path, e.g. from the other stream.
TENANT_MOVES = """
CREATE TABLE IF NOT EXISTS tenant_moves (
    projection text NOT NULL,
    old_path ltree NOT NULL,
    new_path ltree NOT NULL,
    moved_at timestamptz NOT NULL,
    PRIMARY KEY (projection, old_path)
);
CREATE OR REPLACE FUNCTION current_tenant(projection_name text, path ltree)
RETURNS ltree LANGUAGE plpgsql STABLE AS $$
DECLARE
    move record;
    hops int := 0;
BEGIN
    LOOP
        SELECT old_path, new_path INTO move FROM tenant_moves
        WHERE projection = projection_name AND path <@ old_path
        ORDER BY nlevel(old_path) DESC LIMIT 1;
        EXIT WHEN NOT FOUND OR hops >= 32;
        path := CASE WHEN path = move.old_path THEN move.new_path
                     ELSE move.new_path || subpath(path, nlevel(move.old_path)) END;
        hops := hops + 1;
    END LOOP;
    RETURN path;
END $$;
CREATE OR REPLACE FUNCTION has_tenant_moves(projection_name text)
RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT EXISTS (SELECT 1 FROM tenant_moves WHERE projection = projection_name) $$;
CREATE OR REPLACE FUNCTION follow_tenant_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tenant := current_tenant(TG_ARGV[0], NEW.tenant);
    RETURN NEW;
END $$;
"""

# The shape each projection's tables were created with. When the code changes a projection's
# tables, setup drops them and sets the projection back to the start: the worker rebuilds it
# from the events (history is the source of truth; read models are disposable).
PROJECTION_SHAPES = """
CREATE TABLE IF NOT EXISTS projection_shapes (
    projection text PRIMARY KEY,
    shape text NOT NULL
);
"""

TRACKING = """
CREATE TABLE IF NOT EXISTS projection_tracking (
    projection text NOT NULL,
    upstream text NOT NULL,
    position bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, upstream)
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


async def setup_database(admin: DatabaseAddress, settings: Settings) -> None:
    connection = await connect(admin)
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS ltree")
        for role in (WRITER_ROLE, PROJECTOR_ROLE, READER_ROLE):
            await _ensure_role(connection, admin.database, role, settings.db_role_password)
        # Reporting sorts and aggregates whole pages of history and a region's facts: with the
        # default 4 MB a 10,000-event replay sorted on disk.
        await connection.execute(
            f"ALTER ROLE {READER_ROLE} IN DATABASE \"{admin.database}\" SET work_mem = '32MB'"
        )
        await asyncio.to_thread(_create_event_tables, admin)
        for upstream in UPSTREAMS:
            await _grant_event_store(connection, upstream)
        await _create_key_store(connection, settings)
        for side_schema, side_table in (
            (person_index.SCHEMA, "person_fingerprints"),
            (imports.SCHEMA, "registry_imports"),
            (erasures.SCHEMA, "erasure_due"),
        ):
            await connection.execute(side_schema)
            await connection.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON {side_table} TO {WRITER_ROLE}"
            )
        await connection.execute(SCOPE_FUNCTION)
        await connection.execute(TENANT_MOVES)
        await connection.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_moves TO {PROJECTOR_ROLE}"
        )
        await connection.execute(TRACKING)
        await connection.execute(f"GRANT SELECT, UPDATE ON projection_tracking TO {PROJECTOR_ROLE}")
        await connection.execute(f"GRANT SELECT ON projection_tracking TO {READER_ROLE}")
        await connection.execute(access_log.SCHEMA)
        await connection.execute(f"GRANT SELECT, INSERT ON personal_data_access TO {READER_ROLE}")
        await connection.execute(
            f"GRANT USAGE ON SEQUENCE personal_data_access_id_seq TO {READER_ROLE}"
        )
        await connection.execute(PROJECTION_SHAPES)
        for projection in ALL:
            async with connection.transaction():  # a worker never sees it half made
                await _drop_if_reshaped(connection, projection)
                for table in projection.tables:
                    await _create_read_model(connection, projection.name, table)
            for upstream in UPSTREAMS:
                await connection.execute(
                    "INSERT INTO projection_tracking (projection, upstream) VALUES ($1, $2)"
                    " ON CONFLICT DO NOTHING",
                    projection.name,
                    upstream,
                )
    finally:
        await connection.close()


def shape_of(projection: type[Projection]) -> str:
    described = repr([(t.name, t.columns, str(t.visibility), t.indexes) for t in projection.tables])
    return hashlib.sha256(described.encode()).hexdigest()


async def _drop_if_reshaped(connection: asyncpg.Connection, projection: type[Projection]) -> None:
    shape = shape_of(projection)
    stored = await connection.fetchval(
        "SELECT shape FROM projection_shapes WHERE projection = $1", projection.name
    )
    if stored == shape:
        return
    # Also when nothing is stored: tables made before shapes were recorded may be out of date.
    tables = ", ".join(t.name for t in projection.tables)
    await connection.execute(f"DROP TABLE IF EXISTS {tables} CASCADE")
    await connection.execute("DELETE FROM tenant_moves WHERE projection = $1", projection.name)
    await connection.execute(
        "UPDATE projection_tracking SET position = 0 WHERE projection = $1", projection.name
    )
    await connection.execute(
        "INSERT INTO projection_shapes (projection, shape) VALUES ($1, $2)"
        " ON CONFLICT (projection) DO UPDATE SET shape = EXCLUDED.shape",
        projection.name,
        shape,
    )


async def _ensure_role(
    connection: asyncpg.Connection, database: str, role: str, password: str
) -> None:
    exists = await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    verb = "ALTER" if exists else "CREATE"
    attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
    password_clause = f" PASSWORD '{password}'" if password else ""
    await connection.execute(f"{verb} ROLE {role} {attributes}{password_clause}")
    await connection.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {role}')
    await connection.execute(f"GRANT USAGE ON SCHEMA public TO {role}")


def _create_event_tables(admin: DatabaseAddress) -> None:
    for upstream in UPSTREAMS:
        application = type(f"{upstream}Tables", (EventStoreApplication,), {"name": upstream})
        instance = application(admin, pool_size=1)
        instance.recorder.create_table()
        instance.close()


IMMUTABLE_HISTORY = """
CREATE OR REPLACE FUNCTION refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'stored events are never changed or deleted'; END $$;
"""


async def _grant_event_store(connection: asyncpg.Connection, upstream: str) -> None:
    events = f"{upstream}_events"
    # The library locks the table IN EXCLUSIVE MODE to keep notification ids gap-free, which
    # PostgreSQL allows only with UPDATE rights; a trigger the writer cannot drop keeps
    # history immutable all the same.
    await connection.execute(IMMUTABLE_HISTORY)
    await connection.execute(f"DROP TRIGGER IF EXISTS {events}_immutable ON {events}")
    await connection.execute(
        f"CREATE TRIGGER {events}_immutable BEFORE UPDATE OR DELETE ON {events}"
        " FOR EACH ROW EXECUTE FUNCTION refuse_history_change()"
    )
    await connection.execute(f"GRANT SELECT, INSERT, UPDATE ON {events} TO {WRITER_ROLE}")
    await connection.execute(
        f"GRANT USAGE ON SEQUENCE {events}_notification_id_seq TO {WRITER_ROLE}"
    )
    await connection.execute(f"GRANT SELECT ON {events} TO {PROJECTOR_ROLE}")


async def _create_key_store(connection: asyncpg.Connection, settings: Settings) -> None:
    await connection.execute(keystore.SCHEMA)
    await connection.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON person_keys TO {WRITER_ROLE}"
    )
    await connection.execute(f"GRANT SELECT ON person_keys TO {PROJECTOR_ROLE}")
    master_keys = MasterKeys(settings.master_key_bytes, settings.previous_master_key_bytes)
    row = await connection.fetchrow(
        "SELECT master_key_id, wrapped_key FROM person_keys WHERE subject_id = $1",
        keystore.CHECK_SUBJECT,
    )
    if row is None:
        key_id, wrapped = master_keys.wrap(new_data_key(), keystore.CHECK_SUBJECT)
        await connection.execute(
            "INSERT INTO person_keys (subject_id, master_key_id, wrapped_key) VALUES ($1, $2, $3)",
            keystore.CHECK_SUBJECT,
            key_id,
            wrapped,
        )
    else:
        keystore.check_master_key(master_keys, row[0], bytes(row[1]))


async def _create_read_model(connection: asyncpg.Connection, projection: str, table: Table) -> None:
    await connection.execute(f"CREATE TABLE IF NOT EXISTS {table.name} ({table.columns})")
    method = table.tenant_index_method
    index = f"{table.name}_tenant_{method}"
    # Earlier schemas had one GiST index `<table>_tenant` on every table; a table may change
    # its method.
    other = "btree" if method == "gist" else "gist"
    for stale in (f"{table.name}_tenant", f"{table.name}_tenant_{other}"):
        await connection.execute(f"DROP INDEX IF EXISTS {stale}")
    await connection.execute(
        f"CREATE INDEX IF NOT EXISTS {index} ON {table.name} USING {method} (tenant)"
    )
    for index in table.indexes:
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
    for name, body in policies.items():
        await connection.execute(f"DROP POLICY IF EXISTS {name} ON {table.name}")
        await connection.execute(f"CREATE POLICY {name} ON {table.name} {body}")
