"""The school's own self-audit: its twelve checklist items for a school year, filled in by the
director or the coordinator, with the reviewers' verdicts and recommendations beside each
(the review loop is the school's as much as the reviewer's)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from ..backend import Backend, Refused
from ..commands import SelfAudit, SelfAuditAnswer
from ..forms import Form
from ..pages import form_page
from ..session import WebUser
from .common import done, school_of
from .monitoring import school_self_audit
from .oversight import school_years


class SchoolSelfAuditController(Controller):
    path = "/self-audit"

    @get("/")
    async def show(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend, year: str = ""
    ) -> Template:
        return await self._page(request, user, backend, year, Form())

    @post("/")
    async def fill(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        school = school_of(user)
        form = Form.of(await request.form())
        year = form.text("year") or ""
        answers = [
            SelfAuditAnswer(
                item=n,
                achieved=form.values[f"item_{n}"] == "yes",
                evidence=form.text(f"evidence_{n}"),
            )
            for n in range(1, 13)
            if form.values.get(f"item_{n}") in ("yes", "no")
        ]
        body = SelfAudit(school_year=year, items=answers, page_url=form.text("page_url"))
        try:
            await backend.command(
                user.token, "registry", f"/schools/{school}/self-audit", body, method="PUT"
            )
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.refused(refusal, {"page_url": "page_url"})
            return await self._page(request, user, backend, year, form)
        return done(request, f"/self-audit?year={year}", "Ответы самоаудита сохранены")

    @staticmethod
    async def _page(
        request: Request[Any, Any, Any], user: WebUser, backend: Backend, year: str, form: Form
    ) -> Template:
        school = school_of(user)
        years = await school_years(request, backend, user, year or None)
        audit = await school_self_audit(backend, user, school, years.chosen)
        return form_page(
            "school/self_audit.html",
            user,
            form,
            years=years,
            year=years.chosen,
            audit=audit,
            can_fill=user.manages_school,
        )
