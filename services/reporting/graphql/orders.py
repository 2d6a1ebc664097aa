"""The director's orders approving a programme's pairs (each a DOCX at `/orders/{id}`)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

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


async def pair_orders(info: ReaderInfo, programme_id: ProgrammeId) -> list[PairsOrder]:
    """Приказы об утверждении наставнических пар (групп) программы, новые первыми."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM pair_orders WHERE programme_id = $1"
        " ORDER BY order_date DESC, issued_at DESC",
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
        )
        for r in rows
    ]
