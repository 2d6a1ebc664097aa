"""Signing in through an OpenID Connect provider: the authorization-code flow with PKCE (S256),
`state` against forged callbacks and `nonce` against replayed ID tokens.

The provider proves who the person is; its ID token's claims (`OIDC_ROLE_CLAIM`,
`OIDC_SCOPE_CLAIM`) say their role and organisation. The web interface then issues the platform's
own token for those claims — the services keep trusting one issuer, and the provider's token never
travels past this module."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import httpx
import jwt

from shared.adapters.auth import issue_token
from shared.adapters.settings import Settings
from shared.kernel.errors import Unauthenticated
from shared.kernel.principal import PARTICIPANTS, SCHOOL_STAFF, Role, check_claims
from shared.kernel.scope import person_path

from .session import SESSION_HOURS

SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


class OidcError(Exception):
    """The sign-in cannot go on; the message is for the person, in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Attempt:
    """What the browser's session keeps between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    next_path: str

    def as_session(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "verifier": self.verifier,
                "next": self.next_path}  # fmt: skip

    @classmethod
    def from_session(cls, data: Any) -> Attempt | None:
        if not isinstance(data, dict) or not all(
            isinstance(data.get(k), str) for k in ("state", "nonce", "verifier", "next")
        ):
            return None
        return cls(data["state"], data["nonce"], data["verifier"], data["next"])


def new_attempt(next_path: str) -> Attempt:
    return Attempt(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),  # 64 characters: within PKCE's 43–128
        next_path=next_path,
    )


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def _json(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError:
        raise OidcError("Служба входа не отвечает. Попробуйте позже.") from None
    if response.status_code >= 400:
        raise OidcError("Служба входа отказала во входе. Попробуйте войти ещё раз.")
    try:
        return response.json()
    except ValueError:
        raise OidcError("Служба входа ответила непонятно. Обратитесь к администратору.") from None


async def discover(client: httpx.AsyncClient, settings: Settings) -> dict[str, Any]:
    issuer = settings.oidc_issuer.rstrip("/")
    found = await _json(client, "GET", f"{issuer}/.well-known/openid-configuration")
    needed = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    if not isinstance(found, dict) or not all(isinstance(found.get(k), str) for k in needed):
        raise OidcError("Служба входа настроена неверно. Обратитесь к администратору.")
    return found


def authorization_url(provider: dict[str, Any], settings: Settings, attempt: Attempt) -> str:
    query = {
        "response_type": "code",
        "client_id": settings.oidc_client_id,
        "redirect_uri": settings.oidc_callback_url,
        "scope": "openid profile",
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_challenge": challenge_of(attempt.verifier),
        "code_challenge_method": "S256",
    }
    return f"{provider['authorization_endpoint']}?{urlencode(query)}"


async def complete(settings: Settings, attempt: Attempt, code: str) -> str:
    """Exchange the code (with the PKCE verifier), check the ID token, and return the
    platform's token for the person's role and scope."""
    async with httpx.AsyncClient(timeout=15) as client:
        provider = await discover(client, settings)
        tokens = await _json(
            client,
            "POST",
            provider["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": settings.oidc_callback_url,
                "code_verifier": attempt.verifier,
            },
            auth=(settings.oidc_client_id, settings.oidc_client_secret),
        )
        keys = await _json(client, "GET", provider["jwks_uri"])
    id_token = tokens.get("id_token") if isinstance(tokens, dict) else None
    if not isinstance(id_token, str):
        raise OidcError("Служба входа не подтвердила личность. Попробуйте войти ещё раз.")
    claims = verified_claims(settings, provider, keys, id_token, attempt.nonce)
    return platform_token(settings, claims)


def verified_claims(
    settings: Settings, provider: dict[str, Any], keys: Any, id_token: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims once its signature (the provider's published key), issuer,
    audience, expiry and nonce all hold."""
    try:
        key_set = jwt.PyJWKSet.from_dict(keys)
        kid = jwt.get_unverified_header(id_token).get("kid")
        key = key_set[kid] if kid else key_set.keys[0]
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key.key,
            algorithms=SIGNING_ALGORITHMS,
            audience=settings.oidc_client_id,
            issuer=provider["issuer"],
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except (jwt.PyJWTError, KeyError, IndexError):
        raise OidcError("Подпись входа не подтвердилась. Попробуйте войти ещё раз.") from None
    if claims.get("nonce") != nonce:
        raise OidcError("Ответ службы входа устарел. Попробуйте войти ещё раз.")
    return claims


# A scope is a path of organisation ids (hex) in the tree: region, municipality, school.
# (and a person of a school for a participant).
_SCOPE = re.compile(r"[0-9a-f]{32}(\.[0-9a-f]{32}){0,3}")
PLATFORM_ROLES = frozenset(Role) - {Role.OPERATOR}  # operators use the command line


def _person_scope(school: str, person: object) -> str:
    """`<school>.<person>`, or nothing that any role accepts."""
    try:
        return person_path(school, UUID(str(person))) if _SCOPE.fullmatch(school) else ""
    except ValueError:
        return ""


def _assigned(role: str, scope: str) -> bool:
    """A platform role and an organisation at the level that role works at."""
    if role not in PLATFORM_ROLES or not _SCOPE.fullmatch(scope):
        return False
    try:
        check_claims(Role(role), scope)
    except Unauthenticated:
        return False
    return True


def platform_token(settings: Settings, claims: dict[str, Any]) -> str:
    """The platform's token for the role and scope the provider's claims give; a participant's
    scope is the person the person claim names within the school the scope claim names, and a
    school's staff member carries that person too (a curator's grants of responsibility are
    theirs)."""
    role = str(claims.get(settings.oidc_role_claim, ""))
    scope = str(claims.get(settings.oidc_scope_claim, ""))
    person = claims.get(settings.oidc_person_claim)
    if role in PARTICIPANTS:
        scope = _person_scope(scope, person)
    if not _assigned(role, scope):
        raise OidcError(
            "Вашей учётной записи не назначены роль и организация на платформе. "
            "Обратитесь к администратору."
        )
    name = str(claims.get("name") or claims.get("preferred_username") or "")
    return issue_token(
        settings,
        Role(role),
        scope,
        user=f"oidc:{claims['sub']}",
        name=name,
        person=_staff_person(role, person),
        ttl_seconds=SESSION_HOURS * 3600,
    )


def _staff_person(role: str, person: object) -> UUID | None:
    """The staff person a school's staff member is, when the provider names one."""
    if role not in SCHOOL_STAFF or person is None:
        return None
    try:
        return UUID(str(person))
    except ValueError:
        raise OidcError("Учётная запись сотрудника указывает неверного человека школы.") from None
