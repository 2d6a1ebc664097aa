"""What the school made its staff responsible for (issue 20): the grants with who gave them and
when; the director or coordinator grants a curator stages, forms and roadmap blocks, and revokes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.programs.labels import STAGE_NAMES
from shared.adapters.settings import region_today
from shared.dictionaries import FORM_NAMES

from ..backend import Backend, Refused
from ..commands import Grant, GrantedPart, Revocation
from ..forms import Form
from ..pages import form_page
from ..reads import Connection, Date, DateTime, Read
from ..session import WebUser
from .common import done, school_of

GRANTS = """
query($school: ID!) {
  responsibilities {
    id personName grantedOn grantedAt grantedByRoleName grantedByName revokedOn
    parts { name }
  }
  people(staffRole: "curator", first: 200) { edges { node { id fullName } } }
  roadmap(schoolId: $school) { items { block blockTitle } }
}
"""
# The kinds of parts the page grants, each a list of checkboxes (pairs are granted over the API).
KINDS = ("stage", "form", "block")
FIELDS = {"person_id": "person_id", "granted_on": "granted_on", "parts": "stage"}
CODES = {"effective_date_in_future": "granted_on", "not_staff": "person_id", "no_parts": "stage"}


class PartName(Read):
    name: str


class GrantRead(Read):
    id: str
    personName: str | None
    grantedOn: Date
    grantedAt: DateTime
    grantedByRoleName: str
    grantedByName: str | None
    revokedOn: Date | None
    parts: list[PartName]


class Staff(Read):
    id: str
    fullName: str


class Block(Read):
    block: str
    blockTitle: str | None


class Blocks(Read):
    items: list[Block]


class Grants(Read):
    responsibilities: list[GrantRead]
    people: Connection[Staff]
    roadmap: Blocks | None


class ResponsibilityController(Controller):
    path = "/responsibilities"

    @get("/")
    async def show(self, user: WebUser, backend: Backend) -> Template:
        return await _page(user, backend, Form(values={"granted_on": region_today().isoformat()}))

    @post("/")
    async def grant(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        school = school_of(user)
        form = Form.of(await request.form(), lists=KINDS)
        parts = [
            GrantedPart(kind=kind, subject=subject)
            for kind in KINDS
            for subject in form.choices(kind)
        ]
        body = Grant(
            person_id=form.text("person_id"), parts=parts, granted_on=form.day("granted_on")
        )
        if not form.require("person_id"):
            return await _page(user, backend, form)
        try:
            await backend.command(
                user.token, "programs", f"/schools/{school}/responsibilities", body
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            return await _page(user, backend, form.refused(refusal, FIELDS, CODES))
        return done(request, "/responsibilities", "Ответственность поручена")

    @post("/{grant_id:uuid}/revocation")
    async def revoke(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, grant_id: UUID
    ) -> Redirect:
        school = school_of(user)
        await backend.command(
            user.token,
            "programs",
            f"/schools/{school}/responsibilities/{grant_id}/revocation",
            Revocation(),
        )
        return done(request, "/responsibilities", "Поручение отменено")


async def _page(user: WebUser, backend: Backend, form: Form) -> Template:
    school = school_of(user)
    found = await backend.query(user.token, GRANTS, Grants, school=str(school))
    blocks = {
        item.block: f"{item.block}. {item.blockTitle or ''}".strip()
        for item in (found.roadmap.items if found.roadmap else [])
        if item.block
    }
    return form_page(
        "school/responsibilities.html",
        user,
        form,
        grants=found.responsibilities,
        staff=[(person.id, person.fullName) for person in found.people.nodes],
        blocks=list(blocks.items()),
        stage_options=[(str(n), f"{n}. {name.capitalize()}") for n, name in STAGE_NAMES.items()],
        form_options=[(str(form), name) for form, name in FORM_NAMES.items()],
        can_grant=user.manages_school,
    )
