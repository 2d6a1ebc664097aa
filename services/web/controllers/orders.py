"""The director's order approving pairs: the draft from the pairs the curator formed (on the page
and as a Word document), approval, and the order as a Word document (documents are rendered by
reporting and passed on with the user's token)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Response, Template

from ..backend import Backend, Refused
from ..forms import Form
from ..pages import form_page
from ..session import WebUser
from .common import done, passed_on, programme_command, programme_required, school_of
from .pairs import PAIRS

ORDERS = """
query($programme: ID!) { pairOrders(programmeId: $programme) { id number orderDate pairCount } }
"""
ORDER_FIELDS = {"number": "number", "order_date": "order_date", "pair_ids": "pair_ids"}


def lacks_duty_consent(pair: dict[str, Any]) -> bool:
    """A teacher mentors only with a written consent to the extra duty (Labour Code 351.8):
    the order would be refused, so such a pair is flagged and left out of the draft."""
    mentor = pair["mentor"] or {}
    consents = mentor.get("consents") or []
    signed = any(c["kind"] == "additional_duty" and c["valid"] for c in consents)
    return mentor.get("kind") == "teacher" and not signed


def without_consent(pair: dict[str, Any]) -> list[str]:
    """Participants with no valid consent to process their data (a pupil's withdrawn by the
    parent): the order would be refused for them, so the pair is flagged and left out."""
    people = [p for p in [pair["mentor"], *pair["mentees"]] if p]
    return [
        p["id"]
        for p in people
        if not any(c["kind"] == "personal_data" and c["valid"] for c in p.get("consents") or [])
    ]


def named_refusal(refusal: Refused, pairs: list[dict[str, Any]]) -> str:
    """The refusal's message with the name of the person it is about."""
    people = {
        p["id"]: p["fullName"] for pair in pairs for p in [pair["mentor"], *pair["mentees"]] if p
    }
    name = people.get(str(refusal.details.get("person_id")))
    return f"{refusal.message}: {name}" if name else refusal.message


class OrderController(Controller):
    path = "/orders"

    @get("/")
    async def show(self, user: WebUser, backend: Backend) -> Template:
        default = {"order_date": date.today().isoformat()}
        return await self._page(user, backend, Form(values=default), checked=None)

    @post("/")
    async def approve(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        programme = await programme_required(backend, user)
        form = Form.of(await request.form(), lists=("pair_ids",))
        pair_ids = form.choices("pair_ids")
        body = {
            "number": form.text("number"),
            "order_date": form.day("order_date"),
            "pair_ids": pair_ids,
        }
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
        return done(request, "/orders", f"Приказ № {body['number']} издан: пары утверждены")

    @get("/draft/docx")
    async def draft_docx(self, user: WebUser, backend: Backend) -> Response[bytes]:
        programme = await programme_required(backend, user)
        path = f"/programmes/{programme['id']}/order-draft"
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
        for pair in proposed:
            pair["lacks_duty_consent"] = lacks_duty_consent(pair)
            pair["without_consent"] = without_consent(pair)
        ready = {p["id"] for p in proposed if not (p["lacks_duty_consent"] or p["without_consent"])}
        orders = (await backend.query(user.token, ORDERS, programme=programme["id"]))["pairOrders"]
        return form_page(
            "school/orders.html",
            user,
            form,
            programme=programme,
            proposed=proposed,
            checked=checked if checked is not None else ready,
            orders=orders,
        )


async def proposed_pairs(
    backend: Backend, user: WebUser, programme: dict[str, Any]
) -> list[dict[str, Any]]:
    """The pairs the curator formed that wait for the order: the draft's appendix."""
    pairs = (await backend.query(user.token, PAIRS, programme=programme["id"]))["pairs"]
    return [e["node"] for e in pairs["edges"] if e["node"]["status"] == "proposed"]
