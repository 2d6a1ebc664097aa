"""Commands on a school's implementation: the order, the regulation and the roadmap."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.registry.state import Organisation, OrganisationKind
from shared.kernel.command import Caller, allowed
from shared.kernel.errors import InvalidInput, RuleViolated

from ..domain import (
    DEFAULT_ROADMAP,
    Implementation,
    ItemStatus,
    RoadmapItem,
    WrittenRoadmap,
    roadmap_item_parts,
)
from ..roadmap_import import Draft, read_roadmap
from .base import ProgramsBase
from .programmes import CURATORS, PROGRAMME_MANAGERS


class RoadmapCommands(ProgramsBase):
    @allowed(PROGRAMME_MANAGERS, "издавать приказ о внедрении")
    def issue_implementation_order(
        self,
        caller: Caller,
        school_id: UUID,
        number: str,
        order_date: date,
        period_from: date,
        period_to: date,
        monitoring_window: tuple[tuple[int, int], tuple[int, int]] | None = None,
    ) -> tuple[UUID, int]:
        """The director's order «О внедрении целевой модели наставничества»: once per school."""
        school = self.registry.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа")
        caller.require_scope(school.tenant)
        window = [list(day) for day in monitoring_window] if monitoring_window else None
        Implementation.check_order(period_from, period_to, window)
        implementation = Implementation(
            id=Implementation.id_for(school_id),
            tenant=school.tenant,
            actor=caller.actor,
            school_id=school_id,
            number=number,
            order_date=order_date,
            period_from=period_from,
            period_to=period_to,
            monitoring_window=window,
        )
        if self.find(Implementation, implementation.id) is not None:
            raise RuleViolated("implementation_exists", "Приказ о внедрении в этой школе уже издан")
        return implementation.id, self.store(implementation)

    @allowed(PROGRAMME_MANAGERS, "утверждать Положение о наставничестве")
    def adopt_regulation(
        self, caller: Caller, school_id: UUID, title: str, version: str, adopted_on: date
    ) -> int:
        implementation = self._implementation(caller, school_id)
        implementation.adopt_regulation(caller.actor, title, version, adopted_on)
        return self.store(implementation)

    @allowed(PROGRAMME_MANAGERS, "составлять дорожную карту")
    def adopt_default_roadmap(self, caller: Caller, school_id: UUID) -> int:
        """Start the roadmap from the seven stages' default activities, to edit afterwards."""
        implementation = self._implementation(caller, school_id)
        if implementation.items:
            raise RuleViolated(
                "roadmap_not_empty", "Дорожная карта уже составлена: правьте её мероприятия"
            )
        implementation.add_items(caller.actor, {uuid4(): item for item in DEFAULT_ROADMAP})
        return self.store(implementation)

    @allowed(PROGRAMME_MANAGERS, "составлять дорожную карту")
    def enter_roadmap(
        self,
        caller: Caller,
        school_id: UUID,
        written: WrittenRoadmap,
        items: list[RoadmapItem],
    ) -> int:
        """A roadmap as written: its blocks (each mapped to a stage or to none) and its numbered
        activities, all stored together or none; an activity takes its block's stage."""
        implementation = self._implementation(caller, school_id)
        if implementation.items:
            raise RuleViolated(
                "roadmap_not_empty", "Дорожная карта уже составлена: правьте её мероприятия"
            )
        if len({block.number for block in written.blocks}) != len(written.blocks):
            raise RuleViolated("block_number_repeated", "Номер раздела повторяется")
        numbers = [item.number for item in items if item.number]
        if len(set(numbers)) != len(numbers):
            raise RuleViolated("item_number_repeated", "Номер мероприятия повторяется")
        implementation.write_roadmap(caller.actor, written)
        implementation.add_items(caller.actor, {uuid4(): item for item in items})
        return self.store(implementation)

    @allowed(PROGRAMME_MANAGERS, "составлять дорожную карту")
    def roadmap_draft(self, caller: Caller, school_id: UUID, content: bytes) -> Draft:
        """The roadmap in the school's own DOCX or XLSX table, for review: nothing is stored."""
        self._implementation(caller, school_id)
        return read_roadmap(content)

    @allowed(CURATORS, "править дорожную карту")
    def add_roadmap_item(
        self, caller: Caller, school_id: UUID, item: RoadmapItem
    ) -> tuple[UUID, int]:
        """An activity; a curator adds it to the blocks or stages they are responsible for."""
        implementation = self._implementation(caller, school_id)
        self._responsible_for_items(caller, implementation, [item])
        item_id = uuid4()
        implementation.add_items(caller.actor, {item_id: item})
        return item_id, self.store(implementation)

    @allowed(CURATORS, "править дорожную карту")
    def change_roadmap_item(
        self, caller: Caller, school_id: UUID, item_id: UUID, item: RoadmapItem
    ) -> int:
        """A curator changes an activity of their blocks or stages, and keeps it within them."""
        implementation = self._implementation(caller, school_id)
        stored = implementation.items.get(item_id)
        self._responsible_for_items(caller, implementation, [item, *([stored] if stored else [])])
        implementation.change_item(caller.actor, item_id, item)
        return self.store(implementation)

    @allowed(CURATORS, "отмечать выполнение дорожной карты")
    def report_roadmap_progress(
        self,
        caller: Caller,
        school_id: UUID,
        item_id: UUID,
        status: ItemStatus,
        school_year: str | None,
        on: date,
        evidence: str,
    ) -> int:
        implementation = self._implementation(caller, school_id)
        implementation.report_progress(caller.actor, item_id, status, school_year, on, evidence)
        return self.store(implementation)

    def _responsible_for_items(
        self, caller: Caller, implementation: Implementation, items: list[RoadmapItem]
    ) -> None:
        needs = [roadmap_item_parts(item.block, implementation.stage_of(item)) for item in items]
        self._responsible(caller, implementation.school_id, needs, "править дорожную карту")

    def _implementation(self, caller: Caller, school_id: UUID) -> Implementation:
        implementation = self.find(Implementation, Implementation.id_for(school_id))
        if implementation is None:
            raise RuleViolated(
                "implementation_missing", "Сначала издайте приказ о внедрении целевой модели"
            )
        self._in_school(caller, implementation, school_id)
        return implementation
