"""The school's programme with its stage and meeting rule, and its roadmap with each
activity's status in the school year and what is overdue."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.programs.labels import ITEM_STATUS_NAMES, STAGE_NAMES
from shared.adapters.settings import region_today
from shared.dictionaries import FORM_NAMES, school_year_of
from shared.frames import FRAMES

from ..backend import Backend, Refused
from ..commands import ItemProgress, MeetingRule, OpenProgramme, StageChange, WriteStageScheme
from ..commands import SchoolStage as StageLine
from ..forms import Form
from ..pages import form_page, page
from ..reads import Date, Programme, Read
from ..session import CHOSEN_PROGRAMME, WebUser
from .common import (
    FRAME_CHOICES,
    Question,
    done,
    programme_command,
    programme_required,
    school_of,
    school_programmes,
    typed_day,
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


STAGE_SCHEME = """
query($school: ID!) { stageScheme(schoolId: $school) { stages { name stages stageNames } } }
"""


class SchoolStage(Read):
    """A stage as the school names it, with the stages of the seven it covers (none: outside)."""

    name: str
    stages: list[int]
    stageNames: list[str]


class Scheme(Read):
    stages: list[SchoolStage]


class FoundScheme(Read):
    stageScheme: Scheme | None


async def school_stages(backend: Backend, user: WebUser) -> list[SchoolStage]:
    """The school's own stages, if it wrote its scheme; else none (the seven are shown)."""
    found = await backend.query(user.token, STAGE_SCHEME, FoundScheme, school=str(school_of(user)))
    return found.stageScheme.stages if found.stageScheme else []


def in_school_words(stages: list[SchoolStage], stage: int) -> str | None:
    """The school's names for one of the seven stages (several of its stages may cover it)."""
    names = [s.name for s in stages if stage in s.stages]
    return " / ".join(names) if names else None


STAGE_FIELDS = {"effective_on": "effective_on"}
# the rules on the stage's date, placed beside it
STAGE_CODES = dict.fromkeys(
    ("effective_date_in_future", "stage_before_order", "stage_before_previous"), "effective_on"
)


def _stage_form() -> Form:
    """The next stage from today, unless the documents give another day."""
    return Form(values={"effective_on": region_today().isoformat()})


# A new programme: its frame first, then the forms (each frame's forms its own).
NEW_FIELDS = {f: f for f in ("title", "school_year", "frame", "forms")}
NEW_CODES = {
    "frame_unknown": "frame",
    "form_not_in_frame": "forms",
    "no_forms": "forms",
    "bad_school_year": "school_year",
}
FORM_CHOICES = [
    (str(form), f"{FORM_NAMES[form]} ({definition.name.lower()})")
    for definition in FRAMES.values()
    for form in definition.forms
]


def _shown(programme: Programme) -> str:
    """The programme's page: the programme chosen by its id, one of a school's side by side."""
    return f"/programme?programme_id={programme.id}"


def _new_page(user: WebUser, form: Form, status_code: int = 200) -> Template:
    return page(
        "school/programme_new.html",
        user,
        status_code,
        form=form,
        frames=FRAME_CHOICES,
        forms=FORM_CHOICES,
    )


class ProgrammeController(Controller):
    @get("/programme")
    async def programme(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        programme_id: str | None = None,
    ) -> Template:
        """The programme chosen (`?programme_id=`), else the current one, with the school's
        other programmes — one of each frame side by side — linked. The one chosen is the one
        the school's other pages (matching, orders, pairs) work on from then on."""
        programme = await programme_required(backend, user, programme_id)
        request.session[CHOSEN_PROGRAMME] = programme.id
        rule = Form(values={"every_days": programme.meetingEveryDays})
        return page(
            "school/programme.html",
            user,
            programme=programme,
            others=[p for p in await school_programmes(backend, user) if p.id != programme.id],
            form=rule,
            stage_form=_stage_form(),
            school_stages=await school_stages(backend, user),
        )

    @get("/programme/new")
    async def new_programme(self, user: WebUser) -> Template:
        school_of(user)
        year = school_year_of(region_today())
        return _new_page(user, Form(values={"school_year": year, "frame": "students"}))

    @post("/programme/new")
    async def open_programme(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        """Open a programme in the frame chosen: the students' model or the teachers' system."""
        form = Form.of(await request.form(), lists=("forms",))
        if not form.require("title", "school_year"):
            return _new_page(user, form, 400)
        body = OpenProgramme(
            school_id=str(school_of(user)),
            school_year=form.text("school_year"),
            title=form.text("title"),
            frame=form.text("frame"),
            forms=form.choices("forms"),
        )
        try:
            stored = await backend.command(user.token, "programs", "/programmes", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            return _new_page(user, form.refused(refusal, NEW_FIELDS, NEW_CODES), 400)
        return done(
            request, f"/programme?programme_id={stored.id}", "Программа наставничества открыта"
        )

    @post("/programme/stage")
    async def move_to_stage(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        programme = await programme_required(backend, user, form.text("programme_id"))
        stage, effective_on = form.number("stage"), form.day("effective_on")
        name = STAGE_NAMES.get(stage, "") if isinstance(stage, int) else ""
        question = Question(
            f"Перейти к этапу {stage}: {name}?",
            f"Этап начат {typed_day(effective_on)} по документам."
            " Вернуться на прежний этап программы будет нельзя.",
            f"Да, перейти к этапу {stage}",
            _shown(programme),
        )
        if asked := unconfirmed(request, user, form, question):
            return asked
        try:
            await programme_command(
                backend,
                user,
                programme,
                "stage",
                StageChange(stage=stage, effective_on=effective_on),
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            stage_form = Form(values=form.values).refused(refusal, STAGE_FIELDS, STAGE_CODES)
            rule = Form(values={"every_days": programme.meetingEveryDays})
            return page(
                "school/programme.html",
                user,
                400,
                programme=programme,
                others=[],
                form=rule,
                stage_form=stage_form,
                school_stages=await school_stages(backend, user),
            )
        return done(request, _shown(programme), "Программа перешла на следующий этап")

    @post("/programme/meeting-rule")
    async def set_meeting_rule(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        programme = await programme_required(backend, user, form.text("programme_id"))
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
            return form_page(
                "school/programme.html",
                user,
                form,
                programme=programme,
                others=[],
                stage_form=_stage_form(),
                school_stages=await school_stages(backend, user),
            )
        return done(request, _shown(programme), "Правило частоты встреч изменено")

    @get("/programme/stages")
    async def stage_scheme(self, user: WebUser, backend: Backend) -> Template:
        lines = [_line(s) for s in await school_stages(backend, user)]
        return form_page("school/stages.html", user, Form(values={"stages": "\n".join(lines)}))

    @post("/programme/stages")
    async def write_stage_scheme(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        try:
            await backend.command(
                user.token,
                "programs",
                f"/schools/{school_of(user)}/stage-scheme",
                WriteStageScheme(stages=[_stage_of(line) for line in form.lines("stages")]),
                method="PUT",
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, {"stages": "stages"}, SCHEME_CODES)
            form.errors.setdefault("stages", form.errors.pop("", ""))
            return form_page("school/stages.html", user, form)
        return done(request, "/programme", "Схема этапов школы сохранена")

    @get("/roadmap")
    async def roadmap(self, user: WebUser, backend: Backend) -> Template:
        school = school_of(user)
        found = await backend.query(user.token, ROADMAP, Roadmap, school=str(school))
        return page(
            "school/roadmap.html",
            user,
            roadmap=found.roadmap,
            sections=_sections(found.roadmap, await school_stages(backend, user)),
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
                on=form.day("on") or region_today().isoformat(),
                school_year=form.text("school_year"),
                evidence=form.text("evidence") or "",
            ),
        )
        return done(request, "/roadmap", "Статус мероприятия записан", anchor=f"item-{item_id}")


SCHEME_CODES = dict.fromkeys(
    ("stage_scheme_empty", "stage_name_repeated", "stage_unknown", "stage_name_missing"), "stages"
)


def _line(stage: SchoolStage) -> str:
    """A stage as the form writes it: «Название; 5, 6» (no numbers: outside the seven)."""
    return f"{stage.name}; {', '.join(map(str, stage.stages))}" if stage.stages else stage.name


def _stage_of(line: str) -> StageLine:
    name, _, numbers = line.partition(";")
    typed = [n.strip() for n in numbers.replace(";", ",").split(",") if n.strip()]
    return StageLine(name=name.strip(), stages=[int(n) if n.isdigit() else n for n in typed])


def _sections(
    roadmap: Implementation | None, stages: list[SchoolStage]
) -> list[tuple[str, list[RoadmapItem]]]:
    """The roadmap's activities under their headings, in its own order: its blocks as written
    («1. Подготовка условий…»), or for a roadmap without blocks the stages, in the school's
    words where its scheme names them."""
    sections: dict[str, list[RoadmapItem]] = {}
    for item in roadmap.items if roadmap else []:
        if item.block:
            heading = f"{item.block}. {item.blockTitle or ''}".strip()
        elif item.stage:
            words = in_school_words(stages, item.stage) or (item.stageName or "").capitalize()
            heading = f"Этап {item.stage}. {words}"
        else:
            heading = "Вне этапов"
        sections.setdefault(heading, []).append(item)
    return list(sections.items())
