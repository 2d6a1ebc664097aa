"""`make` as a newcomer meets it: it takes the newest supported Python that runs, refuses others
naming the versions, says what it installs, and never leaves a broken .venv behind. Each test runs
the project's Makefile in a folder of its own with stand-in interpreters (no install happens)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from shared.adapters.settings import PROJECT_ROOT

MAKEFILE = str(PROJECT_ROOT / "Makefile")
MAKE = shutil.which("make") or "make"


def make(folder: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    shutil.copy(PROJECT_ROOT / "pyproject.toml", folder / "pyproject.toml")
    # pip offline and without the machine's wheel folders: an install here fails at once.
    offline = {"PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": ""}
    env = {**os.environ, "PATH": path or os.environ["PATH"], **offline}
    env.pop("PYTHON", None)
    return subprocess.run(
        [MAKE, "-f", MAKEFILE, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stand_in(folder: Path, name: str, script: str) -> str:
    """An executable that answers as `script` says (sh)."""
    folder.mkdir(exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    return str(program)


def test_the_newest_supported_python_that_runs_is_taken(tmp_path: Path) -> None:
    bin_ = tmp_path / "bin"
    stand_in(bin_, "python3.13", "exit 127")  # a shim whose version is not installed
    stand_in(bin_, "python3.12", f'exec "{sys.executable}" "$@"')
    stand_in(bin_, "python3.11", f'exec "{sys.executable}" "$@"')

    planned = make(tmp_path, "-n", "install", path=f"{bin_}:{os.environ['PATH']}")

    assert planned.returncode == 0, planned.stderr
    assert f"{bin_}/python3.12 -m venv .venv" in planned.stdout


def test_an_unsupported_python_is_refused_naming_the_versions(tmp_path: Path) -> None:
    old = stand_in(
        tmp_path / "bin", "python3", 'case "$1" in --version) echo "Python 3.10.4";; esac\nexit 1'
    )

    refused = make(tmp_path, "install", f"PYTHON={old}")

    assert refused.returncode != 0
    assert "needs Python 3.11, 3.12 or 3.13" in refused.stderr
    assert "Python 3.10.4" in refused.stderr
    assert not (tmp_path / ".venv").exists()


def test_a_venv_that_could_not_be_made_is_removed(tmp_path: Path) -> None:
    # Passes the version check, then fails halfway through making the venv (no python3-venv).
    broken = stand_in(
        tmp_path / "bin",
        "python3",
        'if [ "$1" = "-m" ]; then mkdir -p "$3/bin"; exit 1; fi\nexit 0',
    )

    failed = make(tmp_path, "install", f"PYTHON={broken}")

    assert failed.returncode != 0
    assert "Could not create .venv" in failed.stderr
    assert not (tmp_path / ".venv").exists()


def test_a_failed_install_says_what_it_did_and_removes_the_venv(tmp_path: Path) -> None:
    # A real venv; then pip, offline here (PIP_NO_INDEX), cannot install the project.
    failed = make(tmp_path, "install", f"PYTHON={sys.executable}")

    assert failed.returncode != 0
    assert "Installing the pinned dependencies into .venv with Python 3." in failed.stderr
    assert "Installing failed: .venv removed" in failed.stderr
    assert not (tmp_path / ".venv").exists()


def test_make_clean_removes_the_venv(tmp_path: Path) -> None:
    (tmp_path / ".venv" / "bin").mkdir(parents=True)

    cleaned = make(tmp_path, "clean")

    assert cleaned.returncode == 0, cleaned.stderr
    assert not (tmp_path / ".venv").exists()
