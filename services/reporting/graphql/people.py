"""A school's bases of mentees and mentors (names: visible only within the school)."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import strawberry

from services.registry.labels import STAFF_KIND_CODES
from shared.adapters.database import Fetch
from shared.adapters.settings import region_today

from ..projections.indicator_days import years_before
from .arguments import Id, On
from .context import Reader, ReaderInfo, fields_of, reader_of, uuid_of
from .pagination import After, Connection, First, connection, decode_cursor, page_size
from .search import folded_sql, name_pattern
from .versions import VERSION, version_of

YOUNG_SPECIALIST_YEARS = 3
YOUNG_SPECIALIST_AGE = 35


@strawberry.enum(
    description=(
        "A participant's side in mentoring (роль): mentor (наставник) or mentee (наставляемый)."
    )
)
class ParticipantRole(Enum):
    MENTOR = strawberry.enum_value("mentor", description="A mentor (наставник).")
    MENTEE = strawberry.enum_value("mentee", description="A mentee (наставляемый).")


@strawberry.type(
    description="A consent to personal data processing (согласие на обработку персональных данных)."
)
class Consent:
    id: strawberry.ID = strawberry.field(description="The consent's id.")
    kind: str = strawberry.field(
        description="What the consent is to (personal data processing, extra duty…) as a code."
    )
    signed_on: date = strawberry.field(description="The day the consent was signed.")
    expires_on: date | None = strawberry.field(
        description="The consent's last day; null when it has no term."
    )
    signed_by: str = strawberry.field(
        description="Who signed: the person, or a minor's legal representative by name."
    )
    relation: str | None = strawberry.field(
        description=(
            "The signer's relation to a minor (mother, father, guardian); null when the person "
            "signed."
        )
    )
    withdrawn_on: date | None = strawberry.field(
        description="The day the consent was withdrawn; null while it stands."
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Consent:
        return cls(**fields_of(cls, row, id=strawberry.ID(str(row["id"]))))

    @strawberry.field(description="Действует ли согласие на дату (по умолчанию — сегодня)")
    def valid(self, on: On = None) -> bool:
        day = on or region_today()
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return False
        return self.signed_on <= day and (self.expires_on is None or day <= self.expires_on)


@strawberry.type(
    description=(
        "A staff member's role in mentoring (роль сотрудника): coordinator, curator, director."
    )
)
class StaffRoleAssignment:
    role: str = strawberry.field(
        description="The staff role (coordinator, curator, director) as a code."
    )
    forms: list[str] = strawberry.field(
        description="For a curator, the forms of mentoring the role covers."
    )
    area: str | None = strawberry.field(
        description="The area of responsibility, as the order names it."
    )
    since: date = strawberry.field(description="С какого дня — по приказу о назначении")
    until: date | None = strawberry.field(description="По какой день — срок, если акт его задал")
    duties: list[str] = strawberry.field(description="Обязанности, как их формулирует акт")
    act_id: strawberry.ID | None = strawberry.field(
        description="Акт о назначении из реестра актов (его можно открыть)"
    )
    act_number: str | None = strawberry.field(
        description="Номер акта о назначении: из реестра или внешнего акта"
    )
    act_date: date | None = strawberry.field(
        description="Дата акта о назначении: из реестра или внешнего акта"
    )

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> StaffRoleAssignment:
        act_id = row["act_id"]
        return cls(
            **fields_of(
                cls,
                row,
                duties=list(row["duties"]),
                act_id=strawberry.ID(str(act_id)) if act_id else None,
                act_number=row["act_number"] or row["register_number"],
                act_date=row["act_date"] or row["register_date"],
            )
        )


# A staff role with its act's number and date from the register of acts, when the school may
# read that act.
STAFF_ROLES_WITH_ACTS = (
    "(SELECT s.*, a.number AS register_number, a.act_date AS register_date"
    " FROM staff_roles s LEFT JOIN acts a ON a.id = s.act_id) AS staff_roles"
)


@strawberry.type(
    description="Information about a person received from a third party (сведения от третьих лиц)."
)
class ThirdPartyInformation:
    source: str = strawberry.field(description="Who gave the information.")
    information: str = strawberry.field(description="What was received.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> ThirdPartyInformation:
        return cls(**fields_of(cls, row))


@strawberry.type(
    description="A mentee's profile (профиль наставляемого): categories, needs and requests."
)
class MenteeProfile:
    categories: list[str] = strawberry.field(
        description="The mentee's categories (gifted, at risk, new teacher…) as codes."
    )
    needs: list[str] = strawberry.field(description="What the mentee needs help with, as codes.")
    requests: str | None = strawberry.field(description="The mentee's request in their own words.")
    school_year: str | None = strawberry.field(description="Учебный год этого запроса")


@strawberry.type(
    description="A mentee's requests for a school year (запрос наставляемого на учебный год)."
)
class YearRequest:
    """A mentee's request of one school year, from the bank of requests."""

    school_year: str = strawberry.field(description="The school year of the request.")
    categories: list[str] = strawberry.field(
        description="The mentee's categories that year, as codes."
    )
    needs: list[str] = strawberry.field(description="What the mentee needed help with, as codes.")
    requests: str | None = strawberry.field(description="The request in the mentee's own words.")
    recorded_at: datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> YearRequest:
        return cls(
            **fields_of(cls, row, categories=list(row["categories"]), needs=list(row["needs"]))
        )


@strawberry.type(
    description="A mentor's profile (профиль наставника): status, competences and preferences."
)
class MentorProfile:
    status: str | None = strawberry.field(
        description="The mentor's status in the base (candidate, active, resting…) as a code."
    )
    competences: list[str] = strawberry.field(
        description="What the mentor can help with, as codes."
    )
    interests: list[str] = strawberry.field(description="The mentor's interests, as codes.")
    preferred_age_min: int | None = strawberry.field(
        description="The youngest mentee age the mentor prefers."
    )
    preferred_age_max: int | None = strawberry.field(
        description="The oldest mentee age the mentor prefers."
    )
    preferred_categories: list[str] = strawberry.field(
        description="The mentee categories the mentor prefers, as codes."
    )
    hours_per_month: int | None = strawberry.field(
        description="The hours a month the mentor can give."
    )
    meeting_frequency: str | None = strawberry.field(
        description="How often the mentor can meet, as a code."
    )
    meeting_format: str | None = strawberry.field(
        description="How the mentor prefers to meet (in person, online, either) as a code."
    )
    experience: str | None = strawberry.field(
        description="The mentor's experience, in their own words."
    )
    interviewed_on: date | None = strawberry.field(
        description="The day of the mentor's interview (собеседование)."
    )
    register_order_number: str | None = strawberry.field(
        description="The number of the order that entered the mentor into the base."
    )
    register_order_date: date | None = strawberry.field(description="The date of that order.")


async def _consents(reader: Reader, ids: list[UUID]) -> list[list[Consent]]:
    return await reader.grouped("consents", "person_id", "signed_on, id", Consent.from_row, ids)


async def _staff_roles(reader: Reader, ids: list[UUID]) -> list[list[StaffRoleAssignment]]:
    return await reader.grouped(
        STAFF_ROLES_WITH_ACTS, "person_id", "role", StaffRoleAssignment.from_row, ids
    )


async def _third_party(reader: Reader, ids: list[UUID]) -> list[list[ThirdPartyInformation]]:
    return await reader.grouped(
        "third_party_information", "person_id", "recorded_at", ThirdPartyInformation.from_row, ids
    )


async def _requests(reader: Reader, ids: list[UUID]) -> list[list[YearRequest]]:
    return await reader.grouped(
        "mentee_requests", "person_id", "school_year", YearRequest.from_row, ids
    )


@strawberry.type(
    description="A person of a school's base (человек): a mentor, mentee, parent or staff member."
)
class Person:
    id: strawberry.ID = strawberry.field(description="The person's id.")
    kind: str = strawberry.field(
        description=(
            "The kind of person (student, teacher, parent, alumnus, partner_employee, veteran)."
        )
    )
    kinds: list[str] = strawberry.field(
        description="Every kind the person is: the one counted first, then the others (an"
        " alumnus who works for a partner)."
    )
    full_name: str = strawberry.field(description="The person's full name (ФИО).")
    birth_date: date | None = strawberry.field(description="The birth date, if recorded.")
    birth_year: int | None = strawberry.field(
        description="The birth year, when only the year is known or shown."
    )
    contacts: str | None = strawberry.field(
        description="How to reach the person (phone, e-mail), as entered."
    )
    grade: str | None = strawberry.field(description="A pupil's class («7Б»).")
    position: str | None = strawberry.field(
        description="A teacher's or a partner employee's position (должность)."
    )
    teaching_since: date | None = strawberry.field(
        description="The day the person's teaching experience (педагогический стаж) starts from."
    )
    partner_id: strawberry.ID | None = strawberry.field(
        description="For a partner's employee, the partner organisation."
    )
    is_mentor: bool = strawberry.field(description="The person is in the school's base of mentors.")
    is_mentee: bool = strawberry.field(description="The person is in the school's base of mentees.")
    mentor_capacity: int = strawberry.field(
        description="How many mentees the mentor can take at once."
    )
    mail_reminders: bool = strawberry.field(description="Получает напоминания по электронной почте")
    row: strawberry.Private[Any]

    @strawberry.field(description=VERSION)
    async def version(self, info: ReaderInfo) -> int | None:
        return await version_of(info, self.id)

    @classmethod
    def from_row(cls, row: asyncpg.Record) -> Person:
        partner = row["partner_id"]
        return cls(
            **fields_of(
                cls,
                row,
                id=strawberry.ID(str(row["id"])),
                kinds=list(row["kinds"]),
                partner_id=strawberry.ID(str(partner)) if partner else None,
                row=row,
            )
        )

    @strawberry.field(description="Полных лет педагогического стажа на дату (по умолчанию сегодня)")
    def teaching_years(self, on: On = None) -> int | None:
        if self.teaching_since is None:
            return None
        day = on or region_today()
        before = (day.month, day.day) < (self.teaching_since.month, self.teaching_since.day)
        return max(day.year - self.teaching_since.year - before, 0)

    @strawberry.field(
        description="Молодой специалист на дату (по умолчанию сегодня): педагог со стажем"
        " не более 3 лет и моложе 35 лет в году этой даты — как в показателях"
    )
    def young_specialist(self, on: On = None) -> bool:
        if self.kind != "teacher" or self.teaching_since is None:
            return False
        day = on or region_today()
        young = self.birth_year is None or day.year - self.birth_year < YOUNG_SPECIALIST_AGE
        return self.teaching_since >= years_before(day, YOUNG_SPECIALIST_YEARS) and young

    @strawberry.field(description="The person's consents, withdrawn ones included.")
    async def consents(self, info: ReaderInfo) -> list[Consent]:
        result: list[Consent] = await reader_of(info).loader(_consents).load(UUID(self.id))
        return result

    @strawberry.field(description="The person's staff roles in mentoring at the school.")
    async def staff_roles(self, info: ReaderInfo) -> list[StaffRoleAssignment]:
        result: list[StaffRoleAssignment] = (
            await reader_of(info).loader(_staff_roles).load(UUID(self.id))
        )
        return result

    @strawberry.field(
        description="Information about the person received from third parties (152-ФЗ)."
    )
    async def third_party_information(self, info: ReaderInfo) -> list[ThirdPartyInformation]:
        result: list[ThirdPartyInformation] = (
            await reader_of(info).loader(_third_party).load(UUID(self.id))
        )
        return result

    @strawberry.field(
        description="The mentee's profile for the current school year; null for a non-mentee."
    )
    def mentee_profile(self) -> MenteeProfile | None:
        if not self.is_mentee:
            return None
        return MenteeProfile(
            categories=list(self.row["mentee_categories"]),
            needs=list(self.row["mentee_needs"]),
            requests=self.row["requests"],
            school_year=self.row["requests_year"],
        )

    @strawberry.field(description="Запросы наставляемого по учебным годам, от раннего к позднему")
    async def requests_by_year(self, info: ReaderInfo) -> list[YearRequest]:
        if not self.is_mentee:
            return []
        result: list[YearRequest] = await reader_of(info).loader(_requests).load(UUID(self.id))
        return result

    @strawberry.field(
        description="The mentor's questionnaire (анкета наставника); null for a non-mentor."
    )
    def mentor_profile(self) -> MentorProfile | None:
        if not self.is_mentor:
            return None
        return MentorProfile(
            **fields_of(
                MentorProfile,
                self.row,
                status=self.row["mentor_status"],
                competences=list(self.row["competences"]),
                interests=list(self.row["interests"]),
                preferred_categories=list(self.row["preferred_categories"]),
            )
        )


async def load_people(reader: Reader, ids: list[UUID]) -> list[Person | None]:
    found = await people_by_id(reader.fetch, ids)
    return [found.get(i) for i in ids]


async def people_by_id(fetch: Fetch, ids: list[UUID]) -> dict[UUID, Person]:
    """The people the caller may see among `ids` (a school's own only)."""
    rows = await fetch("SELECT * FROM people WHERE id = ANY($1::uuid[])", ids)
    return {row["id"]: Person.from_row(row) for row in rows}


async def people(
    info: ReaderInfo,
    role: Annotated[
        ParticipantRole | None,
        strawberry.argument(description="Only mentors or only mentees (наставники, наставляемые)."),
    ] = None,
    kind: Annotated[
        str | None,
        strawberry.argument(
            description=(
                "Only people of this kind (категория): student, teacher, parent, graduate, "
                "partner employee."
            )
        ),
    ] = None,
    search: Annotated[
        str | None,
        strawberry.argument(description="Only people whose full name (ФИО) contains this text."),
    ] = None,
    mentor_status: Annotated[
        str | None,
        strawberry.argument(
            description="Only mentors of this status in the mentor base (статус наставника)."
        ),
    ] = None,
    first: First = 50,
    after: After = None,
    staff_role: Annotated[
        str | None,
        strawberry.argument(
            description=(
                "Only staff with this role (роль сотрудника): coordinator, curator, director…"
            )
        ),
    ] = None,
) -> Connection[Person]:
    """База наставников и наставляемых школы: поиск по ФИО, фильтры, страницы; `staffRole` —
    сотрудники с этой ролью (coordinator, curator, director…)."""
    conditions, args = ["true"], []
    if role is not None:
        conditions.append("is_mentor" if role == ParticipantRole.MENTOR else "is_mentee")
    if staff_role is not None:
        args.append(staff_role)
        conditions.append(
            f"EXISTS (SELECT 1 FROM staff_roles s WHERE s.person_id = people.id"
            f" AND s.role = ${len(args)})"
        )
    if kind is not None:
        args.append(kind)
        conditions.append(f"${len(args)} = ANY(kinds)")
    if mentor_status is not None:
        args.append(mentor_status)
        conditions.append(f"mentor_status = ${len(args)}")
    if search:
        args.append(name_pattern(search))
        conditions.append(f"{folded_sql('full_name')} LIKE ${len(args)}")
    where = " AND ".join(conditions)
    size = page_size(first)
    reader = reader_of(info)
    rows = await reader.fetch(
        f"SELECT * FROM people WHERE {where} AND id > ${len(args) + 1}"
        f" ORDER BY id LIMIT ${len(args) + 2}",
        *args,
        decode_cursor(after),
        size + 1,
    )
    total = await reader.fetch(f"SELECT count(*) AS n FROM people WHERE {where}", *args)
    return connection([(r["id"], Person.from_row(r)) for r in rows], size, total[0]["n"], after)


async def staff(info: ReaderInfo) -> list[Person]:
    """Сотрудники школы: её работники (педагоги, психологи, социальные педагоги,
    администрация, классные руководители) и все, кому назначена роль в наставничестве, —
    в базах они или нет; по ФИО."""
    rows = await reader_of(info).fetch(
        "SELECT * FROM people WHERE kinds && $1::text[]"
        " OR EXISTS (SELECT 1 FROM staff_roles s WHERE s.person_id = people.id)"
        " ORDER BY lower(full_name), id",
        list(STAFF_KIND_CODES),
    )
    return [Person.from_row(r) for r in rows]


async def person(info: ReaderInfo, id: Id) -> Person | None:
    """Карточка человека из базы школы."""
    found: Person | None = await reader_of(info).loader(load_people).load(uuid_of(id))
    return found
