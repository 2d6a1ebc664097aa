"""The organisation tree, counts rolled up by level, partners' agreements."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import asyncpg
import strawberry

from shared.kernel.scope import Level as TreeLevel

from .context import Reader, ReaderInfo, fields_of, reader_of
from .pagination import After, Connection, First, paginate


@strawberry.enum(
    description="A level of the region's tree (уровень): region, municipality or school."
)
class Level(Enum):
    REGION = strawberry.enum_value(TreeLevel.REGION.value, description="The region (регион).")
    MUNICIPALITY = strawberry.enum_value(
        TreeLevel.MUNICIPALITY.value, description="A municipality (муниципалитет)."
    )
    SCHOOL = strawberry.enum_value(
        TreeLevel.SCHOOL.value, description="A school (образовательная организация)."
    )


@strawberry.type(
    description="An organisation's former name (прежнее наименование) and until when it held."
)
class FormerName:
    name: str = strawberry.field(description="The organisation's former name.")
    until: datetime = strawberry.field(
        description="When the name stopped being the organisation's name."
    )


@strawberry.type(description="An agreement with a partner organisation (соглашение о партнёрстве).")
class Agreement:
    id: strawberry.ID = strawberry.field(description="The agreement's id.")
    partner_id: strawberry.ID = strawberry.field(
        description="The partner organisation (организация-партнёр)."
    )
    partner_name: str = strawberry.field(description="The partner organisation's name.")
    school_id: strawberry.ID = strawberry.field(description="The school that signed the agreement.")
    number: str = strawberry.field(description="The agreement's number as written on it.")
    signed_on: date = strawberry.field(description="The day the agreement was signed.")
    valid_until: date | None = strawberry.field(
        description="The agreement's last day; null when it is open-ended."
    )
    subject: str = strawberry.field(
        description="What the partners agree to do (предмет соглашения)."
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Agreement:
        return cls(
            **fields_of(
                cls,
                row,
                id=strawberry.ID(str(row["id"])),
                partner_id=strawberry.ID(str(row["partner_id"])),
                school_id=strawberry.ID(str(row["school_id"])),
            )
        )


async def _former_names(reader: Reader, ids: list[UUID]) -> list[list[FormerName]]:
    return await reader.grouped(
        "organisation_names",
        "organisation_id",
        "until",
        lambda r: FormerName(name=r["name"], until=r["until"]),
        ids,
    )


@strawberry.type(
    description=(
        "An organisation of the region's tree (организация): region, institute, municipality, "
        "school or partner."
    )
)
class Organisation:
    id: strawberry.ID = strawberry.field(description="The organisation's id.")
    kind: str = strawberry.field(
        description=(
            "The organisation's kind (region, institute, municipality, school, partner) as a code."
        )
    )
    name: str = strawberry.field(description="The organisation's current name.")
    path: str = strawberry.field(
        description="The organisation's place in the region's tree: an ltree path of ids."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        description="The organisation above it; null for the region."
    )
    partner_kind: str | None = strawberry.field(
        description="For a partner, its kind (company, university, NGO…) as a code."
    )
    education_kind: str | None = strawberry.field(
        description="For a school, its kind of education (general, vocational…) as a code."
    )
    legal_form: str | None = strawberry.field(
        description="The organisation's legal form, as written."
    )
    closed_on: date | None = strawberry.field(
        description="The day the organisation closed or was reorganised; null while it works."
    )
    closure_reason: str | None = strawberry.field(
        description="Why it closed (liquidation, merger…), if it did."
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Organisation:
        parent = row["parent_id"]
        return cls(
            **fields_of(
                cls,
                row,
                id=strawberry.ID(str(row["id"])),
                path=str(row["tenant"]),
                parent_id=strawberry.ID(str(parent)) if parent else None,
            )
        )

    @strawberry.field(description="Прежние названия, с датой, до которой действовало каждое")
    async def former_names(self, info: ReaderInfo) -> list[FormerName]:
        result: list[FormerName] = await reader_of(info).loader(_former_names).load(UUID(self.id))
        return result


async def organisations(
    info: ReaderInfo,
    kind: Annotated[
        str | None,
        strawberry.argument(
            description=(
                "Only organisations of this kind (вид организации): region, institute, "
                "municipality, school, partner."
            )
        ),
    ] = None,
    include_closed: Annotated[
        bool, strawberry.argument(description="Also the closed (закрытые) organisations.")
    ] = False,
    first: First = 50,
    after: After = None,
) -> Connection[Organisation]:
    """Организации в пределах вашей области."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM organisations WHERE ($1::text IS NULL OR kind = $1)"
        " AND ($2 OR closed_on IS NULL) ORDER BY tenant",
        kind,
        include_closed,
    )
    return paginate([(r["id"], Organisation.from_row(r)) for r in rows], first, after)


async def partner_agreements(
    info: ReaderInfo, first: First = 50, after: After = None
) -> Connection[Agreement]:
    """Соглашения с организациями-партнёрами (внешний контур)."""
    rows = await reader_of(info).fetch("SELECT * FROM partner_agreements ORDER BY signed_on, id")
    return paginate([(r["id"], Agreement.from_row(r)) for r in rows], first, after)


@strawberry.type(
    description="Mentors, mentees, pairs and meetings counted for one organisation (численность)."
)
class OrganisationCounts:
    organisation_id: strawberry.ID | None = strawberry.field(
        description="The organisation counted; null for a row that sums its scope."
    )
    name: str | None = strawberry.field(description="The organisation's name.")
    kind: str | None = strawberry.field(description="The organisation's kind as a code.")
    path: str = strawberry.field(description="The organisation's place in the region's tree.")
    mentors: int = strawberry.field(description="Mentors in its scope.")
    mentees: int = strawberry.field(description="Mentees in its scope.")
    pairs: int = strawberry.field(description="Pairs and groups in its scope.")
    meetings: int = strawberry.field(description="Meetings held in its scope.")


async def counts(
    info: ReaderInfo,
    level: Annotated[
        Level,
        strawberry.argument(description="Count per school, municipality or region (уровень)."),
    ] = Level.SCHOOL,
    first: First = 50,
    after: After = None,
) -> Connection[OrganisationCounts]:
    """Число наставников, наставляемых, пар и встреч по школам, муниципалитетам или региону
    (только в пределах вашей области, без имён)."""
    reader = reader_of(info)
    depth = max(TreeLevel[level.name].value, reader.caller().scope.level.value)
    rows = await reader.fetch(
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
    # A path's last label is its organisation's id (hex): the key of the row's cursor.
    return paginate(
        [
            (
                UUID(str(r["path"]).split(".")[-1]),
                OrganisationCounts(
                    organisation_id=strawberry.ID(str(r["id"])) if r["id"] else None,
                    name=r["name"],
                    kind=r["kind"],
                    path=str(r["path"]),
                    mentors=r["mentors"],
                    mentees=r["mentees"],
                    pairs=r["pairs"],
                    meetings=r["meetings"],
                ),
            )
            for r in rows
        ],
        first,
        after,
    )
