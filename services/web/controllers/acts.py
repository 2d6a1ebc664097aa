"""The register of acts of the user's organisation (a school, a municipality, a region, an
institute): the list with what is in force on a date, an act entered from its document (basis,
approval marks, points with the people they name), its page, and its DOCX made by reporting."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, Template

from shared.kernel.principal import Role

from ..backend import Backend, Refused
from ..commands import ActBasis, ActMark, ActPerson, ActPoint, RecordAct
from ..forms import Form
from ..pages import form_page, page
from ..reads import Connection, Date, Read
from ..session import WebUser
from .common import FRAME_CHOICES, done, passed_on
from .oversight import parse_day

# How many rows of each part the form offers: enough for the documents seen (four marks, three
# bases, a few points); a longer act goes in through the API.
BASES, MARKS, POINTS = 3, 4, 6
KEEPERS = {
    Role.SCHOOL_DIRECTOR,
    Role.SCHOOL_COORDINATOR,
    Role.MUNICIPALITY_OFFICER,
    Role.REGION_OFFICER,
    Role.INSTITUTE_METHODOLOGIST,
}

ACT_FIELDS = """id source kind kindName issuedAs number register actDate title organisationName
  effectiveFrom validUntil supersededFrom publishedUrl inForce frameName"""
ACTS = f"""
query($on: Date, $organisation: ID, $after: String) {{
  acts(inForceOn: $on, organisationId: $organisation, first: 100, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {ACT_FIELDS} }} }}
  }}
}}
"""
ACT = f"""
query($id: ID!) {{ act(id: $id) {{ {ACT_FIELDS}
  basis {{ actId text levelName }}
  marks {{ kindName body on protocolNumber orderNumber signer }}
  points {{ kind kindName text dueOn documents refs people {{ name position organisation role }} }}
}} }}
"""
INSTITUTES = 'query { organisations(kind: "institute", first: 1) { edges { node { id } } } }'


class ActRow(Read):
    id: str
    source: str
    kind: str
    kindName: str
    issuedAs: str | None
    number: str
    register: str
    actDate: Date
    title: str
    organisationName: str | None
    effectiveFrom: Date
    validUntil: Date | None
    supersededFrom: Date | None
    publishedUrl: str
    inForce: bool
    frameName: str | None  # the frame it belongs to; none: mentoring as a whole


class Acts(Read):
    acts: Connection[ActRow]


class BasisRow(Read):
    actId: str | None
    text: str
    levelName: str | None


class MarkRow(Read):
    kindName: str
    body: str
    on: Date
    protocolNumber: str
    orderNumber: str
    signer: str


class PersonRow(Read):
    name: str
    position: str
    organisation: str
    role: str


class PointRow(Read):
    kind: str
    kindName: str
    text: str
    dueOn: Date | None
    documents: list[str]
    refs: list[str]
    people: list[PersonRow]


class FullAct(ActRow):
    basis: list[BasisRow]
    marks: list[MarkRow]
    points: list[PointRow]


class FoundAct(Read):
    act: FullAct


class OrganisationId(Read):
    id: str


class Institutes(Read):
    organisations: Connection[OrganisationId]


# Where a rule's refusal is shown on the form.
CODES = {
    "number_blank": "number",
    "number_missing": "number",
    "number_taken": "number",
    "act_date_in_future": "act_date",
    "effective_before_act_date": "effective_from",
    "effective_before_marks": "effective_from",
    "term_before_effective": "valid_until",
    "marks_out_of_order": "marks",
    "mark_repeated": "marks",
    "mark_in_future": "marks",
    "basis_not_found": "basis",
    "basis_shape": "basis",
    "group_head_missing": "points",
    "point_people_missing": "points",
    "point_refs_missing": "points",
    "frame_unknown": "frame",
}
FIELDS = {
    name: name
    for name in (
        "kind",
        "number",
        "register",
        "act_date",
        "title",
        "effective_from",
        "valid_until",
        "published_url",
        "frame",
        "basis",
        "marks",
        "points",
    )
}


async def organisation_of(backend: Backend, user: WebUser) -> str:
    """The organisation whose register the user keeps: the last node of their scope; for the
    institute's methodologist (scoped to the region they serve), the institute."""
    if user.principal.role == Role.INSTITUTE_METHODOLOGIST:
        found = (await backend.query(user.token, INSTITUTES, Institutes)).organisations.nodes
        if found:
            return found[0].id
    return str(UUID(hex=user.principal.scope.path.split(".")[-1]))


class ActController(Controller):
    path = "/acts"

    @get("/")
    async def register(
        self, user: WebUser, backend: Backend, on: str = "", after: str = ""
    ) -> Template:
        day = parse_day(on.strip()) if on.strip() else None
        acts = await backend.query(
            user.token,
            ACTS,
            Acts,
            on=day and day.isoformat(),
            organisation=None,
            after=after or None,
        )
        return page(
            "acts/list.html",
            user,
            acts=acts.acts,
            on=on,
            on_error="Укажите дату в формате ДД.ММ.ГГГГ" if on.strip() and day is None else "",
            can_enter=user.principal.role in KEEPERS,
        )

    @get("/new")
    async def new(self, user: WebUser, backend: Backend) -> Template:
        return await self._form(user, backend, Form(values={"kind": "order"}))

    @post("/")
    async def enter(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        form = Form.of(await request.form())
        if not form.require("kind", "act_date", "title"):
            return await self._form(user, backend, form)
        organisation = await organisation_of(backend, user)
        try:
            stored = await backend.command(
                user.token, "programs", f"/organisations/{organisation}/acts", act_of(form)
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, FIELDS, CODES)
            return await self._form(user, backend, form)
        return done(request, f"/acts/{stored.id}", "Акт внесён в реестр")

    @get("/{act_id:uuid}")
    async def show(self, user: WebUser, backend: Backend, act_id: UUID) -> Template:
        found = await backend.query(user.token, ACT, FoundAct, id=str(act_id))
        return page("acts/act.html", user, act=found.act)

    @get("/{act_id:uuid}/docx")
    async def docx(self, user: WebUser, backend: Backend, act_id: UUID) -> Response[bytes]:
        return passed_on(await backend.get(user.token, "reporting", f"/acts/{act_id}"))

    @staticmethod
    async def _form(user: WebUser, backend: Backend, form: Form) -> Template:
        """The form, with the acts of the register a basis may name (the organisation's own
        and those above it)."""
        acts = await backend.query(user.token, ACTS, Acts, on=None, organisation=None, after=None)
        return form_page(
            "acts/new.html",
            user,
            form,
            register=acts.acts.nodes,
            frames=FRAME_CHOICES,
            bases=range(1, BASES + 1),
            marks=range(1, MARKS + 1),
            points=range(1, POINTS + 1),
        )


def act_of(form: Form) -> RecordAct:
    """The command from the form: rows left blank are not part of the act."""
    return RecordAct(
        kind=form.text("kind"),
        number=form.text("number") or "",
        register=form.text("register") or "",
        act_date=form.day("act_date"),
        title=form.text("title"),
        basis=[b for n in range(1, BASES + 1) if (b := _basis(form, n))],
        marks=[
            ActMark(
                kind=form.text(f"mark_{n}_kind"),
                body=form.text(f"mark_{n}_body"),
                on=form.day(f"mark_{n}_on"),
                protocol_number=form.text(f"mark_{n}_protocol") or "",
                order_number=form.text(f"mark_{n}_order") or "",
                signer=form.text(f"mark_{n}_signer") or "",
            )
            for n in range(1, MARKS + 1)
            if form.text(f"mark_{n}_kind")
        ],
        effective_from=form.day("effective_from"),
        valid_until=form.day("valid_until"),
        points=[
            ActPoint(
                kind=form.text(f"point_{n}_kind") or "text",
                text=form.text(f"point_{n}_text"),
                people=[_person(line) for line in form.lines(f"point_{n}_people")],
                documents=form.lines(f"point_{n}_documents"),
                due_on=form.day(f"point_{n}_due_on"),
            )
            for n in range(1, POINTS + 1)
            if form.text(f"point_{n}_text")
        ],
        published_url=form.text("published_url") or "",
        frame=form.text("frame"),
    )


def _basis(form: Form, n: int) -> ActBasis | None:
    act_id = form.text(f"basis_{n}_act")
    if act_id:
        return ActBasis(act_id=act_id)
    if not (form.text(f"basis_{n}_title") or form.text(f"basis_{n}_number")):
        return None
    return ActBasis(
        level=form.text(f"basis_{n}_level"),
        issuer=form.text(f"basis_{n}_issuer") or "",
        kind=form.text(f"basis_{n}_kind") or "",
        number=form.text(f"basis_{n}_number") or "",
        on=form.day(f"basis_{n}_on"),
        title=form.text(f"basis_{n}_title") or "",
    )


def _person(line: str) -> ActPerson:
    """«ФИО; должность; организация; роль» — the parts after the name may be left out."""
    name, position, organisation, role = ([p.strip() for p in line.split(";")] + [""] * 3)[:4]
    return ActPerson(name=name, position=position, organisation=organisation, role=role)
