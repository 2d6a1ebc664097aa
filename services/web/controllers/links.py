"""The coordinator's side of personal links: who has one and who has used it, issuing one per
person or a QR sheet for a whole class (printed and handed out), revoking a leaked one.

A link is shown only on the page that issued it: the registry keeps its hash alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from markupsafe import Markup
from qrcode.image.svg import SvgPathImage
from qrcode.main import QRCode

from shared.adapters.settings import Settings, region_today
from shared.kernel.principal import SCHOOL_MANAGEMENT

from ..backend import Backend, Refused
from ..commands import IssueLink
from ..forms import Form
from ..pages import page
from ..reads import Connection, Date, DateTime, Read
from ..session import WebUser
from .common import done, school_of

LINKS = """
query {
  personalLinks { id personId role expiresOn issuedAt issuedBy revokedOn revokedBy
                  firstOpenedOn lastOpenedOn openings active }
  mentees: people(role: MENTEE, first: 200) { edges { node { id fullName grade kind } } }
  mentors: people(role: MENTOR, first: 200) { edges { node { id fullName grade kind } } }
}
"""
# A link lasts a month unless the coordinator says otherwise (and never beyond the school year).
LINK_DAYS = 30


class LinkRow(Read):
    id: str
    personId: str
    role: str
    expiresOn: Date
    issuedAt: DateTime
    issuedBy: str
    revokedOn: Date | None
    revokedBy: str | None
    firstOpenedOn: Date | None
    lastOpenedOn: Date | None
    openings: int
    active: bool


class Someone(Read):
    id: str
    fullName: str
    grade: str | None
    kind: str


class Links(Read):
    personalLinks: list[LinkRow]
    mentees: Connection[Someone]
    mentors: Connection[Someone]


@dataclass(frozen=True)
class Handout:
    """One line of a printed sheet: who, for what role, the address and its QR code."""

    full_name: str
    grade: str | None
    role: str
    url: str
    qr: Markup


def qr_svg(url: str) -> Markup:
    """The address as an SVG QR code, drawn on the server (no script, no image fetched)."""
    code = QRCode(image_factory=SvgPathImage, box_size=10)
    code.add_data(url)
    svg: str = code.make_image().to_string(encoding="unicode")
    return Markup(svg.split("?>", 1)[-1])  # noqa: S704 -- our own SVG, no input in its markup


def manager(user: WebUser) -> None:
    school_of(user)
    if user.principal.role not in SCHOOL_MANAGEMENT:
        raise Refused(
            403, "role_not_allowed", "Персональные ссылки выдаёт координатор или директор"
        )


class LinksController(Controller):
    path = "/links"

    @get("/")
    async def listing(self, user: WebUser, backend: Backend, grade: str = "") -> Template:
        manager(user)
        found = await backend.query(user.token, LINKS, Links)
        by_person: dict[str, list[LinkRow]] = {}
        for link in found.personalLinks:
            by_person.setdefault(link.personId, []).append(link)
        people = [*found.mentees.nodes, *(m for m in found.mentors.nodes)]
        grades = sorted({p.grade for p in found.mentees.nodes if p.grade})
        shown = [p for p in people if not grade or p.grade == grade]
        return page(
            "links/list.html",
            user,
            people=sorted({p.id: p for p in shown}.values(), key=lambda p: p.fullName),
            mentees={p.id for p in found.mentees.nodes},
            links=by_person,
            grades=grades,
            grade=grade,
            expires=(region_today() + timedelta(days=LINK_DAYS)).isoformat(),
        )

    @post("/sheet")
    async def sheet(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, settings: Settings
    ) -> Template:
        """Links for every mentee of a class (each replaces the pupil's earlier one), printed as
        a sheet of QR codes to hand out."""
        manager(user)
        form = Form.of(await request.form())
        grade, role = form.text("grade"), form.text("role") or "mentee"
        found = await backend.query(user.token, LINKS, Links)
        pupils = [p for p in found.mentees.nodes if grade and p.grade == grade]
        if not pupils:
            raise Refused(400, "no_pupils", "В этом классе нет наставляемых")
        expires = form.day("expires_on") or (region_today() + timedelta(days=LINK_DAYS)).isoformat()
        handouts = [
            await issue(backend, user, settings, p, role, expires)
            for p in sorted(pupils, key=lambda p: p.fullName)
        ]
        return page("links/sheet.html", user, handouts=handouts, grade=grade, expires=expires)

    @post("/{person_id:uuid}")
    async def one(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        settings: Settings,
        person_id: UUID,
    ) -> Template:
        manager(user)
        form = Form.of(await request.form())
        found = await backend.query(user.token, LINKS, Links)
        person = next(
            (p for p in [*found.mentees.nodes, *found.mentors.nodes] if p.id == str(person_id)),
            None,
        )
        if person is None:
            raise Refused(404, "person_not_found", "Человек не найден")
        expires = form.day("expires_on") or ""
        handout = await issue(backend, user, settings, person, form.text("role") or "", expires)
        return page("links/sheet.html", user, handouts=[handout], grade=None, expires=expires)

    @post("/{person_id:uuid}/{link_id:uuid}/revocation")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        user: WebUser,
        backend: Backend,
        person_id: UUID,
        link_id: UUID,
    ) -> Redirect:
        manager(user)
        await backend.command(
            user.token, "registry", f"/people/{person_id}/links/{link_id}/revocation"
        )
        return done(request, "/links", "Ссылка отозвана: по ней больше не войти")


async def issue(
    backend: Backend, user: WebUser, settings: Settings, person: Someone, role: str, expires: str
) -> Handout:
    issued = await backend.issue_link(
        user.token, person.id, IssueLink(role=role, expires_on=expires)
    )
    url = f"{settings.web_url}/l/{issued}"
    return Handout(person.fullName, person.grade, role, url, qr_svg(url))
