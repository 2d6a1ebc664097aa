"""`make audit`: pip-audit over the packages installed in this interpreter's environment (.venv).

pip-audit alone prints «No known vulnerabilities found» even when its vulnerability service
answered for no package at all (each one «skipped»), so this reads its JSON report and tells the
three outcomes apart. Exit 0: every package was checked and none has a known vulnerability;
1: known vulnerabilities (listed; PyPI's advisories carry no severity, so any one fails);
3: the service could not be reached or answered for no package, so nothing was audited — or 0
with `--where-reachable` (CI's run: a machine cut from PyPI says so and goes on; a vulnerability
found still fails).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

UNREACHABLE = 3


def main() -> int:
    outcome = audit()
    if outcome == UNREACHABLE and "--where-reachable" in sys.argv[1:]:
        print("Going on unaudited (--where-reachable): run `make audit` where PyPI is reachable.")
        return 0
    return outcome


def audit() -> int:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "audit.json"
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("pip-audit")),
                "--skip-editable",  # the project itself is no PyPI package
                "--progress-spinner",
                "off",
                "--format",
                "json",
                "--output",
                str(report),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            errors = run.stderr.strip().splitlines()
            print(errors[-1] if errors else "pip-audit wrote no report")
            print("pip-audit: the vulnerability service could not be reached: nothing was audited")
            return UNREACHABLE
        packages = json.loads(report.read_text())["dependencies"]
    audited = [p for p in packages if "skip_reason" not in p]
    if not audited:
        reason = packages[0]["skip_reason"] if packages else "no packages found"
        print(f"pip-audit: no package could be audited ({len(packages)} skipped; e.g. «{reason}»).")
        print("The vulnerability service (PyPI's JSON API) is out of reach from this machine.")
        return UNREACHABLE
    found = [(p, v) for p in audited for v in p.get("vulns", [])]
    for package, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "none yet"
        print(f"{package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    skipped = len(packages) - len(audited)
    print(
        f"pip-audit: {len(audited)} packages audited, {skipped} skipped, "
        f"{len(found)} known vulnerabilities"
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
