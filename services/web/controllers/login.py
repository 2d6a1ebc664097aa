"""Signing in and out.

In development the login page lists the demo users and signs in as one of them (or with a token
from `make token`, for any other scope). With an OIDC provider configured (`OIDC_ISSUER`,
`OIDC_CLIENT_ID`), with `WEB_LOGIN=oidc`, or in production, the development login is off; the
page then sends to the provider (`controllers/oidc.py`), whose sign-in ends in `sign_in` with the
platform's token — every page works from that token alone."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from services.demo_users import DEMO_USERS, demo_token
from shared.adapters.auth import decode_token
from shared.adapters.settings import Settings
from shared.kernel.errors import Unauthenticated
from shared.kernel.principal import ROLE_NAMES, Role

from ..pages import page
from ..session import location, safe_next, sign_in, sign_out, user_of


def login_page(
    request: Request[Any, Any, Any], settings: Settings, next_path: str, error: str | None = None
) -> Template:
    return page(
        "login.html",
        user_of(request, settings),
        status_code=400 if error else 200,
        next=safe_next(next_path),
        demo_users=[(str(role), name, ROLE_NAMES[role]) for role, name in DEMO_USERS]
        if settings.development_login
        else [],
        development=settings.development_login,
        oidc=settings.oidc_login,
        error=error,
    )


class LoginController(Controller):
    @get("/login", sync_to_thread=False)
    def show(
        self, request: Request[Any, Any, Any], settings: Settings, next: str = "/"
    ) -> Template:
        return login_page(request, settings, next)

    @post("/login/demo")
    async def as_demo_user(self, request: Request[Any, Any, Any], settings: Settings) -> Any:
        form = await request.form()
        next_path = safe_next(form.get("next"))
        demo_roles = {str(role) for role, _ in DEMO_USERS}
        role = str(form.get("role", ""))
        if not settings.development_login or role not in demo_roles:
            return login_page(request, settings, next_path, "Выберите пользователя из списка")
        sign_in(request, demo_token(settings, Role(role)))
        return Redirect(path=location(next_path), status_code=303)

    @post("/login/token")
    async def with_token(self, request: Request[Any, Any, Any], settings: Settings) -> Any:
        form = await request.form()
        next_path = safe_next(form.get("next"))
        token = str(form.get("token", "")).strip()
        if not settings.development_login:
            return login_page(request, settings, next_path, "Вход по токену отключён")
        try:
            decode_token(settings, token)
        except Unauthenticated as error:
            return login_page(request, settings, next_path, error.message)
        sign_in(request, token)
        return Redirect(path=location(next_path), status_code=303)

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        sign_out(request)
        return Redirect(path="/login", status_code=303)
