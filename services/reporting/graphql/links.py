"""Personal links of a school's people, for the coordinator: who has one, who issued it, who has
used it and who revoked it (the link itself is never stored: only its hash, in the registry)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from .context import ReaderInfo, fields_of, reader_of


@strawberry.type(description="A participant's personal link (персональная ссылка).")
class PersonalLink:
    id: strawberry.ID
    person_id: strawberry.ID
    full_name: str
    grade: str | None
    role: str
    school_year: str
    expires_on: date
    issued_at: datetime
    issued_by: str
    revoked_on: date | None
    revoked_by: str | None
    first_opened_on: date | None
    last_opened_on: date | None
    openings: int

    @strawberry.field(description="Ссылка открывает вход сегодня")
    def active(self) -> bool:
        return self.revoked_on is None and date.today() <= self.expires_on


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
