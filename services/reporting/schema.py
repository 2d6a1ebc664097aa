"""The GraphQL schema over the projections.

Every resolver reads inside `scoped(...)`, a transaction in which PostgreSQL's row-level security
shows only the caller's subtree; rows with names (people, pairs, meetings) are visible only to a
caller scoped to exactly that school. Related rows load through per-request DataLoaders.
"""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import asyncpg
import strawberry
from strawberry.dataloader import DataLoader
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.litestar import BaseContext
from strawberry.scalars import JSON
from strawberry.types import Info

from shared.auth import Principal, Role
from shared.database import scoped
from shared.errors import AppError, InvalidInput, PermissionDenied
from shared.tenancy import Level as TreeLevel

from .runner import positions

MAX_PAGE = 200


class Reader:
    """Per request: the caller, the read pool and fresh DataLoaders."""

    def __init__(self, principal: Principal | None, pool: asyncpg.Pool) -> None:
        self.principal = principal
        self.pool = pool
        self.people = DataLoader(self._load_people)
        self.meetings = DataLoader(self._load_meetings)
        self.consents = DataLoader(self._load_consents)

    def caller(self) -> Principal:
        if self.principal is None:
            raise PermissionDenied("token_missing", "Нужен заголовок Authorization: Bearer <токен>")
        return self.principal

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with scoped(self.pool, self.caller().scope.path) as connection:
            rows: list[asyncpg.Record] = await connection.fetch(sql, *args)
            return rows

    async def _load_people(self, ids: list[UUID]) -> list[Person | None]:
        rows = await self.fetch("SELECT * FROM people WHERE id = ANY($1::uuid[])", ids)
        found = {row["id"]: Person.from_row(row) for row in rows}
        return [found.get(i) for i in ids]

    async def _load_meetings(self, pair_ids: list[UUID]) -> list[list[Meeting]]:
        return await self._load_lists("meetings", "pair_id", "held_on, id", Meeting, pair_ids)

    async def _load_consents(self, person_ids: list[UUID]) -> list[list[Consent]]:
        return await self._load_lists("consents", "person_id", "signed_on, id", Consent, person_ids)

    async def _load_lists(
        self, table: str, key: str, order: str, node: Any, keys: list[UUID]
    ) -> list[list[Any]]:
        """One query for the rows of every key in the batch, grouped back by key."""
        rows = await self.fetch(
            f"SELECT * FROM {table} WHERE {key} = ANY($1::uuid[]) ORDER BY {order}", keys
        )
        grouped: dict[UUID, list[Any]] = {k: [] for k in keys}
        for row in rows:
            grouped[row[key]].append(node.from_row(row))
        return [grouped[k] for k in keys]


class Context(BaseContext, kw_only=True):
    reader: Reader


def _fields(cls: Any, row: asyncpg.Record) -> dict[str, Any]:
    names = cls.__annotations__
    return {name: row[name] for name in names if name in row}


@strawberry.type
class Consent:
    id: strawberry.ID
    kind: str
    signed_on: date
    expires_on: date | None
    signed_by: str
    relation: str | None
    withdrawn_on: date | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Consent:
        return cls(**{**_fields(cls, row), "id": strawberry.ID(str(row["id"]))})

    @strawberry.field(description="Действует ли согласие сегодня")
    def valid(self) -> bool:
        today = date.today()
        if self.withdrawn_on is not None and self.withdrawn_on <= today:
            return False
        return self.signed_on <= today and (self.expires_on is None or today <= self.expires_on)


@strawberry.type
class Person:
    id: strawberry.ID
    kind: str
    full_name: str
    birth_year: int | None
    grade: str | None
    is_mentor: bool
    is_mentee: bool
    mentor_capacity: int

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Person:
        return cls(**{**_fields(cls, row), "id": strawberry.ID(str(row["id"]))})

    @strawberry.field
    async def consents(self, info: Info[Context, None]) -> list[Consent]:
        result: list[Consent] = await info.context.reader.consents.load(UUID(self.id))
        return result


@strawberry.type
class Meeting:
    id: strawberry.ID
    kind: str
    held_on: date
    duration_minutes: int
    meeting_format: str
    topic: str
    mentor_rating: int | None
    mentor_comment: str | None
    mentee_rating: int | None
    mentee_comment: str | None

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Meeting:
        return cls(**{**_fields(cls, row), "id": strawberry.ID(str(row["id"]))})


@strawberry.type
class Pair:
    id: strawberry.ID
    programme_id: strawberry.ID
    form: str
    status: str
    formed_at: datetime
    mentor_id: strawberry.Private[UUID]
    mentee_id: strawberry.Private[UUID]

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Pair:
        return cls(
            id=strawberry.ID(str(row["id"])),
            programme_id=strawberry.ID(str(row["programme_id"])),
            form=row["form"],
            status=row["status"],
            formed_at=row["formed_at"],
            mentor_id=row["mentor_id"],
            mentee_id=row["mentee_id"],
        )

    @strawberry.field
    async def mentor(self, info: Info[Context, None]) -> Person | None:
        person: Person | None = await info.context.reader.people.load(self.mentor_id)
        return person

    @strawberry.field
    async def mentee(self, info: Info[Context, None]) -> Person | None:
        person: Person | None = await info.context.reader.people.load(self.mentee_id)
        return person

    @strawberry.field
    async def meetings(self, info: Info[Context, None]) -> list[Meeting]:
        result: list[Meeting] = await info.context.reader.meetings.load(UUID(self.id))
        return result


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class PairEdge:
    cursor: str
    node: Pair


@strawberry.type
class PairConnection:
    edges: list[PairEdge]
    page_info: PageInfo


@strawberry.type
class PersonEdge:
    cursor: str
    node: Person


@strawberry.type
class PersonConnection:
    edges: list[PersonEdge]
    page_info: PageInfo


def _cursor(value: UUID) -> str:
    return base64.urlsafe_b64encode(value.bytes).decode()


def _after(cursor: str | None) -> UUID:
    if cursor is None:
        return UUID(int=0)
    try:
        return UUID(bytes=base64.urlsafe_b64decode(cursor))
    except ValueError:
        raise InvalidInput("bad_cursor", "Неверный курсор страницы") from None


def _page_size(first: int) -> int:
    return max(1, min(first, MAX_PAGE))


@strawberry.enum
class Level(Enum):
    REGION = TreeLevel.REGION.value
    MUNICIPALITY = TreeLevel.MUNICIPALITY.value
    SCHOOL = TreeLevel.SCHOOL.value


@strawberry.enum
class ParticipantRole(Enum):
    MENTOR = "mentor"
    MENTEE = "mentee"


@strawberry.type
class OrganisationCounts:
    organisation_id: strawberry.ID | None
    name: str | None
    kind: str | None
    path: str
    mentors: int
    mentees: int
    pairs: int
    meetings: int


@strawberry.type
class HistoryEvent:
    upstream: str
    position: int
    occurred_at: datetime
    event_type: str
    aggregate_id: strawberry.ID
    aggregate_version: int
    actor_user: str
    actor_role: str
    changes: JSON


@strawberry.type
class Caller:
    user: str
    role: str
    scope: str
    level: Level


HISTORY_READERS = frozenset({Role.AUDITOR, Role.INSTITUTE_METHODOLOGIST, Role.SCHOOL_DIRECTOR})


@strawberry.type
class Query:
    @strawberry.field(description="Кто спрашивает: роль и область видимости")
    def me(self, info: Info[Context, None]) -> Caller:
        caller = info.context.reader.caller()
        return Caller(
            user=caller.user,
            role=str(caller.role),
            scope=caller.scope.path,
            level=Level(caller.scope.level.value),
        )

    @strawberry.field(description="Пары школы с наставником, наставляемым и встречами")
    async def pairs(
        self, info: Info[Context, None], first: int = 50, after: str | None = None
    ) -> PairConnection:
        size = _page_size(first)
        rows = await info.context.reader.fetch(
            "SELECT * FROM pairs WHERE id > $1 ORDER BY id LIMIT $2", _after(after), size + 1
        )
        edges = [PairEdge(cursor=_cursor(r["id"]), node=Pair.from_row(r)) for r in rows[:size]]
        return PairConnection(edges=edges, page_info=_page_info(edges, len(rows) > size))

    @strawberry.field(description="База наставников и наставляемых школы")
    async def people(
        self,
        info: Info[Context, None],
        role: ParticipantRole | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> PersonConnection:
        size = _page_size(first)
        role_filter = {
            None: "true",
            ParticipantRole.MENTOR: "is_mentor",
            ParticipantRole.MENTEE: "is_mentee",
        }[role]
        rows = await info.context.reader.fetch(
            f"SELECT * FROM people WHERE {role_filter} AND id > $1 ORDER BY id LIMIT $2",
            _after(after),
            size + 1,
        )
        edges = [PersonEdge(cursor=_cursor(r["id"]), node=Person.from_row(r)) for r in rows[:size]]
        return PersonConnection(edges=edges, page_info=_page_info(edges, len(rows) > size))

    @strawberry.field(
        description="Число наставников, наставляемых, пар и встреч по школам, "
        "муниципалитетам или региону (только в пределах вашей области)"
    )
    async def counts(
        self, info: Info[Context, None], level: Level = Level.SCHOOL
    ) -> list[OrganisationCounts]:
        depth = max(level.value, info.context.reader.caller().scope.level.value)
        rows = await info.context.reader.fetch(
            """
            WITH grouped AS (
                SELECT subpath(tenant, 0, $1) AS path, sum(mentors) AS mentors,
                       sum(mentees) AS mentees, sum(pairs) AS pairs, sum(meetings) AS meetings
                FROM school_counts WHERE nlevel(tenant) >= $1 GROUP BY 1
            )
            SELECT g.*, o.id, o.name, o.kind FROM grouped g
            LEFT JOIN organisations o ON o.tenant = g.path
            ORDER BY o.name, g.path
            """,
            depth,
        )
        return [
            OrganisationCounts(
                organisation_id=strawberry.ID(str(r["id"])) if r["id"] else None,
                name=r["name"],
                kind=r["kind"],
                path=str(r["path"]),
                mentors=r["mentors"],
                mentees=r["mentees"],
                pairs=r["pairs"],
                meetings=r["meetings"],
            )
            for r in rows
        ]

    @strawberry.field(description="Вся история программы: каждое событие по порядку, кто и что")
    async def programme_history(
        self, info: Info[Context, None], programme_id: strawberry.ID
    ) -> list[HistoryEvent]:
        info.context.reader.caller().require(HISTORY_READERS, "просматривать историю программы")
        rows = await info.context.reader.fetch(
            "SELECT * FROM event_history WHERE programme_id = $1"
            " ORDER BY occurred_at, upstream, position",
            UUID(str(programme_id)),
        )
        return [
            HistoryEvent(
                upstream=r["upstream"],
                position=r["position"],
                occurred_at=r["occurred_at"],
                event_type=r["event_type"],
                aggregate_id=strawberry.ID(str(r["aggregate_id"])),
                aggregate_version=r["aggregate_version"],
                actor_user=r["actor_user"],
                actor_role=r["actor_role"],
                changes=json.loads(r["changes"]),
            )
            for r in rows
        ]

    @strawberry.field(
        description="Дождаться, пока проекции дойдут до позиций, которые вернули команды"
    )
    async def caught_up(
        self,
        info: Info[Context, None],
        registry: int = 0,
        programs: int = 0,
        timeout_ms: int = 5000,
    ) -> bool:
        info.context.reader.caller()
        wanted = {"registry": registry, "programs": programs}
        deadline = asyncio.get_running_loop().time() + min(timeout_ms, 30_000) / 1000
        while True:
            async with info.context.reader.pool.acquire() as connection:
                reached = await positions(connection)
            if all(reached.get(k, 0) >= v for k, v in wanted.items()):
                return True
            if asyncio.get_running_loop().time() >= deadline:
                return False
            await asyncio.sleep(0.02)


def _page_info(edges: list[Any], has_next: bool) -> PageInfo:
    return PageInfo(has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None)


def build_schema(production: bool) -> strawberry.Schema:
    extensions: list[Any] = [
        QueryDepthLimiter(max_depth=8),
        MaxTokensLimiter(max_token_count=2000),
        MaxAliasesLimiter(max_alias_count=15),
        # Crashes are masked; limit and validation messages reach the client.
        MaskErrors(should_mask_error=_is_crash),
    ]
    if production:
        extensions.append(DisableIntrospection())
    return strawberry.Schema(query=Query, extensions=extensions)


def _is_crash(error: Any) -> bool:
    original = getattr(error, "original_error", None)
    return original is not None and not isinstance(original, AppError)
