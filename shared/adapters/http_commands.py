"""The command services' middleware for `Idempotency-Key`, `If-Match` and `ETag` (see
`shared.adapters.idempotency` for what they promise)."""

from __future__ import annotations

import re
from typing import Any, cast
from uuid import UUID

import anyio
import msgspec
import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPRequestEvent, Message, Receive, ReceiveMessage, Scope, Send

from shared.adapters.database import (
    DATABASE_OUTAGES,
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
)
from shared.adapters.http_errors import error_body
from shared.adapters.idempotency import (
    KEPT_HEADERS,
    Answer,
    CommandInFlight,
    Receipt,
    Receipts,
    fingerprint,
    running,
)
from shared.kernel.principal import Principal

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# A key a client makes (a UUID, a ULID, a hash): visible ASCII, bounded.
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
ETAG = re.compile(r'^(?:W/)?"(\d{1,18})"$')
# A body is buffered to fingerprint it; an upload's own bound is far below this.
MAX_BUFFERED_BYTES = 16 * 1024 * 1024


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1")).strip()
    return None


def idempotency_key(scope: Scope) -> str | None:
    key = _header(scope, b"idempotency-key")
    if key is not None and not IDEMPOTENCY_KEY.match(key):
        raise Refused(
            400,
            "invalid_idempotency_key",
            "Заголовок Idempotency-Key: от 1 до 200 видимых символов ASCII",
        )
    return key


def expected_version(scope: Scope) -> int | None:
    """The version `If-Match` names (`*`: any, so no check)."""
    value = _header(scope, b"if-match")
    if value is None or value == "*":
        return None
    match = ETAG.match(value)
    if match is None:
        raise Refused(400, "invalid_if_match", 'Заголовок If-Match: версия из ETag, например "3"')
    return int(match.group(1))


def target_of(scope: Scope) -> UUID | None:
    """The aggregate a command's path names: its first id."""
    params: dict[str, Any] = scope.get("path_params", {})
    for value in params.values():
        if isinstance(value, UUID):
            return value
    return None


def check_content_type(scope: Scope) -> None:
    """A body in another format than the route reads is a 415, not a 400: JSON, but for a
    route that declares another (`opt["content_type"]`, an upload's multipart form)."""
    if not _has_body(scope):
        return
    expected = expected_content_type(scope["route_handler"])
    sent = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if sent != expected and not (expected == "application/json" and sent.endswith("+json")):
        raise Refused(
            415,
            "unsupported_media_type",
            f"Тело запроса должно быть в формате {expected} (заголовок Content-Type)",
        )


def expected_content_type(handler: Any) -> str:
    """What a route reads: its declared `content_type`, its body's media type (an upload's
    `Body(media_type=MULTI_PART)`), or JSON."""
    declared = handler.opt.get("content_type")
    if declared:
        return str(declared)
    field = handler.parsed_data_field
    media_type = getattr(getattr(field, "kwarg_definition", None), "media_type", None)
    return str(getattr(media_type, "value", media_type)) if media_type else "application/json"


def _has_body(scope: Scope) -> bool:
    length = _header(scope, b"content-length")
    if length is not None:
        return length not in ("", "0")
    return _header(scope, b"transfer-encoding") is not None


def caller_of(scope: Scope) -> str:
    principal = scope.get("user")
    if isinstance(principal, Principal):
        return f"{principal.user}|{principal.role}|{principal.scope.path}"
    return ""


async def buffered(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a `receive` that gives it to the app again."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BUFFERED_BYTES:
            raise Refused(413, "payload_too_large", "Запрос слишком велик")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        message: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
        return message

    return body, replay


async def send_answer(send: Send, answer: Answer) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


def json_answer(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Answer:
    body = msgspec.json.encode(error_body(code, message))
    return Answer(status, {"content-type": "application/json", **(headers or {})}, body)


def _created_id(body: bytes) -> UUID | None:
    try:
        found = msgspec.json.decode(body)
        return UUID(found["id"]) if isinstance(found, dict) and "id" in found else None
    except (msgspec.DecodeError, ValueError, TypeError):
        return None


class CommandMiddleware:
    """Runs each command as a `CommandInFlight`: replays a stored answer for a key already
    used, commits a keyed command's events with its answer, and answers with `ETag`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._finishers: anyio.CapacityLimiter | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = cast("dict[str, Any]", scope).get("method")
        if scope["type"] != ScopeType.HTTP or method not in COMMAND_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            await self._command(scope, receive, send)
        except Refused as refused:
            await send_answer(send, json_answer(refused.status, refused.code, refused.message))

    async def _command(self, scope: Scope, receive: Receive, send: Send) -> None:
        check_content_type(scope)
        key = idempotency_key(scope)
        command = CommandInFlight(
            caller=caller_of(scope),
            key=key,
            request=b"",
            target=target_of(scope),
            expected_version=expected_version(scope),
        )
        receipts: Receipts | None = getattr(scope["app"].state, "receipts", None)
        # An anonymous command (a personal link's opening) keeps no answer: it may be a secret.
        if key is not None and receipts is not None and command.caller:
            body, receive = await buffered(receive)
            command.request = fingerprint(
                cast("dict[str, Any]", scope)["method"],
                scope["path"],
                scope.get("query_string", b""),
                body,
            )
            found = await anyio.to_thread.run_sync(receipts.find, command.caller, key)
            if found is not None:
                await send_answer(send, self._replayed(found, command))
                return
        else:
            command.key = None
        answered = Answering(self, command, receipts, send, scope["path"])
        with running(command):
            try:
                await self.app(scope, receive, answered.send)
            finally:
                await answered.abandon()

    @staticmethod
    def _replayed(receipt: Receipt, command: CommandInFlight) -> Answer:
        if receipt.request != command.request:
            return json_answer(
                422,
                "idempotency_key_reused",
                "Этот ключ Idempotency-Key уже использован для другого запроса",
            )
        replayed = receipt.answer
        return Answer(
            replayed.status, {**replayed.headers, "idempotent-replayed": "true"}, replayed.body
        )

    @property
    def finishers(self) -> anyio.CapacityLimiter:
        """Threads of their own for committing receipts: a command holding the events' lock
        must never wait for a thread behind commands waiting for that lock."""
        if self._finishers is None:
            self._finishers = anyio.CapacityLimiter(4)
        return self._finishers


class Answering:
    """The app's answer on its way out: held until the command's transaction is finished."""

    def __init__(
        self,
        middleware: CommandMiddleware,
        command: CommandInFlight,
        receipts: Receipts | None,
        send: Send,
        path: str,
    ) -> None:
        self.middleware = middleware
        self.path = path
        self.command = command
        self.receipts = receipts
        self._send = send
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
            return
        if message["type"] != "http.response.body":
            await self._send(message)
            return
        self.body.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        self.command.answering = True
        answer = await self._finish(self._answer())
        await send_answer(self._send, answer)

    def _answer(self) -> Answer:
        body = b"".join(self.body)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in self.headers}
        if 200 <= self.status < 300:
            created = _created_id(body)
            version = self.command.version_of(created)
            if version is not None:
                headers["etag"] = f'"{version}"'
            if self.status == 201 and created is not None:
                # What was made, under the collection it was posted to (read it in GraphQL).
                headers["location"] = f"{self.path.rstrip('/')}/{created}"
        return Answer(self.status, headers, body)

    async def _finish(self, answer: Answer) -> Answer:
        """Commit the events with the receipt (or roll them back on a refusal)."""
        command, receipts = self.command, self.receipts
        success = 200 <= answer.status < 300
        if command.key is None or receipts is None:
            return answer
        kept = {k: v for k, v in answer.headers.items() if k.lower() in KEPT_HEADERS}
        receipt = (
            command.caller,
            command.key,
            Receipt(command.request, Answer(answer.status, kept, answer.body)),
        )
        transaction, command.transaction = command.transaction, None
        try:
            if transaction is not None:
                done = await anyio.to_thread.run_sync(
                    transaction.finish,
                    receipt if success else None,
                    limiter=self.middleware.finishers,
                )
            elif success:
                done = await anyio.to_thread.run_sync(receipts.keep, *receipt)
            else:
                return answer
        except DATABASE_OUTAGES as error:
            structlog.get_logger().warning("receipt_not_stored", error=str(error)[:200])
            return json_answer(
                503,
                "database_unavailable",
                UNAVAILABLE_MESSAGE,
                {"retry-after": str(RETRY_AFTER_SECONDS)},
            )
        if done:
            return answer
        # A copy sent at the same time stored first: this one's events were rolled back.
        found = await anyio.to_thread.run_sync(receipts.find, command.caller, command.key)
        return CommandMiddleware._replayed(found, command) if found else answer

    async def abandon(self) -> None:
        """A command that ended without an answer leaves nothing stored."""
        transaction, self.command.transaction = self.command.transaction, None
        if transaction is not None:
            await anyio.to_thread.run_sync(
                transaction.finish, None, limiter=self.middleware.finishers
            )
