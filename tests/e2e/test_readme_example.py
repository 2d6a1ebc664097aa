"""The README's worked example, run as written against the services `make run` starts (the
`site` fixture of `tests/web_support.py`: real servers with the demo region).

The shell blocks of «A worked example» are run by bash against the demo region; only the ports
(the services run on free ports here) and `make token` (the command it stands for) differ.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import docx

from services.cli import SERVICES
from shared.adapters.settings import PROJECT_ROOT, Settings

DEFAULT_PORTS = {"registry": 8001, "programs": 8002, "reporting": 8003}


def worked_example() -> str:
    """The example's shell blocks, in order, as one script."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## A worked example", 1)[1].split("\n## ", 1)[0]
    return "\n".join(re.findall(r"```bash\n(.*?)```", section, flags=re.S))


def on_ports_of(script: str, settings: Settings) -> str:
    for service in SERVICES:
        port = getattr(settings, f"{service}_port")
        script = script.replace(f"localhost:{DEFAULT_PORTS[service]}", f"127.0.0.1:{port}")
    return script


def test_the_readme_example_runs_as_written(site: Settings, tmp_path: Path) -> None:
    # `make -s token ROLE=…` is `python -m services token --role …`; a function stands in for make.
    make = f'make() {{ "{sys.executable}" -m services token --role "${{3#ROLE=}}"; }}\n'
    script = make + on_ports_of(worked_example(), site) + 'printf "\\nPAIR=%s\\n" "$PAIR"\n'
    env = {**os.environ, "DATABASE_URL": str(site.database_url)}
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.replace("}{", "}\n{").splitlines()  # curl's answers end without a newline
    assert re.fullmatch(r"PAIR=[0-9a-f-]{36}", lines[-1])
    # Every JSON the example printed is an answer, not an error.
    answers = [json.loads(line) for line in lines if line.startswith("{")]
    assert answers
    assert not any("code" in a or "errors" in a for a in answers), answers
    assert {"data": {"caughtUp": True}} in answers
    order = docx.Document(str(tmp_path / "order.docx"))
    text = "\n".join(p.text for p in order.paragraphs) + "".join(
        cell.text for table in order.tables for row in table.rows for cell in row.cells
    )
    assert "Орлова Ирина Павловна" in text
    assert "Орлов Денис Игоревич" in text


NUMBERS = {"Two": 2, "Three": 3, "Four": 4}


def test_the_readme_lists_as_many_commands_as_its_heading_says() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    heading = re.search(r"^## (\w+) commands\n\n((?:    .*\n)+)", readme, flags=re.M)
    assert heading, "the README opens with its commands"
    commands = re.findall(r"^    make \w+", heading.group(2), flags=re.M)
    assert len(commands) == NUMBERS[heading.group(1)]


def test_the_worked_example_says_where_and_in_which_shell_it_runs() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## A worked example", 1)[1].split("\n## ", 1)[0]
    assert "from the repository root" in section
    # `H=(…)` and `"${H[@]}"` are bash arrays: every block says bash, none a plain sh.
    assert "```sh\n" not in section
    assert "${H[@]}" in worked_example()
