"""The director's orders approving a programme's pairs (each a DOCX at `/orders/{id}`)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from shared.frames import frame_of

from .acts import ActBasis
from .arguments import ProgrammeId
from .context import ReaderInfo, reader_of, uuid_of


@strawberry.type(
    description="An order approving mentoring pairs (приказ об утверждении наставнических пар)."
)
class PairsOrder:
    id: strawberry.ID = strawberry.field(description="The order's id.")
    programme_id: strawberry.ID = strawberry.field(
        description="The programme whose pairs the order approves."
    )
    number: str = strawberry.field(description="The order's number.")
    order_date: date = strawberry.field(description="The order's date.")
    pair_count: int = strawberry.field(description="How many pairs and groups the order approves.")
    issued_at: datetime = strawberry.field(
        description="When the director approved the order on the platform."
    )
    frame: str = strawberry.field(description="Рамка программы, по которой издан приказ")
    basis: ActBasis = strawberry.field(
        description="Федеральный акт, на основании которого издан приказ (основание рамки"
        " программы: Р-145 для обучающихся, письмо АЗ-1128/08 для педагогических работников)"
    )


def frame_basis(frame: str) -> ActBasis:
    """The federal act an order of a programme of the frame cites."""
    basis = frame_of(frame).basis
    return ActBasis(
        act_id=None,
        level="federal",
        issuer=basis.issuer,
        kind=basis.kind,
        number=basis.number,
        on=basis.on,
        title=basis.title,
    )


async def pair_orders(info: ReaderInfo, programme_id: ProgrammeId) -> list[PairsOrder]:
    """Приказы об утверждении наставнических пар (групп) программы, новые первыми."""
    rows = await reader_of(info).fetch(
        "SELECT o.*, g.frame FROM pair_orders o JOIN programmes g ON g.id = o.programme_id"
        " WHERE o.programme_id = $1 ORDER BY o.order_date DESC, o.issued_at DESC",
        uuid_of(programme_id),
    )
    return [
        PairsOrder(
            id=strawberry.ID(str(r["id"])),
            programme_id=strawberry.ID(str(r["programme_id"])),
            number=r["number"],
            order_date=r["order_date"],
            pair_count=len(r["pair_ids"]),
            issued_at=r["issued_at"],
            frame=r["frame"],
            basis=frame_basis(r["frame"]),
        )
        for r in rows
    ]
