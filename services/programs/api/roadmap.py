"""A school's implementation of the target model: the order, the regulation, the roadmap."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import anyio
import msgspec
from litestar import Controller, Request, post, put
from litestar.datastructures import State

from services.wiring import Created, Position
from shared.adapters.uploads import FileUpload, uploaded_file
from shared.dictionaries import SchoolYear
from shared.kernel.errors import InvalidInput
from shared.kernel.principal import Principal

from ..deadlines import is_control_point
from ..domain import (
    DEFAULT_MONITORING_WINDOW,
    Deadline,
    FactKind,
    Fulfilment,
    ItemStatus,
    RoadmapBlock,
    RoadmapItem,
    Stage,
    WrittenRoadmap,
    legacy_deadline,
    read_deadline,
)
from .common import OrderNumber, Text, Title, programs_of

MAX_TABLE_BYTES = 10 * 1024 * 1024
Month = Annotated[int, msgspec.Meta(ge=1, le=12)]
Day = Annotated[int, msgspec.Meta(ge=1, le=31)]


class DayOfYear(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    month: Annotated[Month, msgspec.Meta(description="The month (1–12)")]
    day: Annotated[Day, msgspec.Meta(description="The day of the month")]


def _offered(day: tuple[int, int]) -> dict[str, int]:
    return {"month": day[0], "day": day[1]}


class ImplementationOrderIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[
        OrderNumber,
        msgspec.Meta(description="The implementation order's number", examples=["118-о"]),
    ]
    order_date: Annotated[date, msgspec.Meta(description="Its date", examples=["2025-08-28"])]
    period_from: Annotated[
        date,
        msgspec.Meta(
            description="The first day of the period it introduces the target model for",
            examples=["2025-09-01"],
        ),
    ]
    period_to: Annotated[
        date, msgspec.Meta(description="The last day of that period", examples=["2026-08-31"])
    ]
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
    title: Annotated[
        Title,
        msgspec.Meta(
            description="The regulation's title",
            examples=["Положение о программе наставничества МБОУ «СОШ № 12»"],
        ),
    ]
    version: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=50,
            description="Its version or edition",
            examples=["редакция 2"],
        ),
    ]
    adopted_on: Annotated[
        date, msgspec.Meta(description="The day it was adopted", examples=["2025-08-29"])
    ]


StageNumber = Annotated[int, msgspec.Meta(ge=1, le=7)]
Number = Annotated[str, msgspec.Meta(max_length=20)]


class DeadlineIn(msgspec.Struct, forbid_unknown_fields=True):
    """The deadline as the roadmap writes it (`words`: «Октябрь–ноябрь 2020», «Ежегодно»,
    «По отдельному графику», «» for none); or, as before, `on` (a date) or `month` and `day`
    (by that day each school year)."""

    words: Annotated[
        Annotated[str, msgspec.Meta(max_length=300)] | None,
        msgspec.Meta(description="The deadline as the roadmap writes it"),
    ] = None
    on: Annotated[
        date | None, msgspec.Meta(description="The deadline as a day, when it is one")
    ] = None
    month: Annotated[
        Month | None, msgspec.Meta(description="The deadline's month, for a yearly one")
    ] = None
    day: Annotated[
        Day | None, msgspec.Meta(description="The deadline's day of the month, for a yearly one")
    ] = None

    def deadline(self, field: str) -> Deadline:
        if self.words is not None:
            return read_deadline(self.words, field)
        return legacy_deadline(self.on, self.month, self.day)


class FulfilmentIn(msgspec.Struct, forbid_unknown_fields=True):
    """The fact that marks the activity done when it happens: an act of a kind issued
    (`act`: implementation_order, regulation_adopted, pairs_order, mentor_register), the
    programme reaching a stage (`stage`: its number), a base begun (`base`: mentee, mentor),
    a survey run (`survey`, no subject), a school event of a kind held (`event`: group_meeting,
    orientation_session, conference, seminar, round_table, mentor_course, publicity)."""

    fact: Annotated[
        FactKind,
        msgspec.Meta(description="What fulfils the activity: an act, a stage, a base or a survey"),
    ]
    subject: Annotated[
        str,
        msgspec.Meta(
            max_length=50, description="The act's kind, the stage's number or the base that does"
        ),
    ] = ""

    def fulfilment(self) -> Fulfilment:
        return Fulfilment(self.fact, self.subject)


class RoadmapItemIn(msgspec.Struct, forbid_unknown_fields=True):
    activity: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=4000,
            description="What is to be done",
            examples=["Издание приказа о внедрении целевой модели наставничества"],
        ),
    ]
    deadline: Annotated[
        DeadlineIn, msgspec.Meta(description="When", examples=[{"words": "Сентябрь 2025"}])
    ]
    stage: Annotated[
        StageNumber | None,
        msgspec.Meta(description="The target model's stage, if any", examples=[1]),
    ] = None
    responsible: Annotated[
        list[Title],
        msgspec.Meta(
            max_length=10,
            description="Who is responsible",
            examples=[["Директор", "Куратор программы наставничества"]],
        ),
    ] = []
    expected_result: Annotated[
        Text,
        msgspec.Meta(
            description="The expected result",
            examples=["Приказ о внедрении целевой модели наставничества"],
        ),
    ] = ""
    control_point: Annotated[bool, msgspec.Meta(description="The activity is a control point")] = (
        False
    )
    number: Annotated[
        Number,
        msgspec.Meta(description="The activity's number in the roadmap («1.1»)", examples=["1.1"]),
    ] = ""  # the roadmap's own numbering, «1.1»
    block: Annotated[
        Number, msgspec.Meta(description="The number of its block", examples=["1"])
    ] = ""  # the number of its block
    fulfilled_by: Annotated[
        FulfilmentIn | None,
        msgspec.Meta(
            description="The fact that fulfils it, if the platform can see one",
            examples=[{"fact": "act", "subject": "implementation_order"}],
        ),
    ] = None  # None: a manual status alone marks it done

    def item(self, field: str = "deadline") -> RoadmapItem:
        deadline = self.deadline.deadline(field)
        return RoadmapItem(
            stage=None if self.stage is None else Stage(self.stage),
            activity=self.activity,
            deadline=deadline,
            responsible=tuple(self.responsible),
            expected_result=self.expected_result,
            control_point=self.control_point or is_control_point(deadline.words),
            number=self.number,
            block=self.block,
            fulfilled_by=None if self.fulfilled_by is None else self.fulfilled_by.fulfilment(),
        )


# An activity as a school's roadmap writes it: `RoadmapItemIn`'s fields' examples together.
ROADMAP_ITEM_EXAMPLE = {
    "activity": "Издание приказа о внедрении целевой модели наставничества",
    "deadline": {"words": "Сентябрь 2025"},
    "stage": 1,
    "responsible": ["Директор", "Куратор программы наставничества"],
    "expected_result": "Приказ о внедрении целевой модели наставничества",
    "number": "1.1",
    "block": "1",
    "fulfilled_by": {"fact": "act", "subject": "implementation_order"},
}


class RoadmapBlockIn(msgspec.Struct, forbid_unknown_fields=True):
    number: Annotated[
        str, msgspec.Meta(min_length=1, max_length=20, description="The block's number")
    ]
    title: Annotated[
        str, msgspec.Meta(min_length=1, max_length=1000, description="The block's title")
    ]
    stage: Annotated[
        StageNumber | None,
        msgspec.Meta(description="The target model's stage the block belongs to, if any"),
    ] = None  # None: a block of no stage (informing, monitoring)

    def block(self) -> RoadmapBlock:
        stage = None if self.stage is None else Stage(self.stage)
        return RoadmapBlock(self.number, self.title, stage)


class WrittenRoadmapIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A roadmap as written: its title, the order approving it (if its own), its blocks and
    numbered activities, each in a block."""

    title: Annotated[
        str,
        msgspec.Meta(
            max_length=1000,
            description="The roadmap's title",
            examples=[
                "Дорожная карта внедрения целевой модели наставничества в МБОУ «СОШ № 12»"
                " на 2025/26 учебный год"
            ],
        ),
    ] = ""
    order_number: Annotated[
        str,
        msgspec.Meta(
            max_length=50, description="The number of the order approving it", examples=["120-о"]
        ),
    ] = ""
    order_date: Annotated[
        date | None, msgspec.Meta(description="The date of that order", examples=["2025-08-29"])
    ] = None
    blocks: Annotated[
        list[RoadmapBlockIn],
        msgspec.Meta(
            min_length=1,
            max_length=50,
            description="Its blocks, in order",
            examples=[
                [
                    {
                        "number": "1",
                        "title": "Подготовка условий для запуска программы наставничества",
                        "stage": 1,
                    }
                ]
            ],
        ),
    ]
    items: Annotated[
        list[RoadmapItemIn],
        msgspec.Meta(
            min_length=1,
            max_length=500,
            description="Its activities, in order",
            examples=[[ROADMAP_ITEM_EXAMPLE]],
        ),
    ]


class ProgressIn(msgspec.Struct, forbid_unknown_fields=True):
    status: Annotated[
        ItemStatus, msgspec.Meta(description="The activity's status now", examples=["done"])
    ]
    on: Annotated[date, msgspec.Meta(description="The day of the report", examples=["2025-09-30"])]
    school_year: Annotated[
        SchoolYear | None, msgspec.Meta(description="The school year of a yearly activity")
    ] = None
    evidence: Annotated[
        Text,
        msgspec.Meta(
            description="What proves it",
            examples=["Приказ от 28.08.2025 № 118-о размещён на сайте школы"],
        ),
    ] = ""


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

    @post("/roadmap/written", sync_to_thread=True)
    def enter_roadmap(
        self,
        request: Request[Principal, Any, Any],
        state: State,
        school_id: UUID,
        data: WrittenRoadmapIn,
    ) -> Position:
        """The roadmap as the school wrote it, stored whole or not at all: a deadline the
        platform cannot read is refused (422 `deadline_unread`, naming the field)."""
        items = [item.item(f"items[{index}].deadline") for index, item in enumerate(data.items)]
        written = WrittenRoadmap(
            tuple(block.block() for block in data.blocks),
            data.title,
            data.order_number,
            data.order_date,
        )
        position = programs_of(state).enter_roadmap(request.user, school_id, written, items)
        return Position(position=position)

    @post(
        "/roadmap/import",
        status_code=200,
        operation_class=FileUpload,
        content_type="multipart/form-data",
    )
    async def import_roadmap(
        self, request: Request[Principal, Any, Any], state: State, school_id: UUID
    ) -> dict[str, Any]:
        """The roadmap in the school's DOCX or XLSX table (columns by their Russian headers),
        each deadline read: a draft to review, with the unread deadlines to settle
        (`unread`: row, field, words), then to save by `POST …/roadmap/written`. Stores nothing."""
        content = await uploaded_file(request, "DOCX или XLSX")
        if len(content) > MAX_TABLE_BYTES:
            raise InvalidInput("file_too_large", "Файл больше 10 МБ")
        draft = await anyio.to_thread.run_sync(
            programs_of(state).roadmap_draft, request.user, school_id, content
        )
        return draft.as_dict()

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
