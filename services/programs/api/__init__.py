"""Programs over HTTP: commands as JSON, answered once their events are stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from services.bootstrap import close_programs, programs_on
from services.wiring import EventStoreResources
from shared.adapters.http import create_service_app
from shared.adapters.http_commands import CommandMiddleware
from shared.adapters.settings import Settings, get_settings

from .acts import ActController
from .pairs import PairController
from .programmes import ProgrammeController
from .recognition import RecognitionController
from .responsibility import ResponsibilityController
from .roadmap import RoadmapController
from .school_life import SchoolLifeController
from .surveys import SurveyController


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    resources = EventStoreResources(settings, "programs")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        keys = resources.open()
        programs = programs_on(resources.address, keys, settings.region_today)
        app.state.programs = programs
        app.state.receipts = resources.receipts()
        resources.watch_events_pool(programs)
        try:
            yield
        finally:
            close_programs(programs)
            resources.close()

    return create_service_app(
        title="programs",
        settings=settings,
        metrics=resources.metrics,
        route_handlers=[
            RoadmapController,
            ProgrammeController,
            PairController,
            SurveyController,
            RecognitionController,
            ActController,
            ResponsibilityController,
            SchoolLifeController,
        ],
        health_check=resources.healthy,
        lifespan=[lifespan],
        extra_middleware=[CommandMiddleware],
    )
