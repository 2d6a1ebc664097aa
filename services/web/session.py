"""Who is signed in: the user's own token in an encrypted, HttpOnly, SameSite session cookie.

How the token gets there is the login's business (`controllers/login.py`: the development login
today, an OIDC provider later); every page only asks for `user: WebUser`, which sends a visitor
without a valid session to the login page and back to the page they asked for."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote
from uuid import UUID

from litestar import Request
from litestar.middleware.session.client_side import CookieBackendConfig

from shared.adapters.auth import decode_token
from shared.adapters.settings import Settings
from shared.kernel.errors import Unauthenticated
from shared.kernel.principal import ROLE_NAMES, SCHOOL_MANAGEMENT, Principal, Role
from shared.kernel.scope import Level

SESSION_HOURS = 12


class LoginRequired(Exception):
    """No valid session: the visitor goes to the login page and comes back to `next_path`."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    @property
    def login_url(self) -> str:
        return f"/login?next={quote(self.next_path, safe='/')}"


# The session's key of the programme the user chose (`WebUser.programme_id`)
CHOSEN_PROGRAMME = "programme"


@dataclass(frozen=True)
class WebUser:
    token: str
    principal: Principal
    # the programme a school's user chose to work on (one of each frame side by side); None:
    # the school's current one
    programme_id: str | None = None

    @property
    def name(self) -> str:
        return self.principal.name or ROLE_NAMES[self.principal.role]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.principal.role]

    @property
    def school_id(self) -> UUID | None:
        """The user's school, for a school's staff (the last label of a school's path)."""
        scope = self.principal.scope
        if scope.level != Level.SCHOOL:
            return None
        return UUID(hex=scope.path.split(".")[Level.SCHOOL - 1])

    @property
    def manages_school(self) -> bool:
        """Director and coordinator: the whole school's work (curators run their forms)."""
        return self.principal.role in SCHOOL_MANAGEMENT

    @property
    def runs_stages(self) -> bool:
        """Who moves the programme's stage: management, and a curator where the school made
        them responsible (the programs service checks the grant and names what is missing)."""
        return self.manages_school or self.principal.role == Role.SCHOOL_CURATOR

    @property
    def is_director(self) -> bool:
        return self.principal.role == Role.SCHOOL_DIRECTOR


def derived_secret(settings: Settings, purpose: str) -> bytes:
    """A key of its own per purpose, from the secret that production must set anyway."""
    return hashlib.sha256(f"nastavnik-web-{purpose}:{settings.jwt_secret}".encode()).digest()


def session_config(settings: Settings) -> CookieBackendConfig:
    return CookieBackendConfig(
        secret=derived_secret(settings, "session"),
        key="nastavnik_session",
        max_age=SESSION_HOURS * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        exclude=["^/static", "^/health"],
    )


def sign_in(request: Request[Any, Any, Any], token: str) -> None:
    request.set_session({"token": token})


def sign_out(request: Request[Any, Any, Any]) -> None:
    request.clear_session()


def user_of(request: Request[Any, Any, Any], settings: Settings) -> WebUser | None:
    session = request.session or {}
    token = session.get("token")
    if not token:
        return None
    try:
        return WebUser(token, decode_token(settings, token), session.get(CHOSEN_PROGRAMME))
    except Unauthenticated:
        return None


def wanted_path(request: Request[Any, Any, Any]) -> str:
    """Where the visitor was going (for a form sent after expiry: the page that shows it)."""
    path = request.url.path
    if request.method == "GET" and request.url.query:
        path += "?" + unquote(request.url.query)
    return path


def safe_next(next_path: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        return "/"
    return next_path


def location(path: str) -> str:
    """A path with Cyrillic in its query, as a Location header carries it."""
    return quote(path, safe="/?=&")
