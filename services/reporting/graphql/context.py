"""Per request: the caller, scoped reads, and fresh DataLoaders."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any
from uuid import UUID

import asyncpg
from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext
from strawberry.types import Info

from shared.adapters.database import Fetch, scoped_reads
from shared.kernel.errors import InvalidInput, PermissionDenied
from shared.kernel.principal import PARTICIPANTS, Principal

BatchLoad = Callable[["Reader", list[Any]], Awaitable[Sequence[Any]]]


class Reader:
    """Reads for one request: every query runs in a transaction scoped to the caller, so
    PostgreSQL's row-level security shows only what the caller may see."""

    def __init__(self, principal: Principal | None, pool: asyncpg.Pool) -> None:
        self.principal = principal
        self.pool = pool
        self._loaders: dict[BatchLoad, DataLoader[Any, Any]] = {}

    def anyone(self) -> Principal:
        if self.principal is None:
            raise PermissionDenied("token_missing", "Нужен заголовок Authorization: Bearer <токен>")
        return self.principal

    def caller(self) -> Principal:
        """A staff member or officer: the school's and the tree's queries are theirs alone
        (a participant reads their own through `participant`)."""
        principal = self.anyone()
        if principal.role in PARTICIPANTS:
            raise PermissionDenied(
                "participants_own_only", "Участнику программы доступна только своя страница"
            )
        return principal

    def participant(self) -> Principal:
        principal = self.anyone()
        if principal.role not in PARTICIPANTS:
            raise PermissionDenied(
                "participants_only", "Эти сведения — для наставника, наставляемого и родителя"
            )
        return principal

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self.session() as fetch:
            return await fetch(sql, *args)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Fetch]:
        """Several reads one after another in one scoped transaction: one connection, one
        BEGIN, one scope and one COMMIT for all of them instead of for each."""
        async with scoped_reads(self.pool, self.caller().scope.path) as fetch:
            yield fetch

    @asynccontextmanager
    async def own(self) -> AsyncIterator[Fetch]:
        """A participant's reads, in one transaction scoped to their person."""
        async with scoped_reads(self.pool, self.participant().scope.path) as fetch:
            yield fetch

    def loader(self, batch_load: BatchLoad) -> DataLoader[Any, Any]:
        """One DataLoader per batch function and request: related rows load in one query."""
        if batch_load not in self._loaders:

            async def load(keys: list[Any]) -> Sequence[Any]:
                return await batch_load(self, keys)

            self._loaders[batch_load] = DataLoader(load_fn=load)
        return self._loaders[batch_load]

    async def grouped(
        self,
        table: str,
        key: str,
        order: str,
        make: Callable[[asyncpg.Record], Any],
        keys: list[UUID],
    ) -> list[list[Any]]:
        """The rows of every key in one query, grouped back by key (for DataLoaders)."""
        rows = await self.fetch(
            f"SELECT * FROM {table} WHERE {key} = ANY($1::uuid[]) ORDER BY {order}", keys
        )
        by_key: dict[UUID, list[Any]] = {k: [] for k in keys}
        for row in rows:
            by_key[row[key]].append(make(row))
        return [by_key[k] for k in keys]


class Context(BaseContext, kw_only=True):
    reader: Reader


ReaderInfo = Info[Context, None]


def reader_of(info: ReaderInfo) -> Reader:
    return info.context.reader


def fields_of(cls: Any, record: asyncpg.Record, **overrides: Any) -> dict[str, Any]:
    """The row's columns that the GraphQL type declares, by name."""
    columns = set(record.keys())  # `in record` would look at values: a Record is a tuple too
    names = [n for n in cls.__annotations__ if n in columns]
    return {**{n: record[n] for n in names}, **overrides}


def uuid_of(value: Any) -> UUID:
    """An id argument as a UUID; anything else is a clear 400, not a crash."""
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidInput("bad_id", f"Неверный идентификатор «{value}»") from None
