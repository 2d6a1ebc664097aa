"""The self-audit checklist (S1) of every school in scope: each item's answer, review and
history, and which schools have gaps (an item not answered, or whose latest verdict — the
school's answer or a later review — is «не выполнено»)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from shared.indicators import SELF_AUDIT_ITEMS, check_school_year
from shared.kernel.errors import NotFound

from .arguments import MunicipalityId, SchoolYear
from .context import Reader, ReaderInfo, reader_of, uuid_of
from .pagination import After, Connection, First, connection, decode_cursor, page_size

# The latest verdict of each answered item of each school in scope.
VERDICTS = """
SELECT DISTINCT ON (school_id, item) school_id, tenant, item, achieved
FROM self_audit_entries
WHERE school_year = $2 AND item IS NOT NULL AND tenant <@ $1::ltree
ORDER BY school_id, item, position DESC
"""


async def gaps_by_school(reader: Reader, scope: str, school_year: str) -> dict[str, int]:
    """Items that are gaps, by school path, for every school under the scope."""
    schools = await reader.fetch(
        "SELECT tenant FROM organisations WHERE kind = 'school' AND tenant <@ $1::ltree", scope
    )
    gaps = {str(row["tenant"]): len(SELF_AUDIT_ITEMS) for row in schools}
    for row in await reader.fetch(VERDICTS, scope, school_year):
        if row["achieved"] and str(row["tenant"]) in gaps:
            gaps[str(row["tenant"])] -= 1
    return gaps


@strawberry.type(description="One change of a self-audit (запись истории самоаудита).")
class SelfAuditEntry:
    action: str = strawberry.field(
        description=(
            "What changed: `answer` (the school's answer), `review` (a reviewer's verdict) or"
            " `page` (the website page)."
        )
    )
    achieved: bool | None = strawberry.field(
        description="The answer or verdict: the item is achieved or not."
    )
    text: str | None = strawberry.field(description="Подтверждение, рекомендация или адрес")
    actor_user: str = strawberry.field(description="The user who made the change.")
    actor_role: str = strawberry.field(description="The role the user acted in.")
    at: datetime = strawberry.field(description="When the change was made.")


@strawberry.type(description="One item of the self-audit checklist (пункт чек-листа самоаудита).")
class SelfAuditItem:
    number: int = strawberry.field(description="The item's number (1–12).")
    text: str = strawberry.field(description="The item's requirement.")
    achieved: bool | None = strawberry.field(description="Ответ школы (последний)")
    evidence: str | None = strawberry.field(description="The school's evidence for its answer.")
    review_achieved: bool | None = strawberry.field(description="Вывод проверяющего (последний)")
    recommendation: str | None = strawberry.field(
        description="The reviewer's latest recommendation."
    )
    verdict: bool | None = strawberry.field(description="Последнее слово: ответ или проверка")
    gap: bool = strawberry.field(description="The item is not achieved (by the last word).")
    history: list[SelfAuditEntry] = strawberry.field(
        description="Every answer and review of the item, in order."
    )


@strawberry.type(description="A school's self-audit (самоаудит школы) for a school year.")
class SelfAuditSchool:
    school_id: strawberry.ID = strawberry.field(description="The school.")
    school_name: str = strawberry.field(description="The school's name.")
    path: str = strawberry.field(description="The school's place in the region's tree.")
    school_year: str = strawberry.field(description="The school year audited.")
    page_url: str | None = strawberry.field(
        description="The mentoring page of the school's website, as the school gave it."
    )
    gaps: list[int] = strawberry.field(description="The numbers of the items not achieved.")
    items: list[SelfAuditItem] = strawberry.field(description="The twelve items.")

    @strawberry.field(description="Some item is not achieved.")
    def has_gaps(self) -> bool:
        return bool(self.gaps)


def _entry(row: Any) -> SelfAuditEntry:
    return SelfAuditEntry(
        action=row["action"],
        achieved=row["achieved"],
        text=row["text"],
        actor_user=row["actor_user"],
        actor_role=row["actor_role"],
        at=row["at"],
    )


def _items(entries: list[Any]) -> tuple[str | None, list[SelfAuditItem]]:
    """The page address and the twelve items, from a school's entries in stored order."""
    page_url = None
    by_item: dict[int, list[Any]] = {number: [] for number in SELF_AUDIT_ITEMS}
    for row in entries:
        if row["action"] == "page":
            page_url = row["text"]
        elif row["item"] in by_item:
            by_item[row["item"]].append(row)
    items = []
    for number, text in SELF_AUDIT_ITEMS.items():
        rows = by_item[number]
        answers = [r for r in rows if r["action"] == "answer"]
        reviews = [r for r in rows if r["action"] == "review"]
        verdict = rows[-1]["achieved"] if rows else None
        items.append(
            SelfAuditItem(
                number=number,
                text=text,
                achieved=answers[-1]["achieved"] if answers else None,
                evidence=answers[-1]["text"] if answers else None,
                review_achieved=reviews[-1]["achieved"] if reviews else None,
                recommendation=reviews[-1]["text"] if reviews else None,
                verdict=verdict,
                gap=verdict is not True,
                history=[_entry(r) for r in rows],
            )
        )
    return page_url, items


async def self_audits(
    info: ReaderInfo,
    school_year: SchoolYear,
    municipality_id: MunicipalityId = None,
    with_gaps: Annotated[
        bool | None,
        strawberry.argument(
            description="Only schools whose self-audit has gaps (пробелы), or only those without."
        ),
    ] = None,
    first: First = 50,
    after: After = None,
) -> Connection[SelfAuditSchool]:
    """Самоаудит школ вашей области (или муниципалитета) по чек-листу из 12 пунктов: ответы,
    проверки с рекомендациями, история; `withGaps: true` — только школы с пробелами."""
    check_school_year(school_year)
    reader = reader_of(info)
    scope = reader.caller().scope.path
    if municipality_id is not None:
        found = await reader.fetch(
            "SELECT tenant FROM organisations WHERE id = $1", uuid_of(municipality_id)
        )
        if not found:
            raise NotFound("organisation_not_found", "Муниципалитет не найден")
        scope = str(found[0]["tenant"])
    gaps = await gaps_by_school(reader, scope, school_year)
    schools = await reader.fetch(
        "SELECT id, name, tenant FROM organisations WHERE kind = 'school' AND tenant <@ $1::ltree"
        " ORDER BY id",
        scope,
    )
    if with_gaps is not None:
        schools = [s for s in schools if (gaps[str(s["tenant"])] > 0) == with_gaps]
    size = page_size(first)
    start = decode_cursor(after)
    page = [s for s in schools if s["id"] > start][: size + 1]
    entries = await reader.fetch(
        "SELECT * FROM self_audit_entries WHERE school_year = $1 AND school_id = ANY($2::uuid[])"
        " ORDER BY position",
        school_year,
        [s["id"] for s in page],
    )
    nodes = []
    for school in page:
        page_url, items = _items([e for e in entries if e["school_id"] == school["id"]])
        nodes.append(
            (
                school["id"],
                SelfAuditSchool(
                    school_id=strawberry.ID(str(school["id"])),
                    school_name=school["name"],
                    path=str(school["tenant"]),
                    school_year=school_year,
                    page_url=page_url,
                    gaps=[item.number for item in items if item.gap],
                    items=items,
                ),
            )
        )
    return connection(nodes, size, len(schools), after)
