"""What templates may call: Russian dates and the field's dictionaries by their codes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import uuid4

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup

from services.programs.labels import (
    ACT_KIND_NAMES,
    BASIS_NAMES,
    MARK_NAMES,
    MEETING_KIND_NAMES,
    OUTCOME_NAMES,
    PAIR_STATUS_NAMES,
    POINT_KIND_NAMES,
    SOURCE_LEVEL_NAMES,
    STAGE_NAMES,
)
from services.registry.labels import (
    CONSENT_KIND_NAMES,
    EDUCATION_KIND_NAMES,
    INFORMATION_SOURCE_NAMES,
    PERSON_KIND_NAMES,
    STAFF_ROLE_NAMES,
)
from shared.adapters.settings import region_today
from shared.dictionaries import CATEGORY_NAMES, FORM_NAMES, MONTHS_GENITIVE
from shared.kernel.principal import ROLE_NAMES

from .backend import FORM_KEY_FIELD


def ru_date(value: date | datetime | str | None) -> str:
    """«12.03.2026» for a date, a datetime or an ISO string; a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y")


def typed_date(value: str) -> str:
    """A date field's value as a person types it: an ISO date (a default, a stored value) as
    «12.03.2026»; what they typed, even wrong, as typed."""
    try:
        return ru_date(value) if len(value) == 10 else value
    except ValueError:
        return value


def ru_long_date(value: date | str) -> str:
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def named(code: str | None, names: dict[str, str]) -> str:
    return names.get(code or "", code or "—")


def take_notice(request: Request[Any, Any, Any]) -> str | None:
    """The line a command left for the page shown after it, shown once."""
    session = request.scope.get("session")
    return session.pop("notice", None) if isinstance(session, dict) else None


def command_key() -> Markup:
    """A form's own key, made when the page is rendered: sent twice, the form stores once."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FORM_KEY_FIELD, uuid4())


def configure_templates(engine: JinjaTemplateEngine) -> None:
    environment = engine.engine
    environment.filters.update(
        ru_date=ru_date, typed_date=typed_date, ru_long_date=ru_long_date, named=named
    )
    environment.globals.update(
        take_notice=take_notice, today=lambda: region_today().isoformat(), command_key=command_key
    )
    environment.globals.update(
        FORM_NAMES={str(k): v for k, v in FORM_NAMES.items()},
        CATEGORY_NAMES={str(k): v for k, v in CATEGORY_NAMES.items()},
        PERSON_KIND_NAMES=PERSON_KIND_NAMES,
        EDUCATION_KIND_NAMES=EDUCATION_KIND_NAMES,
        MEETING_KIND_NAMES=MEETING_KIND_NAMES,
        STAGE_NAMES=STAGE_NAMES,
        BASIS_NAMES=BASIS_NAMES,
        PAIR_STATUS_NAMES=PAIR_STATUS_NAMES,
        OUTCOME_NAMES=OUTCOME_NAMES,
        CONSENT_KIND_NAMES=CONSENT_KIND_NAMES,
        ROLE_NAMES={str(k): v for k, v in ROLE_NAMES.items()},
        STAFF_ROLE_NAMES=STAFF_ROLE_NAMES,
        INFORMATION_SOURCE_NAMES=INFORMATION_SOURCE_NAMES,
        ACT_KIND_NAMES=ACT_KIND_NAMES,
        MARK_NAMES=MARK_NAMES,
        POINT_KIND_NAMES=POINT_KIND_NAMES,
        SOURCE_LEVEL_NAMES=SOURCE_LEVEL_NAMES,
    )
    environment.trim_blocks = True
    environment.lstrip_blocks = True
