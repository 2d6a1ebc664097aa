"""The director's order approving pairs: the draft from the pairs the curator formed (on the page
and as a Word document), approval, and the order as a Word document (documents are rendered by
reporting and passed on with the user's token)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, Template

from shared.adapters.settings import region_today

from ..backend import Backend, Refused
from ..commands import IssueOrder
from ..forms import Form
from ..pages import form_page
from ..reads import Date, Programme, Read
from ..session import WebUser
from .common import done, passed_on, programme_command, programme_required, school_of
from .pairs import PAIRS, PairRow, Pairs

ORDERS = """
query($programme: ID!) { pairOrders(programmeId: $programme) { id number orderDate pairCount } }
"""


class Order(Read):
    id: str
    number: str
    orderDate: Date
    pairCount: int


class Orders(Read):
    pairOrders: list[Order]


ORDER_FIELDS = {"number": "number", "order_date": "order_date", "pair_ids": "pair_ids"}


def lacks_duty_consent(pair: PairRow) -> bool:
    """A teacher mentors only with a written consent to the extra duty (Labour Code 351.8):
    the order would be refused, so such a pair is flagged and left out of the draft."""
    mentor = pair.mentor
    if mentor is None or mentor.kind != "teacher":
        return False
    return not any(c.kind == "additional_duty" and c.valid for c in mentor.consents)


def without_consent(pair: PairRow) -> list[str]:
    """Participants with no valid consent to process their data (a pupil's withdrawn by the
    parent): the order would be refused for them, so the pair is flagged and left out."""
    people = [p for p in [pair.mentor, *pair.mentees] if p]
    return [
        p.id for p in people if not any(c.kind == "personal_data" and c.valid for c in p.consents)
    ]


def named_refusal(refusal: Refused, pairs: list[PairRow]) -> str:
    """The refusal's message with the name of the person it is about."""
    people = {p.id: p.fullName for pair in pairs for p in [pair.mentor, *pair.mentees] if p}
    name = people.get(str(refusal.details.person_id))
    return f"{refusal.message}: {name}" if name else refusal.message


class OrderController(Controller):
    path = "/orders"

    @get("/")
    async def show(self, user: WebUser, backend: Backend) -> Template:
        default = {"order_date": region_today().isoformat()}
        return await self._page(user, backend, Form(values=default), checked=None)

    @post("/")
    async def approve(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        programme = await programme_required(backend, user)
        form = Form.of(await request.form(), lists=("pair_ids",))
        pair_ids = form.choices("pair_ids")
        body = IssueOrder(
            number=form.text("number"), order_date=form.day("order_date"), pair_ids=pair_ids
        )
        try:
            await programme_command(backend, user, programme, "orders", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, ORDER_FIELDS, {"empty_order": "pair_ids"})
            if "" in form.errors:
                proposed = await proposed_pairs(backend, user, programme)
                form.errors[""] = named_refusal(refusal, proposed)
            return await self._page(user, backend, form, checked=set(pair_ids))
        return done(request, "/orders", f"Приказ № {body.number} издан: пары утверждены")

    @get("/draft/docx")
    async def draft_docx(self, user: WebUser, backend: Backend) -> Response[bytes]:
        programme = await programme_required(backend, user)
        path = f"/programmes/{programme.id}/order-draft"
        return passed_on(await backend.get(user.token, "reporting", path))

    @get("/{order_id:uuid}/docx")
    async def docx(self, user: WebUser, backend: Backend, order_id: UUID) -> Response[bytes]:
        school_of(user)
        return passed_on(await backend.get(user.token, "reporting", f"/orders/{order_id}"))

    @staticmethod
    async def _page(
        user: WebUser, backend: Backend, form: Form, checked: set[str] | None
    ) -> Template:
        programme = await programme_required(backend, user)
        proposed = await proposed_pairs(backend, user, programme)
        lacking = {p.id for p in proposed if lacks_duty_consent(p)}
        unconsented = {p.id: without_consent(p) for p in proposed}
        ready = {p.id for p in proposed if not unconsented[p.id]} - lacking
        orders = await backend.query(user.token, ORDERS, Orders, programme=programme.id)
        return form_page(
            "school/orders.html",
            user,
            form,
            programme=programme,
            proposed=proposed,
            lacking=lacking,
            without_consent=unconsented,
            checked=checked if checked is not None else ready,
            orders=orders.pairOrders,
        )


async def proposed_pairs(backend: Backend, user: WebUser, programme: Programme) -> list[PairRow]:
    """The pairs the curator formed that wait for the order: the draft's appendix."""
    pairs = (await backend.query(user.token, PAIRS, Pairs, programme=programme.id)).pairs
    return [pair for pair in pairs.nodes if pair.status == "proposed"]
