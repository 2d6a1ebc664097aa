"""Where the settings find the project (its data folder and files are beside pyproject.toml),
and what the settings that depend on the host resolve to."""

import os

import pytest

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
