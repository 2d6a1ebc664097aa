"""The first page: for a school, what needs attention; for everyone, where they stand."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from ..backend import Backend
from ..pages import page
from ..session import WebUser

PROGRAMMES = """
query { programmes { id title schoolYear stage stageName forms } }
"""


class HomeController(Controller):
    @get("/")
    async def home(self, user: WebUser, backend: Backend) -> Template:
        data = await backend.query(user.token, PROGRAMMES)
        return page("home.html", user, programmes=data["programmes"])
