"""`make sbom`: the CycloneDX bill of materials of the installed environment names the project and
every dependency pyproject.toml declares (runtime and dev), each at the version pinned there."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from shared.adapters.settings import PROJECT_ROOT

MAKE = shutil.which("make") or "make"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(\[[^\]]*\])?==(?P<version>[^\s;]+)$")


def normalised(name: str) -> str:
    """A distribution's name as PyPI compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_pins() -> dict[str, str]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"{requirement!r} is not pinned with =="
        pins[normalised(match["name"])] = match["version"]
    return pins


def test_the_sbom_lists_every_declared_dependency_at_its_pinned_version(tmp_path: Path) -> None:
    sbom = tmp_path / "sbom.cdx.json"
    made = subprocess.run(
        [MAKE, "-s", "sbom", f"SBOM={sbom}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    document = json.loads(sbom.read_text())
    assert document["bomFormat"] == "CycloneDX"
    assert document["metadata"]["component"]["name"] == "nastavnik"
    listed = {normalised(c["name"]): c["version"] for c in document["components"]}
    pins = declared_pins()
    assert {name: listed.get(name) for name in pins} == pins
    # purls let a scanner of the region's own look each one up
    assert all(c["purl"].startswith("pkg:pypi/") for c in document["components"])
