"""The write side's kernel and domains do no I/O: importing them loads no web framework, database
driver, token library or GraphQL (make lint's import contracts say the same of the source)."""

import json
import subprocess
import sys

IO_PACKAGES = {"litestar", "asyncpg", "psycopg", "psycopg_pool", "jwt", "strawberry", "structlog"}


def modules_after(statement: str) -> set[str]:
    """The modules a fresh interpreter has loaded after the statement."""
    probe = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


def packages(modules: set[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


def test_the_domains_load_no_io() -> None:
    loaded = modules_after(
        "import shared.kernel.aggregate, shared.kernel.command, shared.kernel.ports\n"
        "import services.registry.domain, services.programs.domain"
    )

    assert "services.programs.domain.pairs" in loaded  # the probe did import them
    assert packages(loaded) & IO_PACKAGES == set()
    assert "eventsourcing.postgres" not in loaded
    assert "eventsourcing.application" not in loaded


def test_the_probe_sees_io_where_there_is_some() -> None:
    loaded = modules_after("import shared.adapters.eventstore")

    assert {"psycopg", "eventsourcing.postgres"} <= loaded


def test_the_development_login_loads_no_demo_loader() -> None:
    loaded = modules_after("import services.web.controllers.login")

    assert "services.demo_users" in loaded
    assert "services.demo" not in loaded
