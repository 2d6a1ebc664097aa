"""A roadmap from the school's own DOCX or XLSX table: uploaded, read by the programs service
into a draft, reviewed on a page (each block's stage, the deadlines it could not read), then
saved whole. Nothing is stored until the coordinator saves."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from services.programs.labels import FULFILMENTS, STAGE_NAMES, fulfilment_words

from ..backend import Backend, Refused
from ..commands import DeadlineWords, Fulfilment, RoadmapBlock, RoadmapItem, WrittenRoadmap
from ..forms import FORM_LEVEL, Form
from ..pages import form_page
from ..session import WebUser
from .common import done, school_of

# an activity's fields on the review page; `fulfilled`: «fact:subject», or empty
_ITEM_FIELDS = (
    *("number", "block", "activity", "deadline", "responsible", "result", "control"),
    "fulfilled",
)


class Unread(msgspec.Struct):
    """A deadline of the table the service could not read: the field to settle, and why."""

    field: str
    message: str


class Skipped(msgspec.Struct):
    row: int
    message: str


class RoadmapDraft(msgspec.Struct):
    """The programs service's reading of a table, shaped as the roadmap it takes back."""

    blocks: list[RoadmapBlock]
    items: list[RoadmapItem]
    unread: list[Unread]
    skipped: list[Skipped]


class RoadmapImportController(Controller):
    @get("/roadmap/import")
    async def form(self, user: WebUser) -> Template:
        school_of(user)
        return form_page("school/roadmap_import.html", user, Form(), draft=None, stages=_stages())

    @post("/roadmap/import", request_max_body_size=16 * 1024 * 1024)
    async def upload(
        self,
        user: WebUser,
        backend: Backend,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Template:
        school = school_of(user)
        upload = data.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _page(user, Form(errors={"file": "Выберите файл Word или Excel"}), None)
        try:
            draft = await backend.upload(
                user.token,
                "programs",
                f"/schools/{school}/roadmap/import",
                {},
                upload.filename,
                await upload.read(),
                RoadmapDraft,
            )
        except Refused as refusal:
            if not refusal.belongs_to_form and refusal.status != 413:
                raise
            return _page(user, Form(errors={"file": refusal.message}), None)
        form = Form(values=_values(draft), errors=_unread(draft))
        return _page(user, form, _rows(form), skipped=draft.skipped)

    @post("/roadmap/import/save")
    async def save(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        school = school_of(user)
        form = Form.of(await request.form())
        try:
            await backend.command(
                user.token, "programs", f"/schools/{school}/roadmap/written", _body(form)
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            field = refusal.details.field
            key = _form_field(field) if field else FORM_LEVEL
            form.errors[key if key in form.values else FORM_LEVEL] = refusal.message
            return _page(user, form, _rows(form))
        return done(request, "/roadmap", "Дорожная карта сохранена")


def _stages() -> list[tuple[str, str]]:
    named = [(str(int(s)), f"{int(s)}. {n[:1].upper()}{n[1:]}") for s, n in STAGE_NAMES.items()]
    return [("", "Вне этапов"), *named]


def _page(user: WebUser, form: Form, draft: dict[str, Any] | None, **context: Any) -> Template:
    return form_page(
        "school/roadmap_import.html",
        user,
        form,
        draft=draft,
        stages=_stages(),
        fulfilments=_fulfilments(),
        **context,
    )


def _fulfilments() -> list[tuple[str, str]]:
    """What may mark an activity done, as the review's choices: «fact:subject» and its words."""
    known = [
        (f"{fact}:{subject}", fulfilment_words(fact, subject)) for fact, subject in FULFILMENTS
    ]
    return [("", "Только отметкой"), *((value, words or "") for value, words in known)]


def _form_field(field: str) -> str:
    """The review form's name of a field a service names: «items[3].deadline», item-3-deadline."""
    return field.replace("items[", "item-").replace("].", "-").replace("_by", "")


def _values(draft: RoadmapDraft) -> dict[str, Any]:
    """The draft as the review form's fields: `block-i-…` and `item-i-…`."""
    values: dict[str, Any] = {"title": "", "blocks": len(draft.blocks)}
    for index, block in enumerate(draft.blocks):
        values |= {f"block-{index}-number": block.number, f"block-{index}-title": block.title}
    values["items"] = len(draft.items)
    for index, item in enumerate(draft.items):
        values |= {
            f"item-{index}-number": item.number,
            f"item-{index}-block": item.block,
            f"item-{index}-activity": item.activity,
            f"item-{index}-deadline": item.deadline.words,
            f"item-{index}-responsible": "; ".join(item.responsible),
            f"item-{index}-result": item.expected_result,
            f"item-{index}-control": "1" if item.control_point else "",
            f"item-{index}-fulfilled": _fulfilled(item.fulfilled_by),
        }
    return values


def _fulfilled(fulfilment: Fulfilment | None) -> str:
    return "" if fulfilment is None else f"{fulfilment.fact}:{fulfilment.subject}"


def _unread(draft: RoadmapDraft) -> dict[str, str]:
    errors = {_form_field(u.field): u.message for u in draft.unread}
    if errors:
        errors[FORM_LEVEL] = "Сроки некоторых мероприятий не распознаны: исправьте их ниже"
    return errors


def _count(form: Form, name: str) -> int:
    value = form.number(name)
    return min(value, 500) if isinstance(value, int) else 0


def _rows(form: Form) -> dict[str, Any]:
    """What the review page lists: block and item indexes with their values."""
    return {
        "blocks": [form.values.get(f"block-{i}-title", "") for i in range(_count(form, "blocks"))],
        "items": [
            {f: form.values.get(f"item-{i}-{f}", "") for f in _ITEM_FIELDS}
            for i in range(_count(form, "items"))
        ],
    }


def _body(form: Form) -> WrittenRoadmap:
    """The reviewed roadmap as `POST /schools/{id}/roadmap/written` takes it."""
    return WrittenRoadmap(
        title=form.text("title") or "",
        blocks=[
            RoadmapBlock(
                number=form.text(f"block-{i}-number") or "",
                title=form.text(f"block-{i}-title") or "",
                stage=form.number(f"block-{i}-stage"),
            )
            for i in range(_count(form, "blocks"))
        ],
        items=[_item(form, i) for i in range(_count(form, "items"))],
    )


def _item(form: Form, index: int) -> RoadmapItem:
    value = {f: form.text(f"item-{index}-{f}") or "" for f in _ITEM_FIELDS}
    return RoadmapItem(
        number=value["number"],
        block=value["block"],
        activity=value["activity"],
        deadline=DeadlineWords(words=value["deadline"]),
        responsible=[r.strip() for r in value["responsible"].split(";") if r.strip()],
        expected_result=value["result"],
        control_point=value["control"] == "1",
        fulfilled_by=_fulfilment(value["fulfilled"]),
    )


def _fulfilment(value: str) -> Fulfilment | None:
    """The review's «fact:subject» (the service refuses a fact it does not know)."""
    fact, _, subject = value.partition(":")
    return Fulfilment(fact=fact, subject=subject) if fact else None
