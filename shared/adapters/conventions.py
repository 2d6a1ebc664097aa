"""The HTTP conventions an integrator's tools expect, around every service's whole app (so that
404s, 405s and refusals before any route get them too): `WWW-Authenticate` on a 401,
`Cache-Control: no-store` on every answer but the public ones (answers carry personal data),
rate limits per token and per address with 429 and `Retry-After`, and the API's version.

The version travels in a header, `API-Version` (README, «Versioning»): every answer names the
version it speaks; a request may name the one it was written for, and a version this release
does not serve is refused (400) rather than answered in another."""

from __future__ import annotations

import hashlib
import math
import re
import time
from dataclasses import dataclass

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from shared.adapters.http_errors import error_body
from shared.adapters.settings import Settings
from shared.lru import LRU

API_VERSION = "1"
SERVED_VERSIONS = frozenset({API_VERSION})
# Answers with nothing personal, which a cache may keep.
PUBLIC = re.compile(r"^/(health|metrics|schema|static)(/|$)")
# The buckets kept at once (the least recently used forgotten: a forgotten one starts full).
MAX_BUCKETS = 100_000


@dataclass
class Bucket:
    """A token bucket: `capacity` requests at once, refilled at `capacity` a minute."""

    tokens: float
    at: float


class Limit:
    def __init__(self, per_minute: int) -> None:
        self.capacity = per_minute
        self.rate = per_minute / 60
        self.buckets: LRU[str, Bucket] = LRU(MAX_BUCKETS)

    def wait(self, key: str, now: float, take: bool = True) -> float:
        """Seconds until the key may send again (0: now); a request sent now takes a token."""
        if self.capacity <= 0:
            return 0
        bucket = self.buckets.get(key) or Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        self.buckets.put(key, bucket)
        if bucket.tokens < 1:
            return (1 - bucket.tokens) / self.rate
        if take:
            bucket.tokens -= 1
        return 0


class RateLimits:
    """Per bearer token, per client address, and per address for failed sign-ins (a 401
    costs a token of that bucket: guessing tokens is slowed, a valid client is not)."""

    def __init__(self, settings: Settings) -> None:
        self.token = Limit(settings.rate_limit_per_token)
        self.address = Limit(settings.rate_limit_per_address)
        self.failed = Limit(settings.rate_limit_failed_auth)

    def wait(self, scope: Scope) -> float:
        now = time.monotonic()
        address = _address(scope)
        waits = [self.failed.wait(address, now, take=False), self.address.wait(address, now)]
        token = _header(scope, b"authorization")
        if token:
            waits.append(self.token.wait(hashlib.sha256(token).hexdigest(), now))
        return max(waits)

    def refused_sign_in(self, scope: Scope) -> None:
        self.failed.wait(_address(scope), time.monotonic())


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else ""


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((value for key, value in scope.get("headers", []) if key == name), None)


async def refuse(
    send: Send, status: int, code: str, message: str, headers: list[tuple[bytes, bytes]]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"cache-control", b"no-store"),
                (b"api-version", API_VERSION.encode()),
                *headers,
            ],
        }
    )
    body = msgspec.json.encode(error_body(code, message))
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def too_many(send: Send, wait: float) -> None:
    message = "Слишком много запросов; повторите через несколько секунд"
    retry_after = str(max(1, math.ceil(wait))).encode()
    await refuse(send, 429, "rate_limited", message, [(b"retry-after", retry_after)])


def unserved_version(scope: Scope) -> bool:
    asked = _header(scope, b"api-version")
    return asked is not None and asked.decode("latin-1").strip() not in SERVED_VERSIONS


def conventional(app: ASGIApp, settings: Settings) -> ASGIApp:
    limits = RateLimits(settings)

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        wait = limits.wait(scope)
        if wait > 0:
            await too_many(send, wait)
            return
        if unserved_version(scope):
            message = f"Заголовок API-Version: эта версия не поддерживается (есть {API_VERSION})"
            await refuse(send, 400, "unsupported_api_version", message, [])
            return
        public = bool(PUBLIC.match(scope["path"]))

        async def send_conventionally(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                if message["status"] == 401:
                    limits.refused_sign_in(scope)
                    headers.append((b"www-authenticate", _challenge(scope)))
                if not public and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                headers.append((b"api-version", API_VERSION.encode()))
                message["headers"] = headers
            await send(message)

        await app(scope, receive, send_conventionally)

    return middleware


def _challenge(scope: Scope) -> bytes:
    """RFC 6750: a request that sent a token learns it is invalid."""
    if _header(scope, b"authorization"):
        return b'Bearer realm="nastavnik", error="invalid_token"'
    return b'Bearer realm="nastavnik"'
