"""What the school's pages share: the school and its current programme, notices, redirects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import httpx
from litestar import Request
from litestar.response import Redirect, Response, Template

from shared.adapters.settings import region_today
from shared.frames import FRAMES

from ..backend import Backend, Refused, Stored
from ..commands import Command
from ..forms import Form
from ..pages import page
from ..reads import Connection, Programme, Read
from ..session import WebUser, location

PROGRAMMES = """
query($first: Int!) { programmes(first: $first) { edges { node {
  id title schoolYear frame frameName stage stageName stageSince forms meetingEveryDays startsOn
  endsOn goals schoolId
} } } }
"""
# The frames a programme or an act belongs to, as a form offers them
FRAME_CHOICES = [(str(frame), definition.name) for frame, definition in FRAMES.items()]
# The programmes a school runs side by side in its years (a students' and a teachers' each)
SIDE_BY_SIDE = 20


class Programmes(Read):
    programmes: Connection[Programme]


def school_of(user: WebUser) -> UUID:
    """The user's school; other roles have their own pages."""
    if user.school_id is None:
        raise Refused(403, "not_school_staff", "Эта страница — для сотрудников школы")
    return user.school_id


async def current_programme(backend: Backend, user: WebUser) -> Programme | None:
    """The programme the user chose to work on, else the school's programme of the latest
    school year (the list comes newest first)."""
    programmes = await school_programmes(backend, user, SIDE_BY_SIDE if user.programme_id else 1)
    chosen = [p for p in programmes if p.id == user.programme_id] or programmes
    return chosen[0] if chosen else None


async def school_programmes(
    backend: Backend, user: WebUser, first: int = SIDE_BY_SIDE
) -> list[Programme]:
    """The school's programmes, the latest school year's first."""
    school_of(user)
    answer = await backend.query(user.token, PROGRAMMES, Programmes, first=first)
    return answer.programmes.nodes


async def programme_required(
    backend: Backend, user: WebUser, programme_id: str | None = None
) -> Programme:
    """The programme chosen by its id (a school runs one of each frame side by side), else the
    school's current one."""
    if programme_id:
        chosen = [p for p in await school_programmes(backend, user) if p.id == programme_id]
        programme = chosen[0] if chosen else None
    else:
        programme = await current_programme(backend, user)
    if programme is None:
        raise Refused(404, "no_programme", "У школы пока нет программы наставничества")
    return programme


def passed_on(answer: httpx.Response) -> Response[bytes]:
    """A file made by reporting, passed to the browser as reporting named it."""
    return Response(
        answer.content,
        media_type=answer.headers["content-type"],
        headers={"Content-Disposition": answer.headers["content-disposition"]},
    )


async def programme_command(
    backend: Backend, user: WebUser, programme: Programme, action: str, body: Command
) -> Stored:
    """A command on the programme (`/programmes/{id}/{action}`), with the user's token."""
    return await backend.command(
        user.token, "programs", f"/programmes/{programme.id}/{action}", body
    )


def done(request: Request[Any, Any, Any], path: str, notice: str, anchor: str = "") -> Redirect:
    """After a command: the page that shows its result, with a line saying what was done; the
    anchor (the object acted on) stays a fragment, never percent-encoded into the path."""
    request.session["notice"] = notice
    return Redirect(path=location(path) + (f"#{anchor}" if anchor else ""), status_code=303)


def typed_day(value: str | None) -> str:
    """The day a form's date field holds, as ДД.ММ.ГГГГ: today when empty, as typed when it
    is no date (the service then names the field)."""
    try:
        return (date.fromisoformat(value) if value else region_today()).strftime("%d.%m.%Y")
    except ValueError:
        return value or ""


@dataclass(frozen=True)
class Question:
    """What an action that cannot be undone asks first: the question, what follows, the button
    that confirms and the page to go back to."""

    ask: str
    detail: str
    button: str
    back: str


def unconfirmed(
    request: Request[Any, Any, Any], user: WebUser, form: Form, question: Question
) -> Template | None:
    """None once confirmed; else the confirmation page, a form (no JavaScript needed) that sends
    the same values to the same address with `confirmed=yes`."""
    if form.values.get("confirmed") == "yes":
        return None
    return page(
        "confirm.html",
        user,
        action=request.url.path,
        values={k: v for k, v in form.values.items() if k != "confirmed"},
        question=question.ask,
        detail=question.detail,
        button=question.button,
        back=question.back,
    )
