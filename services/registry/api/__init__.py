"""Registry over HTTP: commands as JSON, answered once their events are stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from services.bootstrap import registry_on
from services.registry.imports import Imports
from services.registry.metrics import watch_registry
from services.wiring import EventStoreResources
from shared.adapters.http import create_service_app
from shared.adapters.http_commands import CommandMiddleware
from shared.adapters.settings import Settings, get_settings

from .campaigns import CampaignController
from .imports import ImportController
from .links import LinksController
from .mentors_register import MentorsRegisterController
from .monitoring import MonitoringController
from .organisations import OrganisationController
from .people import PeopleController


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    resources = EventStoreResources(settings, "registry")
    opened: list[Imports] = []  # the import jobs, once the lifespan has opened them

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        keys = resources.open()
        assert resources.pool is not None
        registry = registry_on(resources.address, resources.pool, keys, settings.region_today)
        app.state.registry = registry
        app.state.receipts = resources.receipts()
        app.state.settings = settings
        resources.watch_events_pool(registry)
        app.state.imports = Imports(resources.pool, registry)
        opened.append(app.state.imports)
        app.state.import_tasks = set()
        try:
            yield
        finally:
            registry.close()
            resources.close()

    watch_registry(resources.metrics, lambda: opened[-1] if opened else None)
    return create_service_app(
        title="registry",
        settings=settings,
        metrics=resources.metrics,
        route_handlers=[
            OrganisationController,
            PeopleController,
            MentorsRegisterController,
            MonitoringController,
            CampaignController,
            ImportController,
            LinksController,
        ],
        public_paths=["^/personal-links/opening$"],
        health_check=resources.healthy,
        lifespan=[lifespan],
        extra_middleware=[CommandMiddleware],
    )
