"""Personal links of a school's people, for the coordinator: who has one, who issued it, who has
used it and who revoked it (the link itself is never stored: only its hash, in the registry)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from shared.adapters.settings import region_today

from .context import ReaderInfo, fields_of, reader_of


@strawberry.type(description="A participant's personal link (персональная ссылка).")
class PersonalLink:
    id: strawberry.ID = strawberry.field(
        description="The link's id (the link itself is never stored, only its hash)."
    )
    person_id: strawberry.ID = strawberry.field(description="The person the link signs in as.")
    full_name: str = strawberry.field(description="The person's full name.")
    grade: str | None = strawberry.field(description="A pupil's class.")
    role: str = strawberry.field(
        description="The role the link signs in with: mentor, mentee or parent."
    )
    school_year: str = strawberry.field(description="The school year the link is good for.")
    expires_on: date = strawberry.field(description="The link's last day.")
    issued_at: datetime = strawberry.field(description="When the link was issued.")
    issued_by: str = strawberry.field(description="The user who issued it.")
    revoked_on: date | None = strawberry.field(
        description="The day it was revoked; null while it stands."
    )
    revoked_by: str | None = strawberry.field(description="The user who revoked it.")
    first_opened_on: date | None = strawberry.field(description="The day it was first opened.")
    last_opened_on: date | None = strawberry.field(description="The day it was last opened.")
    openings: int = strawberry.field(description="How many times it was opened.")

    @strawberry.field(description="Ссылка открывает вход сегодня")
    def active(self) -> bool:
        return self.revoked_on is None and region_today() <= self.expires_on


async def personal_links(info: ReaderInfo) -> list[PersonalLink]:
    """Персональные ссылки участников школы: у кого есть, кто выдал, кто пользовался."""
    rows = await reader_of(info).fetch(
        "SELECT l.*, p.full_name, p.grade FROM personal_links l"
        " JOIN people p ON p.id = l.person_id ORDER BY p.full_name, l.issued_at"
    )
    return [
        PersonalLink(
            **fields_of(
                PersonalLink,
                row,
                id=strawberry.ID(str(row["id"])),
                person_id=strawberry.ID(str(row["person_id"])),
            )
        )
        for row in rows
    ]
