"""The school's programme with its stage and meeting rule, and its roadmap with each
activity's status in the school year and what is overdue."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.programs.labels import ITEM_STATUS_NAMES, STAGE_NAMES

from ..backend import Backend, Refused
from ..commands import ItemProgress, MeetingRule, StageChange
from ..forms import Form
from ..pages import form_page, page
from ..reads import Date, Read
from ..session import WebUser
from .common import (
    Question,
    done,
    programme_command,
    programme_required,
    school_of,
    unconfirmed,
)

ROADMAP = """
query($school: ID!) {
  roadmap(schoolId: $school) {
    orderNumber orderDate periodFrom periodTo monitoringWindow regulationTitle regulationVersion
    regulationAdoptedOn schoolYear completion overdueCount
    items { id number block blockTitle stage stageName activity deadline dueOn responsible
            expectedResult controlPoint
            status statusName reportedOn evidence fulfilledBy fulfilledOn fulfilmentNumber
            overdue }
  }
}
"""


class RoadmapItem(Read):
    id: str
    number: str
    block: str
    blockTitle: str | None
    stage: int | None
    stageName: str | None
    activity: str
    deadline: str
    dueOn: Date | None
    responsible: list[str]
    expectedResult: str
    controlPoint: bool
    status: str
    statusName: str
    reportedOn: Date | None
    evidence: str | None
    fulfilledBy: str | None  # the fact that marks it done, in words
    fulfilledOn: Date | None  # the day that fact happened, if it has
    fulfilmentNumber: str | None
    overdue: bool


class Implementation(Read):
    """The school's implementation order, regulation and roadmap."""

    orderNumber: str
    orderDate: Date
    periodFrom: Date
    periodTo: Date
    monitoringWindow: str | None
    regulationTitle: str | None
    regulationVersion: str | None
    regulationAdoptedOn: Date | None
    schoolYear: str
    completion: int
    overdueCount: int
    items: list[RoadmapItem]


class Roadmap(Read):
    roadmap: Implementation | None


class ProgrammeController(Controller):
    @get("/programme")
    async def programme(self, user: WebUser, backend: Backend) -> Template:
        programme = await programme_required(backend, user)
        rule = Form(values={"every_days": programme.meetingEveryDays})
        return page("school/programme.html", user, programme=programme, form=rule)

    @post("/programme/stage")
    async def move_to_stage(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        programme = await programme_required(backend, user)
        form = Form.of(await request.form())
        stage = form.number("stage")
        name = STAGE_NAMES.get(stage, "") if isinstance(stage, int) else ""
        question = Question(
            f"Перейти к этапу {stage}: {name}?",
            "Вернуться на прежний этап программы будет нельзя.",
            f"Да, перейти к этапу {stage}",
            "/programme",
        )
        if asked := unconfirmed(request, user, form, question):
            return asked
        await programme_command(backend, user, programme, "stage", StageChange(stage=stage))
        return done(request, "/programme", "Программа перешла на следующий этап")

    @post("/programme/meeting-rule")
    async def set_meeting_rule(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        programme = await programme_required(backend, user)
        form = Form.of(await request.form())
        try:
            await programme_command(
                backend,
                user,
                programme,
                "meeting-rule",
                MeetingRule(every_days=form.number("every_days")),
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, {"every_days": "every_days"}, {})
            form.errors.setdefault("every_days", form.errors.pop("", ""))
            return form_page("school/programme.html", user, form, programme=programme)
        return done(request, "/programme", "Правило частоты встреч изменено")

    @get("/roadmap")
    async def roadmap(self, user: WebUser, backend: Backend) -> Template:
        school = school_of(user)
        found = await backend.query(user.token, ROADMAP, Roadmap, school=str(school))
        return page(
            "school/roadmap.html",
            user,
            roadmap=found.roadmap,
            sections=_sections(found.roadmap),
            statuses=list(ITEM_STATUS_NAMES.items()),
        )

    @post("/roadmap/items/{item_id:uuid}/progress")
    async def report_progress(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, item_id: UUID
    ) -> Redirect:
        school = school_of(user)
        form = Form.of(await request.form())
        await backend.command(
            user.token,
            "programs",
            f"/schools/{school}/roadmap/items/{item_id}/progress",
            ItemProgress(
                status=form.text("status"),
                on=form.day("on") or date.today().isoformat(),
                school_year=form.text("school_year"),
                evidence=form.text("evidence") or "",
            ),
        )
        return done(request, "/roadmap", "Статус мероприятия записан", anchor=f"item-{item_id}")


def _sections(roadmap: Implementation | None) -> list[tuple[str, list[RoadmapItem]]]:
    """The roadmap's activities under their headings, in its own order: its blocks as written
    («1. Подготовка условий…»), or the stages for a roadmap without blocks."""
    sections: dict[str, list[RoadmapItem]] = {}
    for item in roadmap.items if roadmap else []:
        if item.block:
            heading = f"{item.block}. {item.blockTitle or ''}".strip()
        elif item.stage:
            heading = f"Этап {item.stage}. {(item.stageName or '').capitalize()}"
        else:
            heading = "Вне этапов"
        sections.setdefault(heading, []).append(item)
    return list(sections.items())
