"""What a school made its staff responsible for: each grant, who gave it and when (issue 20)."""

from __future__ import annotations

import json
from datetime import date, datetime

import asyncpg
import strawberry

from services.programs.labels import responsibility_part_name
from shared.kernel.principal import ROLE_NAMES, Role

from .context import ReaderInfo, reader_of


@strawberry.type(description="One part of the programmes a grant covers.")
class ResponsibilityPart:
    kind: str = strawberry.field(
        description="What kind of part: `stage`, `form`, `block` or `pair`."
    )
    subject: str = strawberry.field(
        description="Which one: a stage's number, a form's code, a roadmap block's number or a"
        " pair's id."
    )

    @strawberry.field(description="The part in Russian: «этап 3 «…»», «форма …», «раздел «7»».")
    def name(self) -> str:
        return responsibility_part_name(self.kind, self.subject)


@strawberry.type(
    description="A grant of responsibility (поручение): a staff person of the school made "
    "responsible for parts of its programmes, with who gave it and when, and its revocation."
)
class ResponsibilityGrant:
    id: strawberry.ID = strawberry.field(description="The grant's id (to revoke it).")
    person_id: strawberry.ID = strawberry.field(description="The staff person responsible.")
    person_name: str | None = strawberry.field(description="Their full name, as the base has it.")
    parts: list[ResponsibilityPart] = strawberry.field(description="What the grant covers.")
    act_id: strawberry.ID | None = strawberry.field(
        description="The act of the school's register that appointed them, if any."
    )
    granted_on: date = strawberry.field(description="The day the appointing document gives.")
    granted_at: datetime = strawberry.field(description="When the grant was recorded (UTC).")
    granted_by_role_name: str = strawberry.field(description="Who gave it: their role in Russian.")
    granted_by_name: str | None = strawberry.field(
        description="Who gave it: their name, when they are a person of the school's base."
    )
    revoked_on: date | None = strawberry.field(description="The day the grant ended, if it did.")
    revoked_at: datetime | None = strawberry.field(description="When the revocation was recorded.")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> ResponsibilityGrant:
        return cls(
            id=strawberry.ID(str(row["id"])),
            person_id=strawberry.ID(str(row["person_id"])),
            person_name=row["person_name"],
            parts=[ResponsibilityPart(**part) for part in json.loads(row["parts"])],
            act_id=strawberry.ID(str(row["act_id"])) if row["act_id"] else None,
            granted_on=row["granted_on"],
            granted_at=row["granted_at"],
            granted_by_role_name=ROLE_NAMES[Role(row["granted_by_role"])],
            granted_by_name=row["granted_by_name"],
            revoked_on=row["revoked_on"],
            revoked_at=row["revoked_at"],
        )


async def responsibilities(info: ReaderInfo) -> list[ResponsibilityGrant]:
    """Поручения ответственности сотрудникам вашей школы: за что, кто поручил и когда."""
    rows = await reader_of(info).fetch(
        "SELECT g.*, p.full_name AS person_name, b.full_name AS granted_by_name"
        " FROM responsibility_grants g"
        " LEFT JOIN people p ON p.id = g.person_id"
        " LEFT JOIN people b ON b.id::text = g.granted_by_user"
        " ORDER BY g.revoked_on IS NOT NULL, g.granted_on DESC, g.granted_at DESC, g.id"
    )
    return [ResponsibilityGrant.from_row(row) for row in rows]
