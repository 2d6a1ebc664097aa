"""Bearer tokens (JWT) whose claims carry the caller's role and scope.

No identity provider runs here: `make token` issues development tokens signed with JWT_SECRET.
An OIDC provider fits by issuing tokens with the same claims (`role`, `scope`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from uuid import uuid4

import jwt
from litestar.connection import ASGIConnection
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)
from litestar.types import ASGIApp

from shared.errors import PermissionDenied, Unauthenticated
from shared.logging import bind_caller
from shared.lru import LRU
from shared.settings import Settings
from shared.tenancy import Level, Scope, depth


class Role(StrEnum):
    OPERATOR = "operator"  # runs the platform: creates regions
    REGION_OFFICER = "region_officer"
    INSTITUTE_METHODOLOGIST = "institute_methodologist"
    MUNICIPALITY_OFFICER = "municipality_officer"
    SCHOOL_DIRECTOR = "school_director"
    SCHOOL_COORDINATOR = "school_coordinator"
    SCHOOL_CURATOR = "school_curator"
    AUDITOR = "auditor"


# How a person reads each role (refusals name it; the web shows it beside the user's name).
ROLE_NAMES = {
    Role.OPERATOR: "оператор платформы",
    Role.REGION_OFFICER: "специалист органа управления образованием региона",
    Role.INSTITUTE_METHODOLOGIST: "методист ИРО",
    Role.MUNICIPALITY_OFFICER: "специалист муниципалитета",
    Role.SCHOOL_DIRECTOR: "руководитель ОО",
    Role.SCHOOL_COORDINATOR: "координатор",
    Role.SCHOOL_CURATOR: "куратор",
    Role.AUDITOR: "аудитор",
}

SCHOOL_STAFF = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR, Role.SCHOOL_CURATOR})
SCHOOL_MANAGEMENT = frozenset({Role.SCHOOL_DIRECTOR, Role.SCHOOL_COORDINATOR})

# The depths of the organisation tree each role works at: a school's staff in one school, a
# municipality's officer in one municipality, the region's and the institute's people in the
# whole region; an auditor audits a school, a municipality or a region; an operator works in a
# region or, with the empty scope, on the whole platform.
ROLE_DEPTHS: dict[Role, frozenset[int]] = {
    Role.OPERATOR: frozenset({0, Level.REGION}),
    Role.REGION_OFFICER: frozenset({Level.REGION}),
    Role.INSTITUTE_METHODOLOGIST: frozenset({Level.REGION}),
    Role.MUNICIPALITY_OFFICER: frozenset({Level.MUNICIPALITY}),
    **dict.fromkeys(SCHOOL_STAFF, frozenset({Level.SCHOOL})),
    Role.AUDITOR: frozenset({Level.REGION, Level.MUNICIPALITY, Level.SCHOOL}),
}
# An `ltree` path of organisation labels (at most a school deep), or empty.
_SCOPE_PATH = re.compile(r"(?:[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64}){0,2})?")


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    user: str
    role: Role
    scope: Scope
    name: str = ""

    def require(self, allowed: frozenset[Role], action: str) -> None:
        if self.role not in allowed:
            raise PermissionDenied(
                "role_not_allowed",
                f"Роль «{ROLE_NAMES[self.role]}» не может {action}",
                role=str(self.role),
            )

    def covers(self, tenant: str) -> bool:
        """Is the target inside the caller's subtree (operators work everywhere)?"""
        return self.role == Role.OPERATOR or self.scope.covers(tenant)

    def require_scope(self, tenant: str) -> None:
        if not self.covers(tenant):
            raise PermissionDenied("out_of_scope", "Объект вне вашей организации")


def check_claims(role: Role, scope: object) -> str:
    """The scope, if it is a path of the tree at the depth the role works at; else the token is
    refused (and never issued)."""
    if not isinstance(scope, str) or not _SCOPE_PATH.fullmatch(scope):
        raise Unauthenticated("token_scope_invalid", "В токене неверная область видимости")
    if (depth(scope) if scope else 0) not in ROLE_DEPTHS[role]:
        raise Unauthenticated(
            "token_scope_mismatch",
            f"Роль «{role}» не работает на уровне организации, указанном в токене",
            role=str(role),
        )
    return scope


def issue_token(
    settings: Settings,
    role: Role,
    scope: str,
    *,
    user: str | None = None,
    name: str = "",
    ttl_seconds: int = 12 * 3600,
) -> str:
    check_claims(role, scope)
    now = int(time.time())
    claims = {
        "sub": user or str(uuid4()),
        "role": str(role),
        "scope": scope,
        "name": name,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")


def decode_token(settings: Settings, token: str) -> Principal:
    return _verify(settings, token)[0]


def _verify(settings: Settings, token: str) -> tuple[Principal, int]:
    """The caller a token names, and when the token expires (Unix time)."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=["HS256"],
            issuer=settings.jwt_issuer,
            options={"require": ["sub", "exp", "role", "scope"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthenticated(
            "token_expired", "Срок действия токена истёк; войдите снова"
        ) from None
    except jwt.PyJWTError:
        raise Unauthenticated("token_invalid", "Токен недействителен") from None
    try:
        role = Role(claims["role"])
    except ValueError:
        raise Unauthenticated("token_invalid", "В токене неизвестная роль") from None
    principal = Principal(
        user=str(claims["sub"]),
        role=role,
        scope=Scope(check_claims(role, claims["scope"])),
        name=str(claims.get("name", "")),
    )
    return principal, int(claims["exp"])


class VerifiedTokens:
    """The tokens this service has verified, each until it expires. A client sends the same
    token with every request, and verifying it (signature and claims) cost ~0.1 ms of each.
    Only the event loop's thread uses it."""

    def __init__(self, settings: Settings, max_tokens: int = 10_000) -> None:
        self.settings = settings
        self._verified: LRU[str, tuple[Principal, int]] = LRU(max_tokens)

    def from_header(self, header: str | None) -> Principal:
        if not header or not header.lower().startswith("bearer "):
            raise Unauthenticated("token_missing", "Нужен заголовок Authorization: Bearer <токен>")
        token = header[7:].strip()
        verified = self._verified.get(token)
        if verified is not None and time.time() < verified[1]:
            return verified[0]
        verified = _verify(self.settings, token)  # an expired token is refused here
        self._verified.put(token, verified)
        return verified[0]


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    """Puts the caller's `Principal` on `request.user` for every route it covers."""

    def __init__(self, app: ASGIApp, tokens: VerifiedTokens, exclude: list[str]) -> None:
        super().__init__(app, exclude=exclude)
        self.tokens = tokens

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        principal = self.tokens.from_header(connection.headers.get("authorization"))
        bind_caller(principal.user, principal.scope.path, principal.role)
        return AuthenticationResult(user=principal, auth=None)


def bearer_middleware(settings: Settings, exclude: list[str]) -> DefineMiddleware:
    """One set of verified tokens for all the app's routes (each route gets its own
    middleware)."""
    return DefineMiddleware(BearerAuthMiddleware, tokens=VerifiedTokens(settings), exclude=exclude)
