"""A school's implementation of the target model: the order, the regulation, the roadmap."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.dictionaries import SchoolYear
from shared.kernel.errors import InvalidInput
from shared.kernel.principal import Principal

from ..domain import DEFAULT_MONITORING_WINDOW, Deadline, ItemStatus, RoadmapItem, Stage
from .common import OrderNumber, Text, Title, programs_of

Month = Annotated[int, msgspec.Meta(ge=1, le=12)]
Day = Annotated[int, msgspec.Meta(ge=1, le=31)]


class DayOfYear(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    month: Month
    day: Day


def _offered(day: tuple[int, int]) -> dict[str, int]:
    return {"month": day[0], "day": day[1]}


class ImplementationOrderIn(msgspec.Struct, forbid_unknown_fields=True):
    number: OrderNumber
    order_date: date
    period_from: date
    period_to: date
    # Both or neither: an order that states no window stays without one; the usual window
    # (DEFAULT_MONITORING_WINDOW, 1 October – 30 May) is offered, never filled in silently.
    monitoring_from: Annotated[
        DayOfYear | None,
        msgspec.Meta(
            description="Начало сроков мониторинга, если приказ их указывает",
            examples=[_offered(DEFAULT_MONITORING_WINDOW[0])],
        ),
    ] = None
    monitoring_to: Annotated[
        DayOfYear | None,
        msgspec.Meta(
            description="Окончание сроков мониторинга, если приказ их указывает",
            examples=[_offered(DEFAULT_MONITORING_WINDOW[1])],
        ),
    ] = None


class RegulationIn(msgspec.Struct, forbid_unknown_fields=True):
    title: Title
    version: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    adopted_on: date


class DeadlineIn(msgspec.Struct, forbid_unknown_fields=True):
    """Either `on` (a date) or `month` and `day` (by that day each school year)."""

    on: date | None = None
    month: Month | None = None
    day: Day | None = None


class RoadmapItemIn(msgspec.Struct, forbid_unknown_fields=True):
    stage: Annotated[int, msgspec.Meta(ge=1, le=7)]
    activity: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    deadline: DeadlineIn
    responsible: Annotated[list[Title], msgspec.Meta(max_length=10)] = []
    expected_result: Text = ""
    control_point: bool = False

    def item(self) -> RoadmapItem:
        return RoadmapItem(
            stage=Stage(self.stage),
            activity=self.activity,
            deadline=Deadline(self.deadline.on, self.deadline.month, self.deadline.day),
            responsible=tuple(self.responsible),
            expected_result=self.expected_result,
            control_point=self.control_point,
        )


class ProgressIn(msgspec.Struct, forbid_unknown_fields=True):
    status: ItemStatus
    on: date
    school_year: SchoolYear | None = None
    evidence: Text = ""


class RoadmapController(Controller):
    path = "/schools/{school_id:uuid}"
    tags = ["implementation and roadmap"]

    @post("/implementation", sync_to_thread=True)
    def issue_implementation_order(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: ImplementationOrderIn,
    ) -> Created:
        """Issue the director's order implementing the target model at the school (приказ о
        внедрении).

        The order «О внедрении целевой модели наставничества» with its period and the
        monitoring window if the order states it (usually 1 October – 30 May)."""
        window = None
        if data.monitoring_from is not None and data.monitoring_to is not None:
            window = (
                (data.monitoring_from.month, data.monitoring_from.day),
                (data.monitoring_to.month, data.monitoring_to.day),
            )
        elif data.monitoring_from is not None or data.monitoring_to is not None:
            raise InvalidInput(
                "monitoring_window_incomplete",
                "Укажите и начало, и окончание сроков мониторинга (или ни того, ни другого)",
            )
        implementation_id, position = programs_of(state).issue_implementation_order(
            request.user,
            school_id,
            data.number,
            data.order_date,
            data.period_from,
            data.period_to,
            window,
        )
        return Created(id=implementation_id, position=position)

    @post("/regulations", sync_to_thread=True)
    def adopt_regulation(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: RegulationIn,
    ) -> Position:
        """Adopt a version of the school's regulation on mentoring (положение о наставничестве)."""
        position = programs_of(state).adopt_regulation(
            request.user, school_id, data.title, data.version, data.adopted_on
        )
        return Position(position=position)

    @post("/roadmap/default", sync_to_thread=True)
    def adopt_default_roadmap(
        self, request: Request[Principal, Any, Any], state: State, school_id: UUID
    ) -> Position:
        """Adopt the default roadmap (дорожная карта) of the target model for the school.

        Start the roadmap from the seven stages' default activities."""
        position = programs_of(state).adopt_default_roadmap(request.user, school_id)
        return Position(position=position)

    @post("/roadmap/items", sync_to_thread=True)
    def add_roadmap_item(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: RoadmapItemIn,
    ) -> Created:
        """Add an item to the school's roadmap, with its stage and deadline."""
        item_id, position = programs_of(state).add_roadmap_item(
            request.user, school_id, data.item()
        )
        return Created(id=item_id, position=position)

    @put("/roadmap/items/{item_id:uuid}", sync_to_thread=True)
    def change_roadmap_item(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        item_id: UUID,
        data: RoadmapItemIn,
    ) -> Position:
        """Change an item of the school's roadmap."""
        position = programs_of(state).change_roadmap_item(
            request.user, school_id, item_id, data.item()
        )
        return Position(position=position)

    @post("/roadmap/items/{item_id:uuid}/progress", sync_to_thread=True)
    def report_roadmap_progress(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        item_id: UUID,
        data: ProgressIn,
    ) -> Position:
        """Report the progress of a roadmap item, with its evidence.

        Status of an activity (for a yearly one, in a school year) with its evidence."""
        position = programs_of(state).report_roadmap_progress(
            request.user, school_id, item_id, data.status, data.school_year, data.on, data.evidence
        )
        return Position(position=position)
