"""One error shape for every service: `{"code": ..., "message": ..., "details": {...}}`.

Domain and application code raise the errors of `shared.kernel.errors`, which carry no HTTP. The
handlers here turn them (and Litestar's own errors) into responses. Messages are read by
school staff, so they are in Russian; codes are for programs.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.utils.scope.state import ScopeState

from shared.kernel.errors import (
    AppError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RuleViolated,
    Unauthenticated,
)

from .validation import every_problem

# Each kind of domain error answers with its status; a subclass inherits its kind's.
_STATUS: dict[type[AppError], int] = {
    InvalidInput: 400,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    RuleViolated: 422,
}


def status_of(error: AppError) -> int:
    """The error's kind's status, unless the API layer's own error class declares one (`status`,
    e.g. a 413 for a file too large): the kernel's errors know no HTTP."""
    declared = getattr(type(error), "status", None)
    if isinstance(declared, int):
        return declared
    return next((_STATUS[kind] for kind in type(error).__mro__ if kind in _STATUS), 422)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def app_error_handler(_: Request[Any, Any, Any], error: AppError) -> Response[dict[str, Any]]:
    return Response(
        error_body(error.code, error.message, error.details), status_code=status_of(error)
    )


# msgspec names the field as "... - at `$.a.b`" or "Object missing required field `b`".
_FIELD_AT = re.compile(r"at `\$\.([^`]+)`")
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")


def validation_error_handler(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[dict[str, Any]]:
    """msgspec validation failures become 400s that name every field that does not fit."""
    problems = _payload_problems(request) or []
    for item in [] if problems else error.extra if isinstance(error.extra, list) else []:
        item = item if isinstance(item, dict) else {"message": str(item)}
        message = str(item.get("message", ""))
        key = item.get("key")
        field = _field_of(message) or (str(key) if key and key != "data" else None)
        problems.append({"field": field, "problem": message})
    fields = ", ".join(str(p["field"]) for p in problems if p["field"])
    message = f"Неверные данные в поле: {fields}" if fields else "Неверные данные запроса"
    return Response(error_body("invalid_payload", message, {"problems": problems}), status_code=400)


def _payload_problems(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
    """Each field of the JSON body that does not fit the handler's `data` (msgspec names only
    the first); none when the body is not the problem."""
    field = request.route_handler.parsed_data_field
    body = ScopeState.from_scope(request.scope).body
    if field is None or not isinstance(body, bytes):
        return []
    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return []
    return every_problem(raw, field.annotation)


def _field_of(message: str) -> str | None:
    path = _FIELD_AT.search(message)
    missing = _MISSING_FIELD.search(message)
    parts = [m.group(1) for m in (path, missing) if m]
    return ".".join(parts) or None


_HTTP_CODES = {
    401: ("unauthenticated", "Требуется вход: нет действительного токена"),
    403: ("forbidden", "Недостаточно прав"),
    404: ("not_found", "Не найдено"),
    405: ("method_not_allowed", "Метод не поддерживается"),
}


def http_error_handler(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    code, default_message = _HTTP_CODES.get(error.status_code, ("http_error", "Ошибка запроса"))
    detail = error.detail if error.detail and error.detail != default_message else None
    message = detail if detail and error.status_code in (401, 403) else default_message
    # `headers`: what the error says beside its body (a 405's `Allow`)
    return Response(error_body(code, message), status_code=error.status_code, headers=error.headers)


# What a caller learns of a crash, over HTTP and GraphQL alike (the log has the rest).
CRASH_MESSAGE = "Внутренняя ошибка сервиса; попробуйте ещё раз позже"


def unexpected_error_handler(
    _: Request[Any, Any, Any], error: Exception
) -> Response[dict[str, Any]]:
    structlog.get_logger().exception("unhandled_error", error_type=type(error).__name__)
    return Response(
        error_body("internal_error", CRASH_MESSAGE),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    AppError: app_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: unexpected_error_handler,
}
