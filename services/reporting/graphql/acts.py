"""The register of acts: an organisation's acts and those above it that it follows, each with
its basis, approval marks, what it decides, and whether it is in force on a date."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

import asyncpg
import strawberry

from services.programs.labels import (
    ACT_KIND_NAMES,
    ISSUED_ACT_NAMES,
    MARK_NAMES,
    POINT_KIND_NAMES,
    SOURCE_LEVEL_NAMES,
)
from shared.frames import frame_of
from shared.kernel.errors import NotFound

from .arguments import Id, On, OrganisationId
from .context import ReaderInfo, fields_of, reader_of, uuid_of
from .pagination import After, Connection, First, connection, decode_cursor, page_size

# In force on $n: taken effect, term not over, not superseded yet.
IN_FORCE = (
    "effective_from <= {on} AND (valid_until IS NULL OR valid_until >= {on})"
    " AND (superseded_from IS NULL OR superseded_from > {on})"
)


@strawberry.type(
    description="An approval mark on an act (гриф утверждения, согласования или принятия)."
)
class ApprovalMark:
    kind: str
    body: str
    on: date
    protocol_number: str
    order_number: str
    signer: str

    @strawberry.field
    def kind_name(self) -> str:
        return MARK_NAMES[self.kind]


@strawberry.type(description="What an act rests on (основание): a higher act it follows.")
class ActBasis:
    act_id: strawberry.ID | None
    level: str | None
    issuer: str
    kind: str
    number: str
    on: date | None
    title: str

    @strawberry.field
    def level_name(self) -> str | None:
        return SOURCE_LEVEL_NAMES.get(self.level or "")

    @strawberry.field(description="Реквизиты акта, как их пишут в преамбуле")
    def text(self) -> str:
        return basis_text(self.issuer, self.kind, self.on, self.number, self.title)


def basis_text(issuer: str, kind: str, on: date | None, number: str, title: str) -> str:
    """«распоряжение Министерства … от 25.12.2019 № Р-145 «Об утверждении …»»."""
    parts = [" ".join(p for p in (kind, issuer) if p)]
    if on:
        parts.append(f"от {on:%d.%m.%Y}")
    if number:
        parts.append(f"№ {number}")
    if title:
        parts.append(f"«{title}»")
    return " ".join(p for p in parts if p)


@strawberry.type(
    description="A person an act names (ответственный, исполнитель) with their position and role."
)
class ActPerson:
    name: str
    position: str
    organisation: str
    role: str


@strawberry.type(
    description="One point of an act (пункт акта): what is to be done, by whom and by when."
)
class ActPoint:
    kind: str
    text: str
    people: list[ActPerson]
    documents: list[str]
    due_on: date | None
    refs: list[strawberry.ID]

    @strawberry.field
    def kind_name(self) -> str:
        return POINT_KIND_NAMES[self.kind]


@strawberry.type(
    description=(
        "An act of the register (акт): an order, regulation or plan of an organisation, with its "
        "points and people."
    )
)
class Act:
    id: strawberry.ID
    organisation_id: strawberry.ID
    organisation_name: str | None
    source: str = strawberry.field(
        description="register — внесён в реестр; иначе вид акта, изданного на платформе"
    )
    kind: str
    register: str
    number: str
    act_date: date
    title: str
    basis: list[ActBasis]
    marks: list[ApprovalMark]
    points: list[ActPoint]
    effective_from: date
    valid_until: date | None
    superseded_by: strawberry.ID | None
    superseded_from: date | None
    published_url: str
    recorded_at: datetime
    frame: str | None = strawberry.field(
        description="Рамка, к которой относится акт (положение, дорожная карта, приказ), где"
        " школа ведёт их порознь: students или teachers; пусто — наставничество в целом"
    )

    @strawberry.field
    def kind_name(self) -> str:
        return ACT_KIND_NAMES[self.kind]

    @strawberry.field(description="Название рамки акта по-русски (пусто — в целом)")
    def frame_name(self) -> str | None:
        return None if self.frame is None else frame_of(self.frame).name

    @strawberry.field(description="Вид акта, изданного на платформе (для внесённых — пусто)")
    def issued_as(self) -> str | None:
        return ISSUED_ACT_NAMES.get(self.source)

    @strawberry.field(description="Действует ли акт на дату (по умолчанию — сегодня)")
    def in_force(self, on: On = None) -> bool:
        day = on or date.today()
        return (
            self.effective_from <= day
            and (self.valid_until is None or self.valid_until >= day)
            and (self.superseded_from is None or self.superseded_from > day)
        )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Act:
        basis = [
            ActBasis(
                act_id=strawberry.ID(b["act_id"]) if b["act_id"] else None,
                level=b["level"],
                issuer=b["issuer"],
                kind=b["kind"],
                number=b["number"],
                on=_day(b["on"]),
                title=b["title"],
            )
            for b in json.loads(row["basis"])
        ]
        marks = [ApprovalMark(**(m | {"on": _day(m["on"])})) for m in json.loads(row["marks"])]
        points = [
            ActPoint(
                kind=p["kind"],
                text=p["text"],
                people=[ActPerson(**person) for person in p["people"]],
                documents=p["documents"],
                due_on=_day(p["due_on"]),
                refs=[strawberry.ID(r) for r in p["refs"]],
            )
            for p in json.loads(row["points"])
        ]
        ids = {
            n: strawberry.ID(str(row[n])) if row[n] else None
            for n in ("id", "organisation_id", "superseded_by")
        }
        return cls(**fields_of(cls, row, **ids, basis=basis, marks=marks, points=points))


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


async def acts(
    info: ReaderInfo,
    organisation_id: OrganisationId = None,
    kind: Annotated[
        str | None, strawberry.argument(description="Only acts of this kind (вид акта).")
    ] = None,
    in_force_on: Annotated[
        date | None,
        strawberry.argument(description="Only acts in force (действующие) on this day."),
    ] = None,
    first: First = 50,
    after: After = None,
) -> Connection[Act]:
    """Реестр актов: акты вашей организации и организаций под ней, а также акты вышестоящих
    организаций, которым она следует; новые первыми. `inForceOn` — только действующие на дату."""
    size = page_size(first)
    organisation = uuid_of(organisation_id) if organisation_id is not None else None
    filters = (
        "($1::uuid IS NULL OR organisation_id = $1) AND ($2::text IS NULL OR kind = $2)"
        f" AND ($3::date IS NULL OR ({IN_FORCE.format(on='$3::date')}))"
    )
    cursor = decode_cursor(after) if after else None
    async with reader_of(info).session() as fetch:
        total = (
            await fetch(
                f"SELECT count(*) FROM acts WHERE {filters}", organisation, kind, in_force_on
            )
        )[0][0]
        rows = await fetch(
            f"SELECT * FROM acts WHERE {filters} AND ($4::uuid IS NULL OR (act_date, id) <"
            " (SELECT act_date, id FROM acts WHERE id = $4)) ORDER BY act_date DESC, id DESC"
            " LIMIT $5",
            organisation,
            kind,
            in_force_on,
            cursor,
            size + 1,
        )
    return connection([(r["id"], Act.from_row(r)) for r in rows], size, total, after)


async def act(info: ReaderInfo, id: Id) -> Act:
    """Один акт реестра."""
    rows = await reader_of(info).fetch("SELECT * FROM acts WHERE id = $1", uuid_of(id))
    if not rows:
        raise NotFound("act_not_found", "Акт не найден")
    return Act.from_row(rows[0])
