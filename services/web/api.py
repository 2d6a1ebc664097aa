"""The web interface: server-rendered pages in Russian over the three services.

It holds no data and opens no database: it reads through reporting's GraphQL and writes through
the registry's and programs' commands with the signed-in user's own token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import ExceptionHandlersMap

from shared.adapters.conventions import conventional
from shared.adapters.logging import configure_logging
from shared.adapters.metrics import ServiceMetrics, instrument
from shared.adapters.settings import Settings, get_settings
from shared.adapters.startup import freeze_startup_heap

from .backend import FORM_KEY_FIELD, Backend, handling_form
from .controllers import CONTROLLERS
from .pages import EXCEPTION_HANDLERS
from .reminders import schedule_of, send_on_schedule
from .session import (
    LoginRequired,
    WebUser,
    derived_secret,
    session_config,
    user_of,
    wanted_path,
)
from .templating import configure_templates

HERE = Path(__file__).parent


@get("/health", sync_to_thread=False)
def health() -> dict[str, str]:
    """The web interface keeps no state of its own: up is healthy."""
    return {"status": "ok"}


def backend_of(state: State) -> Backend:
    backend: Backend = state.backend
    return backend


async def read_form_key(request: Request[Any, Any, Any]) -> None:
    """The key of the form being handled (a plain form: an upload's body is left unread)."""
    if request.method == "POST" and request.content_type[0] == "application/x-www-form-urlencoded":
        key = (await request.form()).get(FORM_KEY_FIELD)
        handling_form(str(key) if key else None)


def create_app(settings: Settings | None = None, backend: Backend | None = None) -> Litestar:
    """`backend` lets tests pass the services' own test clients; otherwise HTTP to settings'."""
    settings = settings or get_settings()
    configure_logging("web", settings.log_level)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per call to the services

    schedule = schedule_of(settings)  # a bad schedule stops the service at start
    metrics = ServiceMetrics("web")
    sent = metrics.counter("nastavnik_reminders_sent", "Reminder digests mailed on the schedule")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.backend = backend or Backend.from_settings(settings)
        reminders = (
            asyncio.create_task(
                send_on_schedule(settings, app.state.backend, schedule, sent.labels("web").inc)
            )
            if schedule
            else None
        )
        try:
            yield
        finally:
            if reminders:
                reminders.cancel()
            if backend is None:
                await app.state.backend.close()

    def provide_user(request: Request[Any, Any, Any]) -> WebUser:
        user = user_of(request, settings)
        if user is None:
            raise LoginRequired(wanted_path(request))
        request.state.web_user = user
        return user

    app = Litestar(
        before_request=read_form_key,
        route_handlers=[
            health,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
            *CONTROLLERS,
        ],
        dependencies={
            "user": Provide(provide_user, sync_to_thread=False),
            "backend": Provide(backend_of, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False, use_cache=True),
        },
        middleware=[session_config(settings).middleware],
        csrf_config=CSRFConfig(
            secret=derived_secret(settings, "csrf").hex(),
            cookie_name="nastavnik_csrf",
            cookie_httponly=True,
            cookie_samesite="lax",
            cookie_secure=settings.is_production,
            exclude=["^/static", "^/health"],
        ),
        template_config=TemplateConfig(
            directory=HERE / "templates",
            engine=JinjaTemplateEngine,
            engine_callback=configure_templates,
        ),
        exception_handlers=cast("ExceptionHandlersMap", EXCEPTION_HANDLERS),
        lifespan=[lifespan],
        on_startup=[freeze_startup_heap],
        openapi_config=None,
        debug=False,
    )
    app.asgi_handler = conventional(app.asgi_handler, settings)
    return instrument(app, metrics)
