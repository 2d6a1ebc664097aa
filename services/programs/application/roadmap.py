"""Commands on a school's implementation: the order, the regulation and the roadmap."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.registry.domain import Organisation, OrganisationKind
from shared.auth import Principal
from shared.errors import InvalidInput, RuleViolated
from shared.eventstore import actor_of

from ..domain import (
    DEFAULT_ROADMAP,
    Implementation,
    ItemStatus,
    RoadmapItem,
)
from .base import ProgramsBase
from .programmes import CURATORS, PROGRAMME_MANAGERS


class RoadmapCommands(ProgramsBase):
    def issue_implementation_order(
        self,
        principal: Principal,
        school_id: UUID,
        number: str,
        order_date: date,
        period_from: date,
        period_to: date,
        monitoring_window: tuple[tuple[int, int], tuple[int, int]] | None = None,
    ) -> tuple[UUID, int]:
        """The director's order «О внедрении целевой модели наставничества»: once per school."""
        principal.require(PROGRAMME_MANAGERS, "издавать приказ о внедрении")
        school = self.registry.load(Organisation, school_id, "Школа")
        if school.kind != OrganisationKind.SCHOOL:
            raise InvalidInput("not_a_school", "Указанная организация не школа")
        principal.require_scope(school.tenant)
        window = [list(day) for day in monitoring_window] if monitoring_window else None
        Implementation.check_order(period_from, period_to, window)
        implementation = Implementation(
            id=Implementation.id_for(school_id),
            tenant=school.tenant,
            actor=actor_of(principal),
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

    def adopt_regulation(
        self, principal: Principal, school_id: UUID, title: str, version: str, adopted_on: date
    ) -> int:
        principal.require(PROGRAMME_MANAGERS, "утверждать Положение о наставничестве")
        implementation = self._implementation(principal, school_id)
        implementation.adopt_regulation(actor_of(principal), title, version, adopted_on)
        return self.store(implementation)

    def adopt_default_roadmap(self, principal: Principal, school_id: UUID) -> int:
        """Start the roadmap from the seven stages' default activities, to edit afterwards."""
        principal.require(PROGRAMME_MANAGERS, "составлять дорожную карту")
        implementation = self._implementation(principal, school_id)
        if implementation.items:
            raise RuleViolated(
                "roadmap_not_empty", "Дорожная карта уже составлена: правьте её мероприятия"
            )
        implementation.add_items(actor_of(principal), {uuid4(): item for item in DEFAULT_ROADMAP})
        return self.store(implementation)

    def add_roadmap_item(
        self, principal: Principal, school_id: UUID, item: RoadmapItem
    ) -> tuple[UUID, int]:
        principal.require(PROGRAMME_MANAGERS, "править дорожную карту")
        implementation = self._implementation(principal, school_id)
        item_id = uuid4()
        implementation.add_items(actor_of(principal), {item_id: item})
        return item_id, self.store(implementation)

    def change_roadmap_item(
        self, principal: Principal, school_id: UUID, item_id: UUID, item: RoadmapItem
    ) -> int:
        principal.require(PROGRAMME_MANAGERS, "править дорожную карту")
        implementation = self._implementation(principal, school_id)
        implementation.change_item(actor_of(principal), item_id, item)
        return self.store(implementation)

    def report_roadmap_progress(
        self,
        principal: Principal,
        school_id: UUID,
        item_id: UUID,
        status: ItemStatus,
        school_year: str | None,
        on: date,
        evidence: str,
    ) -> int:
        principal.require(CURATORS, "отмечать выполнение дорожной карты")
        implementation = self._implementation(principal, school_id)
        implementation.report_progress(
            actor_of(principal), item_id, status, school_year, on, evidence
        )
        return self.store(implementation)

    def _implementation(self, principal: Principal, school_id: UUID) -> Implementation:
        implementation = self.find(Implementation, Implementation.id_for(school_id))
        if implementation is None:
            raise RuleViolated(
                "implementation_missing", "Сначала издайте приказ о внедрении целевой модели"
            )
        self._in_school(principal, implementation, school_id)
        return implementation
