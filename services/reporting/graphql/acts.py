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
from shared.adapters.settings import region_today
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
    kind: str = strawberry.field(
        description=(
            "The mark's kind (adopted, agreed, approved) as a code; `kindName` says it in Russian."
        )
    )
    body: str = strawberry.field(
        description=(
            "The body that adopted or agreed the act (педагогический совет, управляющий совет…)."
        )
    )
    on: date = strawberry.field(description="The day of the adoption, agreement or approval.")
    protocol_number: str = strawberry.field(
        description="The number of the protocol (протокол) of the body's meeting; empty when none."
    )
    order_number: str = strawberry.field(
        description="The number of the order (приказ) that approved the act; empty when none."
    )
    signer: str = strawberry.field(description="Who signed the mark, with the position.")

    @strawberry.field(
        description="The mark's kind in Russian words («Принято», «Согласовано», «Утверждено»)."
    )
    def kind_name(self) -> str:
        return MARK_NAMES[self.kind]


@strawberry.type(description="What an act rests on (основание): a higher act it follows.")
class ActBasis:
    act_id: strawberry.ID | None = strawberry.field(
        description=(
            "The act of the register this basis is, when it is one; null for an external act."
        )
    )
    level: str | None = strawberry.field(
        description="The level of the issuer (federal, regional, municipal, school) as a code."
    )
    issuer: str = strawberry.field(description="Who issued the act the basis names.")
    kind: str = strawberry.field(
        description="The kind of the act the basis names (order, law, regulation…)."
    )
    number: str = strawberry.field(description="The number of the act the basis names.")
    on: date | None = strawberry.field(description="The date of the act the basis names.")
    title: str = strawberry.field(description="The title of the act the basis names.")

    @strawberry.field(description="The issuer's level in Russian words.")
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
    name: str = strawberry.field(description="The person's full name as the act writes it.")
    position: str = strawberry.field(description="The person's position (должность).")
    organisation: str = strawberry.field(description="The organisation the person works for.")
    role: str = strawberry.field(
        description="What the act makes the person: responsible, executor, member and so on."
    )


@strawberry.type(
    description="One point of an act (пункт акта): what is to be done, by whom and by when."
)
class ActPoint:
    kind: str = strawberry.field(
        description=(
            "The kind of point (assign, approve, control…) as a code; `kindName` says it in "
            "Russian."
        )
    )
    text: str = strawberry.field(description="The point's text as the act words it.")
    people: list[ActPerson] = strawberry.field(
        description="The people the point names, with their positions and roles."
    )
    documents: list[str] = strawberry.field(
        description="The documents the point approves or refers to, by title."
    )
    due_on: date | None = strawberry.field(description="The point's deadline, when it has one.")
    refs: list[strawberry.ID] = strawberry.field(
        description="Acts of the register the point refers to (for instance, one it cancels)."
    )

    @strawberry.field(description="The kind of point in Russian words.")
    def kind_name(self) -> str:
        return POINT_KIND_NAMES[self.kind]


@strawberry.type(
    description=(
        "An act of the register (акт): an order, regulation or plan of an organisation, with its "
        "points and people."
    )
)
class Act:
    id: strawberry.ID = strawberry.field(description="The act's id in the register.")
    organisation_id: strawberry.ID = strawberry.field(
        description="The organisation that issued the act."
    )
    organisation_name: str | None = strawberry.field(
        description="The issuing organisation's name; null when it is outside the caller's view."
    )
    source: str = strawberry.field(
        description="Where the act comes from: `register` when entered into the register by hand,"
        " otherwise the kind of act the platform issued (внесён в реестр или издан на платформе)."
    )
    kind: str = strawberry.field(
        description=(
            "The kind of act (вид акта): order, regulation, plan and so on, as a code; `kindName`"
            " says it in Russian."
        )
    )
    register: str = strawberry.field(
        description="The journal (журнал регистрации) whose numbering the act's number belongs to."
    )
    number: str = strawberry.field(
        description="The act's number in its journal, as written on the document."
    )
    act_date: date = strawberry.field(description="The date the act bears.")
    title: str = strawberry.field(description="The act's title, as written on the document.")
    basis: list[ActBasis] = strawberry.field(
        description="What the act rests on (основание): the higher or external acts it follows."
    )
    marks: list[ApprovalMark] = strawberry.field(
        description="The approval marks on the act (грифы «Принято», «Согласовано», «Утверждено»)."
    )
    points: list[ActPoint] = strawberry.field(description="The act's points (пункты), in order.")
    effective_from: date = strawberry.field(
        description="The day the act takes effect (вступает в силу)."
    )
    valid_until: date | None = strawberry.field(
        description="The last day of the act's term; null for an act without a term."
    )
    superseded_by: strawberry.ID | None = strawberry.field(
        description="The act that replaced this one (утратил силу в связи с), if any."
    )
    superseded_from: date | None = strawberry.field(
        description="The day this act stopped being in force because another replaced it."
    )
    published_url: str = strawberry.field(
        description=(
            "Where the act is published on the organisation's website; empty when it is not."
        )
    )
    recorded_at: datetime = strawberry.field(
        description="When the act was entered into the platform."
    )
    frame: str | None = strawberry.field(
        description="The frame the act belongs to where the school keeps its acts apart: `students`"
        " (целевая модель наставничества обучающихся) or `teachers` (система наставничества"
        " педагогических работников); null for mentoring as a whole."
    )

    @strawberry.field(description="The kind of act in Russian words, as a page shows it.")
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
        day = on or region_today()
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
