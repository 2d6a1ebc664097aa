"""Registry over HTTP: commands as JSON, answered once their events are stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from services.registry.application import Registry
from services.registry.erasures import ErasureSchedule
from services.registry.imports import Imports
from services.registry.person_index import PersonIndex
from services.wiring import EventStoreResources
from shared.http import create_service_app
from shared.settings import Settings, get_settings

from .imports import ImportController
from .mentors_register import MentorsRegisterController
from .monitoring import MonitoringController
from .organisations import OrganisationController
from .people import PeopleController


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    resources = EventStoreResources(settings, "registry")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        keys = resources.open()
        assert resources.pool is not None
        registry = Registry(
            resources.address,
            keys=keys,
            index=PersonIndex(resources.pool, keys),
            erasures=ErasureSchedule(resources.pool),
            today=settings.region_today,
        )
        app.state.registry = registry
        app.state.imports = Imports(resources.pool, registry)
        app.state.import_tasks = set()
        try:
            yield
        finally:
            registry.close()
            resources.close()

    return create_service_app(
        title="registry",
        settings=settings,
        route_handlers=[
            OrganisationController,
            PeopleController,
            MentorsRegisterController,
            MonitoringController,
            ImportController,
        ],
        health_check=resources.healthy,
        lifespan=[lifespan],
    )
