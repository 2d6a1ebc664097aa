"""A school's implementation of the target model: its order, regulation and roadmap with the
status of each activity in a school year and what is overdue."""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

import asyncpg
import strawberry

from services.programs.deadlines import Deadline, Period, due_on, is_overdue
from services.programs.labels import (
    DEADLINE_KIND_NAMES,
    ITEM_STATUS_NAMES,
    STAGE_NAMES,
    fulfilment_words,
)
from services.programs.values import ItemStatus, Stage
from shared.adapters.settings import region_today
from shared.dictionaries import school_year_of

from .arguments import On, OptionalSchoolYear, SchoolId
from .context import Reader, ReaderInfo, reader_of, uuid_of


@strawberry.type(description="An activity of a school's roadmap (мероприятие дорожной карты).")
class RoadmapItem:
    id: strawberry.ID = strawberry.field(description="The activity's id.")
    number: str = strawberry.field(description="Номер мероприятия в дорожной карте, «1.1»")
    block: str = strawberry.field(description="Номер раздела дорожной карты")
    block_title: str | None = strawberry.field(description="Раздел, как в дорожной карте")
    stage: int | None = strawberry.field(description="Этап целевой модели; нет — вне этапов")
    activity: str = strawberry.field(description="What is to be done, as the roadmap words it.")
    deadline: str = strawberry.field(description="Срок, как в дорожной карте")
    deadline_kind: str = strawberry.field(
        description="Вид срока: date, month, months, years, yearly, through_year, schedule,"
        " all_stages, relative, none"
    )
    deadline_kind_name: str = strawberry.field(description="The kind of deadline in Russian words.")
    recurring: bool = strawberry.field(description="Ежегодное (каждый учебный год)")
    due_on: date | None = strawberry.field(
        description="Последний день срока на выбранную дату; нет — срок не назван днём"
    )
    responsible: list[str] = strawberry.field(
        description="Who is responsible, as the roadmap names them."
    )
    expected_result: str = strawberry.field(
        description="The expected result, as the roadmap words it."
    )
    control_point: bool = strawberry.field(
        description="The activity is a control point (контрольная точка)."
    )
    status: str = strawberry.field(
        description="The activity's status (planned, in progress, done, cancelled) as a code."
    )
    status_name: str = strawberry.field(description="The status in Russian words.")
    reported_on: date | None = strawberry.field(description="The day progress was last reported.")
    evidence: str | None = strawberry.field(description="What proves it was done, as reported.")
    fulfilled_by_fact: str | None = strawberry.field(
        description="Чем выполняется: act, stage, base, survey; нет — только отметкой"
    )
    fulfilled_by_subject: str | None = strawberry.field(
        description="Вид акта, номер этапа или база (mentee, mentor)"
    )
    fulfilled_by: str | None = strawberry.field(description="Чем выполняется, словами")
    fulfilled_on: date | None = strawberry.field(
        description="Дата факта, которым мероприятие выполнено (акта — по документу)"
    )
    fulfilment_number: str | None = strawberry.field(description="Номер акта, которым выполнено")
    overdue: bool = strawberry.field(
        description="The deadline has passed and the activity is not done."
    )

    @strawberry.field(description="The stage's name in Russian; null outside the stages.")
    def stage_name(self) -> str | None:
        return None if self.stage is None else STAGE_NAMES[Stage(self.stage)]


@strawberry.type(
    description=(
        "A school's implementation order (приказ о внедрении целевой модели наставничества)."
    )
)
class Implementation:
    school_id: strawberry.ID = strawberry.field(description="The school.")
    order_number: str = strawberry.field(description="The implementation order's number.")
    order_date: date = strawberry.field(description="The implementation order's date.")
    period_from: date = strawberry.field(
        description="The first day of the period the order introduces the target model for."
    )
    period_to: date = strawberry.field(description="The last day of that period.")
    monitoring_window: str | None = strawberry.field(
        description="Окно мониторинга, «дд.мм – дд.мм»; null — приказ сроков не указывает"
    )
    regulation_title: str | None = strawberry.field(
        description=(
            "The title of the school's regulation on mentoring (положение о наставничестве)."
        )
    )
    regulation_version: str | None = strawberry.field(
        description="The regulation's version or edition, as the school names it."
    )
    regulation_adopted_on: date | None = strawberry.field(
        description="The day the regulation was adopted."
    )
    roadmap_title: str | None = strawberry.field(description="Заголовок дорожной карты")
    roadmap_order_number: str | None = strawberry.field(
        description="Номер приказа, утвердившего дорожную карту (если своего)"
    )
    roadmap_order_date: date | None = strawberry.field(
        description="The date of the order that approved the roadmap."
    )
    school_year: str = strawberry.field(
        description="The school year of the roadmap shown («2025/2026»)."
    )
    items: list[RoadmapItem] = strawberry.field(
        description="The roadmap's items (мероприятия) of the school year, in order."
    )

    @strawberry.field(description="Доля выполненных мероприятий учебного года, %")
    def completion(self) -> int:
        done = sum(1 for i in self.items if i.status == ItemStatus.DONE)
        return round(completion_percent(done, len(self.items)) or 0)

    @strawberry.field(description="Просроченные мероприятия")
    def overdue_count(self) -> int:
        return sum(1 for i in self.items if i.overdue)


# An activity's status in school year $2: a yearly one's report of that year, a dated one's
# only report; and the earliest fact that fulfils it by day {day} (a yearly one's in that
# school year).
WITH_PROGRESS = """
FROM roadmap_items i
LEFT JOIN roadmap_progress p ON p.item_id = i.id
  AND p.school_year = CASE WHEN i.recurring THEN $2 ELSE '' END
LEFT JOIN LATERAL (
  SELECT f.happened_on, f.number FROM roadmap_facts f
  WHERE f.school_id = i.school_id AND f.fact = i.fulfilled_fact
    AND f.subject = i.fulfilled_subject AND (f.school_year = $2 OR NOT i.recurring)
    AND f.happened_on <= {day}
  ORDER BY f.happened_on LIMIT 1
) e ON true
"""
ITEMS = f"""
SELECT i.*, p.status, p.reported_on, p.evidence, e.happened_on AS fulfilled_on,
    e.number AS fulfilment_number {WITH_PROGRESS.format(day="$3")}
WHERE i.school_id = $1 AND NOT i.cancelled
ORDER BY i.place
"""
# The same activities counted per school under scope $1 (for the comparison of schools).
COMPLETION = f"""
SELECT i.tenant::text AS school, count(*) AS items,
    count(*) FILTER (WHERE p.status = 'done' OR e.happened_on IS NOT NULL) AS done
    {WITH_PROGRESS.format(day="current_date")}
WHERE i.tenant <@ $1::ltree AND NOT i.cancelled
GROUP BY 1
"""


def completion_percent(done: int, items: int) -> float | None:
    """Done activities of the school year ÷ all its activities (cancelled ones aside) × 100."""
    return round(100 * done / items, 2) if items else None


def _item(row: asyncpg.Record, period: Period, today: date) -> RoadmapItem:
    deadline = Deadline.from_dict(json.loads(row["deadline"]))
    status = ItemStatus(row["status"] or ItemStatus.PLANNED)
    if row["fulfilled_on"] is not None:  # the fact happened: done, whatever was marked
        status = ItemStatus.DONE
    return RoadmapItem(
        id=strawberry.ID(str(row["id"])),
        number=row["number"],
        block=row["block"],
        block_title=row["block_title"],
        stage=row["stage"],
        activity=row["activity"],
        deadline=deadline.words,
        deadline_kind=str(deadline.kind),
        deadline_kind_name=DEADLINE_KIND_NAMES[deadline.kind],
        recurring=deadline.recurring,
        due_on=due_on(deadline, period, today),
        responsible=list(row["responsible"]),
        expected_result=row["expected_result"],
        control_point=row["control_point"],
        status=str(status),
        status_name=ITEM_STATUS_NAMES[status],
        reported_on=row["reported_on"],
        evidence=row["evidence"],
        fulfilled_by_fact=row["fulfilled_fact"],
        fulfilled_by_subject=row["fulfilled_subject"],
        fulfilled_by=fulfilment_words(row["fulfilled_fact"], row["fulfilled_subject"]),
        fulfilled_on=row["fulfilled_on"],
        fulfilment_number=row["fulfilment_number"] or None,
        overdue=is_overdue(deadline, period, today, done=status == ItemStatus.DONE),
    )


def _period(implementation: asyncpg.Record, items: list[asyncpg.Record], day: date) -> Period:
    """The roadmap's period and the due dates of its numbered activities (for those due
    relative to another one)."""
    period = Period(implementation["period_from"], implementation["period_to"])
    for row in items:
        if row["number"]:
            deadline = Deadline.from_dict(json.loads(row["deadline"]))
            if (due := due_on(deadline, period, day)) is not None:
                period.due_of_number[row["number"]] = due
    return period


def _day(pair: list[int]) -> str:
    return f"{pair[1]:02d}.{pair[0]:02d}"


async def roadmap(
    info: ReaderInfo,
    school_id: SchoolId,
    school_year: OptionalSchoolYear = None,
    on: On = None,
) -> Implementation | None:
    """Приказ о внедрении, Положение и дорожная карта школы: статус мероприятий в учебном
    году (по умолчанию — текущем) и просроченные на дату `on` (по умолчанию — сегодня)."""
    return await load_roadmap(reader_of(info), uuid_of(school_id), school_year, on)


async def load_roadmap(
    reader: Reader, school_id: UUID, school_year: str | None, on: date | None
) -> Implementation | None:
    today = on or region_today()
    year = school_year or school_year_of(today)
    found = await reader.fetch("SELECT * FROM implementations WHERE school_id = $1", school_id)
    if not found:
        return None
    row = found[0]
    items = await reader.fetch(ITEMS, row["school_id"], year, today)
    period = _period(row, items, today)
    return Implementation(
        school_id=strawberry.ID(str(school_id)),
        order_number=row["order_number"],
        order_date=row["order_date"],
        period_from=row["period_from"],
        period_to=row["period_to"],
        monitoring_window=(
            f"{_day(row['monitoring_from'])} – {_day(row['monitoring_to'])}"
            if row["monitoring_from"]
            else None
        ),
        regulation_title=row["regulation_title"],
        regulation_version=row["regulation_version"],
        regulation_adopted_on=row["regulation_adopted_on"],
        roadmap_title=row["roadmap_title"] or None,
        roadmap_order_number=row["roadmap_order_number"] or None,
        roadmap_order_date=row["roadmap_order_date"],
        school_year=year,
        items=[_item(r, period, today) for r in items],
    )
