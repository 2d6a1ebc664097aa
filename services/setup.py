"""The schema setup step, run once before the services (and safe to run again).

It runs as the database administrator and creates: the extensions, the three service roles (none
a superuser, none able to bypass row-level security), both event stores, the data keys table, and
every projection's tables with their row-level security policies. A projection whose tables or
code version changed since is rebuilt from the events into fresh tables and switched over, while
the old tables keep answering queries.
"""

from __future__ import annotations

import asyncio

import asyncpg
import structlog

from services.registry import erasures, imports, person_index
from services.reporting.graphql import access_log
from services.reporting.projections import ALL, Projection
from services.reporting.read_models import (
    TENANT_MOVES,
    TRACKING,
    create_read_model,
    signature_of,
)
from services.reporting.rebuild import rebuild
from services.reporting.runner import UPSTREAMS
from services.wiring import master_keys_of
from shared.adapters import idempotency, keystore
from shared.adapters.database import (
    PROJECTOR_ROLE,
    READER_ROLE,
    WRITER_ROLE,
    DatabaseAddress,
    connect,
)
from shared.adapters.eventstore import EventStoreApplication
from shared.adapters.personal_data import MasterKeys, new_data_key
from shared.adapters.settings import Settings

SCOPE_FUNCTION = """
CREATE OR REPLACE FUNCTION app_scope() RETURNS ltree LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('app.scope', true), '')::ltree $$;
-- A participant's scope is `<school>.<person>`: the person and the school (NULL for any other).
CREATE OR REPLACE FUNCTION app_person() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN nlevel(app_scope()) = 4
               THEN ltree2text(subpath(app_scope(), 3, 1))::uuid END $$;
CREATE OR REPLACE FUNCTION app_person_school() RETURNS ltree LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN nlevel(app_scope()) = 4 THEN subpath(app_scope(), 0, 3) END $$;
-- The person's pairs and groups, and their other side, as the caller may see them. plpgsql: a
-- policy that named the pairs table would tie the tables together (a rebuild could not drop
-- them one by one), and the pairs table may be made after the policies that call these.
CREATE OR REPLACE FUNCTION app_person_pairs() RETURNS uuid[] LANGUAGE plpgsql STABLE AS
$$ BEGIN
    RETURN ARRAY(SELECT id FROM pairs
                 WHERE app_person() = ANY(mentor_ids || mentee_ids || supporting_ids));
END $$;
CREATE OR REPLACE FUNCTION app_person_counterparts() RETURNS uuid[] LANGUAGE plpgsql STABLE AS
$$ BEGIN
    RETURN ARRAY(SELECT unnest(mentor_ids) FROM pairs WHERE app_person() = ANY(mentee_ids)
                 UNION SELECT unnest(mentee_ids) FROM pairs WHERE app_person() = ANY(mentor_ids));
END $$;
"""

# Where a moved school's rows now belong (`tenant_moves`, per projection): the trigger corrects
# rows inserted later with an old path, e.g. from the other stream. The function reads the
# `tenant_moves` of the caller's search path, so a rebuild's shadow tables follow the shadow's.
FOLLOW_MOVES = """
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

# What each projection's read model was built by (`read_models.signature_of`: its tables and
# code version). When it changes, setup rebuilds the projection from the events (history is the
# source of truth; read models are disposable).
PROJECTION_SHAPES = """
CREATE TABLE IF NOT EXISTS projection_shapes (
    projection text PRIMARY KEY,
    shape text NOT NULL
);
"""

# Erasures before issue 16 deleted the person's key but left those of the representatives who
# had signed for them; setup finishes them (afterwards it finds none left).
FINISH_ERASURES = """
DELETE FROM person_keys WHERE subject_id IN (
    SELECT (convert_from(signed.state, 'UTF8')::jsonb
            #>> '{representative,_data_,subject}')::uuid
    FROM registry_events erased
    JOIN registry_events signed ON signed.originator_id = erased.originator_id
    WHERE erased.topic LIKE '%:Person.Erased' AND signed.topic LIKE '%:Person.ConsentSigned')
"""

log = structlog.get_logger()


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
        await connection.execute(FINISH_ERASURES)
        for side_schema, side_table in (
            (person_index.SCHEMA, "person_fingerprints"),
            (imports.SCHEMA, "registry_imports"),
            (erasures.SCHEMA, "erasure_due"),
            (erasures.RUNS_SCHEMA, "erasure_runs"),
            (idempotency.SCHEMA, "command_receipts"),
        ):
            await connection.execute(side_schema)
            await connection.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON {side_table} TO {WRITER_ROLE}"
            )
        # An existing database keeps its scope functions until its projections are rebuilt: the
        # new ones may name columns its old tables lack (the participants' queries would fail
        # until the switch), while the old ones read columns every release's tables keep.
        if not await connection.fetchval("SELECT to_regprocedure('app_person_pairs()')"):
            await connection.execute(SCOPE_FUNCTION)
        await connection.execute(TENANT_MOVES)
        await connection.execute(FOLLOW_MOVES)
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
        changed = [p for p in ALL if not await _set_up_read_model(connection, p)]
    finally:
        await connection.close()
    await _rebuild(admin, settings, changed)
    connection = await connect(admin)
    try:
        await connection.execute(SCOPE_FUNCTION)
    finally:
        await connection.close()


async def _rebuild(
    admin: DatabaseAddress, settings: Settings, changed: list[type[Projection]]
) -> None:
    if changed:
        names = [p.name for p in changed]
        log.info("rebuilding_changed_projections", projections=names)
        await rebuild(
            admin,
            master_keys_of(settings),
            names,
            settings.projection_batch_size,
            report=_log_progress,
            lanes=settings.lanes,
        )


def _log_progress(message: str) -> None:
    log.info("rebuild_progress", progress=message)


async def _set_up_read_model(connection: asyncpg.Connection, projection: type[Projection]) -> bool:
    """Make or refresh the projection's tables; False if they were built by other code (another
    make of tables or another version), so the projection must be rebuilt from the events."""
    for upstream in UPSTREAMS:
        await connection.execute(
            "INSERT INTO projection_tracking (projection, upstream) VALUES ($1, $2)"
            " ON CONFLICT DO NOTHING",
            projection.name,
            upstream,
        )
    stored = await connection.fetchval(
        "SELECT shape FROM projection_shapes WHERE projection = $1", projection.name
    )
    existing = await connection.fetchval(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        " AND tablename = ANY($1::text[])",
        [t.name for t in projection.tables],
    )
    # Tables without a stored signature were made before signatures were kept: rebuild them too.
    if existing and stored != signature_of(projection):
        return False
    async with connection.transaction():  # a worker never sees it half made
        for table in projection.tables:
            await create_read_model(connection, projection.name, table)
        await connection.execute(
            "INSERT INTO projection_shapes (projection, shape) VALUES ($1, $2)"
            " ON CONFLICT (projection) DO UPDATE SET shape = EXCLUDED.shape",
            projection.name,
            signature_of(projection),
        )
    return True


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
    # Reporting's /metrics reads how far the stream has gone (its projections' lag), not its rows.
    await connection.execute(
        f"CREATE OR REPLACE FUNCTION {events}_head() RETURNS bigint LANGUAGE sql STABLE"
        " SECURITY DEFINER SET search_path = public"
        f" AS 'SELECT coalesce(max(notification_id), 0) FROM {events}'"
    )
    await connection.execute(f"REVOKE ALL ON FUNCTION {events}_head() FROM PUBLIC")
    await connection.execute(f"GRANT EXECUTE ON FUNCTION {events}_head() TO {READER_ROLE}")
    # The latest snapshot of each snapshotted aggregate (`shared.adapters.snapshots`): the
    # writers' cache.
    await connection.execute(
        f"GRANT SELECT, INSERT, UPDATE ON {upstream}_snapshots TO {WRITER_ROLE}"
    )


async def _create_key_store(connection: asyncpg.Connection, settings: Settings) -> None:
    await connection.execute(keystore.SCHEMA)
    await connection.execute(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON person_keys TO {WRITER_ROLE}"
    )
    await connection.execute(f"GRANT SELECT ON person_keys TO {PROJECTOR_ROLE}")
    await connection.execute(f"GRANT SELECT, INSERT ON key_carriers TO {WRITER_ROLE}")
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
