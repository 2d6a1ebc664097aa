"""Domain errors: a machine-readable `code`, a Russian `message` a school's staff understands,
and `details`. They know no transport: `shared.adapters.http_errors` maps each kind to its HTTP
status and the `{code, message, details}` body every service answers with."""

from __future__ import annotations

from datetime import date
from typing import Any


class AppError(Exception):
    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    @property
    def extensions(self) -> dict[str, Any]:
        """GraphQL errors carry the same machine-readable code and details as HTTP ones."""
        return {"code": self.code, "details": self.details}


class InvalidInput(AppError):
    """The payload is well-formed but a value is not acceptable."""


class Unauthenticated(AppError):
    """No caller, or a caller whose credentials do not hold."""


class PermissionDenied(AppError):
    """The caller's role or scope does not allow the command."""


class NotFound(AppError):
    """The object does not exist (or not for this caller)."""


class Conflict(AppError):
    """The command clashes with the current state (a duplicate, a concurrent change)."""


class RuleViolated(AppError):
    """A rule of the domain refuses the command (no consent, over capacity, ...)."""


def check_not_in_future(day: date, today: date, what: str, field: str) -> None:
    """A document's date is of a day already come: the platform records what was decided
    (DESIGN.md, decision 11); `what` names the date in the message, `field` in the details."""
    if day > today:
        raise RuleViolated(
            "effective_date_in_future",
            f"{what} не может быть позже сегодняшнего дня",
            field=field,
        )
