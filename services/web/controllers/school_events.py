"""«Мероприятия»: the school's own events (a group meeting of the pairs, an установочная
сессия, a conference, a round table, its own training of mentors, a publication of results),
listed newest first, with a form to record one held: who was present by pair or group and by
class, and its materials."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.programs.labels import SCHOOL_EVENT_KIND_NAMES

from ..backend import Backend, Refused
from ..commands import EventMaterial, RecordSchoolEvent
from ..forms import Form
from ..pages import form_page
from ..reads import Connection, Date, Read
from ..session import WebUser
from .common import current_programme, done, school_of

MATERIALS = 3  # rows of materials the form offers (a programme, a presentation, a publication)

EVENTS = """
query($school: ID!) {
  schoolEvents(schoolId: $school, first: 200) {
    totalCount edges { node { kind kindName heldOn title pairIds classes materials { title url } } }
  }
}
"""
PAIRS = """
query($programme: ID!) {
  pairs(programmeId: $programme, first: 200) {
    edges { node { id isGroup mentor { fullName } mentees { fullName } } }
  }
}
"""


class Material(Read):
    title: str
    url: str | None


class EventRow(Read):
    kind: str
    kindName: str
    heldOn: Date
    title: str
    pairIds: list[str]
    classes: list[str]
    materials: list[Material]


class Events(Read):
    schoolEvents: Connection[EventRow]


class Someone(Read):
    fullName: str


class PairChoice(Read):
    id: str
    isGroup: bool
    mentor: Someone | None
    mentees: list[Someone | None]  # None: a mentee whose personal data is erased


class Pairs(Read):
    pairs: Connection[PairChoice]


FIELDS = {name: name for name in ("kind", "held_on", "title", "classes", "materials")}
FIELDS["pair_ids"] = "pairs"
CODES = {
    "effective_date_in_future": "held_on",
    "publication_link_missing": "materials",
    "link_invalid": "materials",
    "other_school": "pairs",
    "not_found": "pairs",
}


class SchoolEventController(Controller):
    path = "/events"

    @get("/")
    async def listing(self, user: WebUser, backend: Backend) -> Template:
        return await self._page(user, backend, Form())

    @post("/")
    async def record(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        form = Form.of(await request.form(), lists=("pairs",))
        if not form.require("kind", "held_on", "title"):
            return await self._page(user, backend, form)
        try:
            await backend.command(
                user.token, "programs", f"/schools/{school_of(user)}/events", event_of(form)
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, FIELDS, CODES)
            return await self._page(user, backend, form)
        return done(request, "/events", "Мероприятие записано")

    @staticmethod
    async def _page(user: WebUser, backend: Backend, form: Form) -> Template:
        school = school_of(user)
        events = await backend.query(user.token, EVENTS, Events, school=str(school))
        pairs = await _pairs(backend, user)
        return form_page(
            "school/events.html",
            user,
            form,
            events=events.schoolEvents.nodes,
            kinds=list(SCHOOL_EVENT_KIND_NAMES.items()),
            pairs=[(p.id, _pair_name(p)) for p in pairs],
            names={p.id: _pair_name(p) for p in pairs},
            materials=range(1, MATERIALS + 1),
        )


async def _pairs(backend: Backend, user: WebUser) -> list[PairChoice]:
    programme = await current_programme(backend, user)
    if programme is None:
        return []
    return (await backend.query(user.token, PAIRS, Pairs, programme=programme.id)).pairs.nodes


def _pair_name(pair: PairChoice) -> str:
    mentor = pair.mentor.fullName if pair.mentor else "без наставника"
    mentees = ", ".join(m.fullName for m in pair.mentees if m)
    return f"{'Группа' if pair.isGroup else 'Пара'}: {mentor} — {mentees}"


def event_of(form: Form) -> RecordSchoolEvent:
    """The command from the form: material rows left blank are not part of it."""
    return RecordSchoolEvent(
        kind=form.text("kind"),
        held_on=form.day("held_on"),
        title=form.text("title"),
        pair_ids=form.choices("pairs"),
        classes=form.words("classes"),
        materials=[
            EventMaterial(
                title=form.text(f"material_{n}_title") or form.text(f"material_{n}_url"),
                url=form.text(f"material_{n}_url") or "",
            )
            for n in range(1, MATERIALS + 1)
            if form.text(f"material_{n}_title") or form.text(f"material_{n}_url")
        ],
    )
