"""The web is a client of the services: a cold import of it loads no service's internals, only
the labels they publish, and none of the services' own heavy dependencies."""

from __future__ import annotations

import json
import subprocess
import sys

# A service package may be entered for its published, pure modules only (the registry's
# `columns`: the headers of a base's sheet, which the import page lists and the blank holds).
SERVICES = ("services.registry", "services.programs", "services.reporting")
PUBLISHED = ("labels", "events", "columns")
FORBIDDEN_LIBRARIES = ("strawberry", "asyncpg", "scipy", "psycopg", "eventsourcing", "openpyxl")


def loaded_by(module: str) -> list[str]:
    """The modules a fresh interpreter holds after importing `module`."""
    script = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    modules: list[str] = json.loads(run.stdout)
    return modules


def is_service_internal(module: str) -> bool:
    for service in SERVICES:
        if module.startswith(service + "."):
            return module.removeprefix(service + ".").split(".")[0] not in PUBLISHED
    return module == "services.demo" or module.startswith(("services.wiring", "services.setup"))


def test_a_cold_import_of_the_web_loads_no_service_internals() -> None:
    modules = loaded_by("services.web.api")
    assert "services.web.controllers.people" in modules  # the whole web was imported
    assert [m for m in modules if is_service_internal(m)] == []
    assert [m for m in modules if m.split(".")[0] in FORBIDDEN_LIBRARIES] == []


def test_the_check_sees_a_service_internal() -> None:
    """The check itself: importing a service's domain is caught, its labels are not."""
    modules = loaded_by("services.programs.domain")
    assert "services.programs.domain.pairs" in [m for m in modules if is_service_internal(m)]
    assert not is_service_internal("services.programs.labels")
    assert not is_service_internal("services.registry.events")
