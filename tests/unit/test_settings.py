"""Where the settings find the project (its data folder and files are beside pyproject.toml),
what the settings that depend on the host resolve to, and what a `DATABASE_URL` may say."""

import os

import pytest

from shared.adapters.database import DatabaseAddress
from shared.adapters.settings import PROJECT_ROOT, Settings


def test_the_project_root_is_where_pyproject_is() -> None:
    assert (PROJECT_ROOT / "pyproject.toml").is_file()
    assert (PROJECT_ROOT / "README.md").is_file()


@pytest.mark.parametrize(("configured", "cores", "lanes"), [(0, 2, 2), (0, 16, 16), (3, 16, 3)])
def test_projection_lanes_are_one_per_core_unless_set(
    configured: int, cores: int, lanes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert Settings(projection_lanes=configured).lanes == lanes


@pytest.mark.parametrize(
    ("url", "host", "port"),
    [
        ("postgresql://nastavnik:pw@db.internal:6432/nastavnik", "db.internal", 6432),
        ("postgresql://postgres:@/postgres?host=/run/pg", "/run/pg", 5432),
        ("postgresql://postgres@/nastavnik?host=/run/pg&port=5433", "/run/pg", 5433),
    ],
)
def test_a_database_url_gives_its_address(url: str, host: str, port: int) -> None:
    address = DatabaseAddress.parse(url)
    assert (address.host, address.port) == (host, port)


@pytest.mark.parametrize("query", ["sslmode=require", "host=/run/pg&sslrootcert=/etc/ca.pem"])
def test_a_database_url_parameter_no_driver_would_read_is_refused(query: str) -> None:
    """Dropped, `?sslmode=require` meant a connection without TLS that the operator believed had
    it; refused, the start says where TLS is set."""
    with pytest.raises(ValueError, match="PGSSLMODE"):
        DatabaseAddress.parse(f"postgresql://nastavnik:pw@db.internal/nastavnik?{query}")
