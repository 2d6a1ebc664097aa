"""Bearer tokens (JWT) whose claims carry the caller's role and scope.

No identity provider runs here: `make token` issues development tokens signed with JWT_SECRET.
An OIDC provider fits by issuing tokens with the same claims (`role`, `scope`).
"""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID, uuid4

import jwt
from litestar.connection import ASGIConnection
from litestar.middleware import (
    AbstractAuthenticationMiddleware,
    AuthenticationResult,
    DefineMiddleware,
)
from litestar.types import ASGIApp

from shared.adapters.logging import bind_caller
from shared.adapters.settings import Settings
from shared.kernel.errors import Unauthenticated
from shared.kernel.principal import Principal, Role, check_claims
from shared.kernel.scope import Scope
from shared.lru import LRU


def issue_token(
    settings: Settings,
    role: Role,
    scope: str,
    *,
    user: str | None = None,
    name: str = "",
    person: UUID | None = None,
    ttl_seconds: int = 12 * 3600,
) -> str:
    check_claims(role, scope)
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": user or str(uuid4()),
        "role": str(role),
        "scope": scope,
        "name": name,
        "iss": settings.jwt_issuer,
        "iat": now,
        "exp": now + ttl_seconds,
    }
    if person is not None:
        claims["person"] = str(person)
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
        person=_person_of(claims),
    )
    return principal, int(claims["exp"])


def _person_of(claims: dict[str, Any]) -> UUID | None:
    """The staff person a token names (optional: tokens issued before the claim stay valid)."""
    if "person" not in claims:
        return None
    try:
        return UUID(str(claims["person"]))
    except ValueError:
        raise Unauthenticated("token_invalid", "В токене неверный сотрудник") from None


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
