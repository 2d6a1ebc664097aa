"""Monitoring forms composed by hand, without JavaScript: a region, its institute or a
municipality starts a form with its first section and item, then adds sections, items of every
kind (a choice with its options, a value the platform computes from its source) and
sub-requirements a row at a time, changes or removes an item of a draft; a form a campaign
already runs is changed as its next version, never in place."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.registry.labels import CAMPAIGN_ITEM_KIND_NAMES, COMPUTED_SOURCE_NAMES

from ..backend import Backend, Refused
from ..commands import MonitoringFormRevision, MonitoringFormVersion, NewMonitoringForm
from ..form_composer import Sections, plain, with_item, with_requirement, with_section, without
from ..forms import Form
from ..pages import form_page
from ..reads import Read
from ..session import WebUser
from .campaigns import ORGANISERS, Section, organisation_of
from .common import done
from .oversight import allow

COMPOSED = """
query { formTemplates { id title version inUse ownerId sections { number title items {
  number text kind kindName required options source sourceName requirements { number text } } } } }
"""
ITEM_FIELDS = ("i_number", "i_text", "i_kind")
# The registry's refusals of a step, placed beside the field the step typed.
CODES: dict[str, dict[str, str]] = {
    "item": {
        "item_number_invalid": "i_number",
        "item_number_repeated": "i_number",
        "item_kind": "i_kind",
        "item_options": "i_options",
        "item_source": "i_source",
        "item_source_unknown": "i_source",
    },
    "section": {"item_number_invalid": "s_number", "section_number_repeated": "s_number"},
    "requirement": {
        "item_number_invalid": "r_number",
        "item_number_repeated": "r_number",
        "requirement_number": "r_number",
    },
    "title": {},
    "remove": {},
}
SAVED = {
    "item": "Пункт сохранён",
    "section": "Раздел добавлен",
    "requirement": "Требование добавлено",
    "title": "Название сохранено",
    "remove": "Удалено",
}


class ComposedForm(Read):
    id: str
    title: str
    version: int
    inUse: bool
    ownerId: str
    sections: list[Section]


class ComposedForms(Read):
    formTemplates: list[ComposedForm]


def _choices() -> dict[str, Any]:
    return {
        "kinds": list(CAMPAIGN_ITEM_KIND_NAMES.items()),
        "sources": list(COMPUTED_SOURCE_NAMES.items()),
    }


def _item(form: Form) -> dict[str, Any]:
    """The item as typed: options one a line, a source only where one is chosen."""
    return {
        "number": form.text("i_number"),
        "text": form.text("i_text"),
        "kind": form.text("i_kind"),
        "required": form.values.get("i_optional") != "yes",
        "options": form.lines("i_options"),
        "source": form.text("i_source"),
    }


def _step(action: str, form: Form, sections: Sections) -> Sections | None:
    """The sections after the step the page sent; None when a field it needs is empty."""
    if action == "section" and form.require("s_number", "s_title"):
        return with_section(sections, form.values["s_number"], form.values["s_title"])
    if action == "item" and form.require("i_section", *ITEM_FIELDS):
        return with_item(sections, form.values["i_section"], _item(form))
    if action == "requirement" and form.require("r_item", "r_number", "r_text"):
        return with_requirement(
            sections, form.values["r_item"], form.values["r_number"], form.values["r_text"]
        )
    if action == "remove" and form.require("number"):
        return without(sections, form.values["number"])
    if action == "title" and form.require("title"):
        return sections
    return None


class CampaignFormsController(Controller):
    path = "/campaigns/forms"

    @get("/new")
    async def new(self, user: WebUser) -> Template:
        allow(user, ORGANISERS)
        return form_page("campaigns/form_new.html", user, Form(), **_choices())

    @post("/new")
    async def start(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        """A form begins with its title, its first section and first item."""
        allow(user, ORGANISERS)
        form = Form.of(await request.form())
        if form.require("title", "s_number", "s_title", *ITEM_FIELDS):
            section = {"number": form.values["s_number"], "title": form.values["s_title"]}
            body = NewMonitoringForm(
                owner_id=str(organisation_of(user)),
                title=form.text("title"),
                sections=[{**section, "items": [{**_item(form), "requirements": []}]}],
            )
            try:
                made = await backend.command(user.token, "registry", "/forms", body)
            except Refused as refusal:
                if not refusal.belongs_to_form:
                    raise
                form.refused(refusal, codes=CODES["item"] | CODES["section"])
            else:
                return done(request, f"/campaigns/forms/{made.id}", "Форма создана")
        return form_page("campaigns/form_new.html", user, form, **_choices())

    @get("/{form_id:uuid}")
    async def show(self, user: WebUser, backend: Backend, form_id: UUID) -> Template:
        allow(user, ORGANISERS)
        return await self._page(user, backend, form_id, Form())

    @post("/{form_id:uuid}")
    async def change(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, form_id: UUID
    ) -> Template | Redirect:
        """One step on the latest version: in place while no campaign runs it, else as the
        next version."""
        allow(user, ORGANISERS)
        form = Form.of(await request.form())
        action = form.values.get("action", "")
        composed = await _composed(user, backend, form_id)
        sections = _step(action, form, plain(composed.sections)) if action in CODES else None
        if sections is None:
            return await self._page(user, backend, form_id, form)
        title = form.text("title") if action == "title" else composed.title
        path = f"/forms/{form_id}"
        try:
            if composed.inUse:
                body = MonitoringFormVersion(title=title, sections=sections)
                await backend.command(user.token, "registry", f"{path}/versions", body)
            else:
                revision = MonitoringFormRevision(
                    version=composed.version, title=title, sections=sections
                )
                await backend.command(user.token, "registry", path, revision, method="PUT")
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, codes=CODES[action])
            return await self._page(user, backend, form_id, form)
        notice = SAVED[action]
        if composed.inUse:
            notice += f": форма сохранена как версия {composed.version + 1}"
        return done(request, f"/campaigns/forms/{form_id}", notice)

    @staticmethod
    async def _page(user: WebUser, backend: Backend, form_id: UUID, form: Form) -> Template:
        composed = await _composed(user, backend, form_id)
        form.values.setdefault("title", composed.title)
        form.values.setdefault("i_section", composed.sections[-1].number)  # the next item's
        return form_page(
            "campaigns/form.html",
            user,
            form,
            composed=composed,
            editable=composed.ownerId == str(organisation_of(user)),
            section_options=[(s.number, f"{s.number}. {s.title}") for s in composed.sections],
            item_options=[
                (i.number, f"{i.number} {i.text}") for s in composed.sections for i in s.items
            ],
            **_choices(),
        )


async def _composed(user: WebUser, backend: Backend, form_id: UUID) -> ComposedForm:
    forms = (await backend.query(user.token, COMPOSED, ComposedForms)).formTemplates
    found = next((f for f in forms if f.id == str(form_id)), None)
    if found is None:
        raise Refused(404, "form_not_found", "Форма мониторинга не найдена")
    return found
