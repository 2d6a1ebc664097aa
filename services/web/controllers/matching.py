"""Matching: the mentors suggested for each mentee with the score and its reasons, the
whole-programme assignment as a preview, and the curator's decisions — accept, reject, override,
and a directive assignment for those left unmatched. Every pair formed here waits for the
director's order (`orders.py`)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from ..backend import Backend, Refused
from ..commands import FormPair, RejectSuggestion
from ..forms import Form
from ..pages import form_page
from ..reads import Programme, Read
from ..session import WebUser
from .common import done, programme_command, programme_required

MATCHING = """
query($programme: ID!, $form: String!) {
  programmeMatching(programmeId: $programme, perMentee: 3, form: $form) {
    suggestions { mentee { id fullName }
                  options { mentor { id fullName } score reasons { text points } } }
    assignment { mentee { id fullName } mentor { id fullName } score reasons { text points } }
    assignmentTotal
    unmatched { id fullName }
    mentors { id fullName }
  }
}
"""


class Candidate(Read):
    id: str
    fullName: str


class Reason(Read):
    text: str
    points: int


class Option(Read):
    mentor: Candidate
    score: int
    reasons: list[Reason]


class MenteeOptions(Read):
    mentee: Candidate
    options: list[Option]


class Suggestion(Option):
    mentee: Candidate


class Matching(Read):
    suggestions: list[MenteeOptions]
    assignment: list[Suggestion]
    assignmentTotal: int
    unmatched: list[Candidate]
    mentors: list[Candidate]


class MatchingPage(Read):
    programmeMatching: Matching | None


BASIS_NOTICES = {
    "suggested": "Пара сформирована по предложению подбора",
    "chosen": "Пара сформирована по выбору куратора",
    "directive": "Наставник назначен директивно",
}


def pair_body(form: str, mentor: str | None, mentee: str | None, basis: str) -> FormPair:
    return FormPair(form=form, mentor_id=mentor, mentee_ids=[mentee], basis=basis)


def form_of(programme: Programme, asked: str | None) -> str:
    """The form asked for when the programme runs it, else the programme's first."""
    return asked if asked in programme.forms else programme.forms[0]


class MatchingController(Controller):
    path = "/matching"

    @get("/")
    async def show(self, user: WebUser, backend: Backend, form: str = "") -> Template:
        programme = await programme_required(backend, user)
        return await self._page(user, backend, programme, form, Form())

    @post("/pairs")
    async def form_pair(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        """Accept a suggestion, override it with another mentor, or assign by directive."""
        programme = await programme_required(backend, user)
        form = Form.of(await request.form())
        basis = form.text("basis") or "chosen"
        body = pair_body(
            form.text("form") or programme.forms[0],
            form.text("mentor_id"),
            form.text("mentee_id"),
            basis,
        )
        try:
            await programme_command(backend, user, programme, "pairs", body)
        except Refused as refusal:
            if not refusal.belongs_to_form:
                raise
            form.errors[""] = refusal.message
            return await self._page(user, backend, programme, body.form, form)
        return done(request, f"/matching?form={body.form}", BASIS_NOTICES.get(basis, ""))

    @post("/assignment")
    async def accept_assignment(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Template | Redirect:
        """Every pair of the preview, as shown: each checked again by the programs service."""
        programme = await programme_required(backend, user)
        form = Form.of(await request.form())
        chosen_form = form_of(programme, form.text("form"))
        matching = await self._matching(user, backend, programme, chosen_form)
        refused = []
        for suggestion in matching.assignment:
            body = pair_body(chosen_form, suggestion.mentor.id, suggestion.mentee.id, "suggested")
            try:
                await programme_command(backend, user, programme, "pairs", body)
            except Refused as refusal:
                if not refusal.belongs_to_form:
                    raise
                refused.append(f"{suggestion.mentee.fullName}: {refusal.message}")
        formed = len(matching.assignment) - len(refused)
        if refused:
            form.errors[""] = f"Сформировано пар: {formed}. Не сформированы: " + "; ".join(refused)
            return await self._page(user, backend, programme, chosen_form, form)
        return done(request, "/orders", f"Сформировано пар: {formed}; они ждут приказа")

    @post("/rejections")
    async def reject(
        self, request: Request[Any, Any, Any], user: WebUser, backend: Backend
    ) -> Redirect:
        programme = await programme_required(backend, user)
        form = Form.of(await request.form())
        await programme_command(
            backend,
            user,
            programme,
            "rejected-suggestions",
            RejectSuggestion(
                mentee_id=form.text("mentee_id"),
                mentor_id=form.text("mentor_id"),
                reason=form.text("reason") or "",
            ),
        )
        return done(request, f"/matching?form={form.text('form') or ''}", "Предложение отклонено")

    @staticmethod
    async def _matching(
        user: WebUser, backend: Backend, programme: Programme, chosen_form: str
    ) -> Matching:
        """Suggestions, the assignment and the mentors to choose from, for the chosen form only
        (the form decides who may mentor); empty until the programme has a matching."""
        found = await backend.query(
            user.token, MATCHING, MatchingPage, programme=programme.id, form=chosen_form
        )
        return found.programmeMatching or Matching([], [], 0, [], [])

    async def _page(
        self,
        user: WebUser,
        backend: Backend,
        programme: Programme,
        chosen_form: str,
        form: Form,
    ) -> Template:
        chosen = form_of(programme, chosen_form)
        matching = await self._matching(user, backend, programme, chosen)
        return form_page(
            "school/matching.html",
            user,
            form,
            programme=programme,
            matching=matching,
            chosen_form=chosen,
        )
