"""The write side's kernel and domains do no I/O: importing them loads no web framework, database
driver, token library or GraphQL (make lint's import contracts say the same of the source)."""

import json
import subprocess
import sys

IO_PACKAGES = {"litestar", "asyncpg", "psycopg", "psycopg_pool", "jwt", "strawberry", "structlog"}


def loaded_after(statement: str) -> set[str]:
    """The top-level packages and eventsourcing's modules a fresh interpreter has after it."""
    probe = (
        f"{statement}\nimport json, sys\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules}"
        " | {m for m in sys.modules if m.startswith('eventsourcing.')})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


def test_the_domains_load_no_io() -> None:
    loaded = loaded_after(
        "import shared.kernel.aggregate, shared.kernel.errors, shared.kernel.principal\n"
        "import services.registry.domain, services.programs.domain"
    )

    assert "services" in loaded  # the probe did import them
    assert loaded & IO_PACKAGES == set()
    assert "eventsourcing.postgres" not in loaded
    assert "eventsourcing.application" not in loaded


def test_the_probe_sees_io_where_there_is_some() -> None:
    loaded = loaded_after("import shared.adapters.eventstore")

    assert {"psycopg", "eventsourcing.postgres"} <= loaded
