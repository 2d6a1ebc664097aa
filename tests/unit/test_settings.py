"""Where the settings find the project: its data folder and files are beside pyproject.toml."""

from shared.adapters.settings import PROJECT_ROOT


def test_the_project_root_is_where_pyproject_is() -> None:
    assert (PROJECT_ROOT / "pyproject.toml").is_file()
    assert (PROJECT_ROOT / "README.md").is_file()
