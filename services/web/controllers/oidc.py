"""The OIDC login's two routes: off to the provider with a fresh state, nonce and PKCE
verifier kept in the session cookie, and back with the code (`oidc.py` does the protocol)."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from shared.adapters.settings import Settings

from ..oidc import Attempt, OidcError, authorization_url, complete, discover, new_attempt
from ..session import location, safe_next, sign_in
from .login import login_page

SESSION_KEY = "oidc"


class OidcController(Controller):
    path = "/login/oidc"

    @get("/")
    async def start(
        self, request: Request[Any, Any, Any], settings: Settings, next: str = "/"
    ) -> Redirect | Template:
        if not settings.oidc_login:
            return login_page(request, settings, next, "Вход через службу входа не настроен")
        attempt = new_attempt(safe_next(next))
        try:
            async with httpx.AsyncClient(timeout=15) as client:
                provider = await discover(client, settings)
        except OidcError as error:
            return login_page(request, settings, next, error.message)
        request.session[SESSION_KEY] = attempt.as_session()
        return Redirect(path=authorization_url(provider, settings, attempt), status_code=303)

    @get("/callback")
    async def callback(
        self, request: Request[Any, Any, Any], settings: Settings
    ) -> Redirect | Template:
        # `state` is a name Litestar keeps for itself: the provider's answer is read as is
        code, state, error = (request.query_params.get(k, "") for k in ("code", "state", "error"))
        attempt = Attempt.from_session((request.session or {}).pop(SESSION_KEY, None))
        if not settings.oidc_login or attempt is None or not state or state != attempt.state:
            return login_page(
                request, settings, "/", "Вход не завершён: начните его заново с этой страницы"
            )
        if error or not code:
            return login_page(request, settings, attempt.next_path, "Служба входа не пустила")
        try:
            token = await complete(settings, attempt, code)
        except OidcError as failure:
            return login_page(request, settings, attempt.next_path, failure.message)
        sign_in(request, token)
        return Redirect(path=location(attempt.next_path), status_code=303)
