"""JSON logs: every line carries the service, and within a request its id, the user and scope."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from uuid import uuid4

import structlog

SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")


def configure_logging(service: str, level: str = "info") -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def bind_caller(user: str, scope: str, role: str) -> None:
    structlog.contextvars.bind_contextvars(user=user, scope=scope, role=role)


def request_id_from(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The caller's `X-Request-ID` if it is a sane token (no spaces, quotes or control
    characters that could forge a log line or a header), else a new one."""
    for name, value in headers:
        if name == b"x-request-id" and SANE_REQUEST_ID.fullmatch(value):
            return value.decode()
    return uuid4().hex


def current_request_id() -> str | None:
    """The id of the request this code runs for: the web passes it on to every service it calls."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    return str(request_id) if request_id else None
