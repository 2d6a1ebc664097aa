"""Who above the school read a person's data, and when: so that a school can answer a data
subject's request (152-ФЗ, ст. 14). Today that is the institute's register of mentors, by name."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from shared.adapters.database import scoped
from shared.kernel.scope import Level

from .context import Reader, ReaderInfo, fields_of, reader_of, uuid_of
from .pagination import After, Connection, First, paginate

SCHEMA = """
CREATE TABLE IF NOT EXISTS personal_data_access (
    id bigserial PRIMARY KEY,
    person_id uuid NOT NULL,
    tenant ltree NOT NULL,
    accessed_by text NOT NULL,
    role text NOT NULL,
    purpose text NOT NULL,
    accessed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS personal_data_access_person
    ON personal_data_access (person_id, accessed_at);
ALTER TABLE personal_data_access ENABLE ROW LEVEL SECURITY;
ALTER TABLE personal_data_access FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS personal_data_access_write ON personal_data_access;
CREATE POLICY personal_data_access_write ON personal_data_access FOR INSERT
    WITH CHECK (tenant <@ app_scope());
DROP POLICY IF EXISTS personal_data_access_read ON personal_data_access;
CREATE POLICY personal_data_access_read ON personal_data_access FOR SELECT
    USING (tenant = app_scope());
"""


async def record_reads(reader: Reader, people: list[tuple[UUID, str]], purpose: str) -> None:
    """Log reads of named people by a caller above the school (school staff read their own)."""
    caller = reader.caller()
    if caller.scope.level == Level.SCHOOL or not people:
        return
    async with scoped(reader.pool, caller.scope.path) as connection:
        await connection.executemany(
            "INSERT INTO personal_data_access (person_id, tenant, accessed_by, role, purpose)"
            " VALUES ($1, $2, $3, $4, $5)",
            [(person, tenant, caller.user, str(caller.role), purpose) for person, tenant in people],
        )


@strawberry.type(
    description=(
        "One read of a person's personal data from outside the school (обращение к персональным "
        "данным)."
    )
)
class DataAccess:
    accessed_by: str = strawberry.field(description="The user who read the data.")
    role: str = strawberry.field(description="The reader's role.")
    purpose: str = strawberry.field(description="Why the data was read, as the reader stated it.")
    accessed_at: datetime = strawberry.field(description="When the data was read.")


async def personal_data_access(
    info: ReaderInfo,
    person_id: Annotated[
        strawberry.ID,
        strawberry.argument(description="The person's id (человек) whose personal data was read."),
    ],
    first: First = 50,
    after: After = None,
) -> Connection[DataAccess]:
    """Кто вне школы обращался к персональным данным человека и когда."""
    rows = await reader_of(info).fetch(
        "SELECT id, accessed_by, role, purpose, accessed_at FROM personal_data_access"
        " WHERE person_id = $1 ORDER BY accessed_at, id",
        uuid_of(person_id),
    )
    return paginate(
        [(row["id"], DataAccess(**fields_of(DataAccess, row))) for row in rows], first, after
    )
