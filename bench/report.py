"""Targets, verdicts and the Markdown table of a bench run."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), ""
            )
        with open("/proc/meminfo") as meminfo:
            memory_kb = int(meminfo.readline().split()[1])
    except OSError:
        memory_kb = 0
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "git_commit": _git_commit(),
    }


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 -- git from PATH
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def _get(results: dict[str, Any], path: str) -> Any:
    value: Any = results
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


# (name, what, path of the measured value, comparison, bound)
TARGETS: tuple[tuple[str, str, str, str, float], ...] = (
    (
        "command_throughput",
        "HTTP commands/s ÷ concurrent INSERT rows/s",
        "ratios.command_vs_insert",
        ">=",
        0.5,
    ),
    ("bulk_import", "bulk import, events/s", "bulk_import.events_per_s", ">=", 20_000),
    ("rebuild", "rebuild events/s ÷ COPY rows/s", "ratios.rebuild_vs_copy", ">=", 0.3),
    ("projection_lag", "projection lag p99, ms", "projection_lag.p99_ms", "<", 500),
    (
        "region_indicator_table",
        "region indicator table p95, ms (at large)",
        "graphql.region_indicator_table.p95_ms",
        "<",
        50,
    ),
    (
        "school_pair_list",
        "school pair list p95, ms (at large)",
        "graphql.school_pair_list.p95_ms",
        "<",
        20,
    ),
    (
        "programme_replay",
        "replay of a 10,000-event programme p95, ms",
        "graphql.programme_replay.p95_ms",
        "<",
        200,
    ),
    ("service_memory", "largest service peak RSS, MB", "memory.largest_service_mb", "<", 250),
    (
        "web_school_first_page",
        "web: school's first page p95, ms (at medium)",
        "web.school_first_page.p95_ms",
        "<",
        300,
    ),
    (
        "web_municipality_comparison",
        "web: municipality's comparison page p95, ms (at medium)",
        "web.municipality_comparison_page.p95_ms",
        "<",
        300,
    ),
    (
        "web_campaign_results",
        "web: campaign results page over the region p95, ms (at medium)",
        "web.campaign_results_page.p95_ms",
        "<",
        300,
    ),
    (
        "encryption_cost",
        "command throughput lost to per-person encryption",
        "encryption.throughput_cost",
        "<",
        0.10,
    ),
)


def verdicts(results: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, what, path, op, bound in TARGETS:
        value = _get(results, path)
        met = None if value is None else (value >= bound if op == ">=" else value < bound)
        out[name] = {"what": what, "value": value, "target": f"{op} {bound:g}", "met": met}
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "—" if value is None else str(value)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"### `{results['size']}` — {results['date']} (seed {results['seed']})",
        "",
        f"Machine: {m['cpus']} × {m['cpu_model']}, {m['memory_gb']} GB; {results['postgres']};"
        f" Python {m['python']}; commit {m['git_commit']}. Region: {_region(results)}.",
        "",
        "| # | figure | value | baseline / ratio |",
        "| --- | --- | --- | --- |",
    ]
    t = results.get("command_throughput", {})
    b = results.get("baselines", {})
    r = results.get("ratios", {})
    lat = t.get("latency", {})
    lines.append(
        f"| 1 | HTTP commands, {t.get('clients')} clients | {_fmt(t.get('commands_per_s'))}/s;"
        f" p50 {_fmt(lat.get('p50_ms'))} / p95 {_fmt(lat.get('p95_ms'))} /"
        f" p99 {_fmt(lat.get('p99_ms'))} ms |"
        f" INSERT {_fmt(_get(b, 'insert.rows_per_s'))}/s → {_fmt(r.get('command_vs_insert'))} |"
    )
    cpu = t.get("cpu_ms_per_command", {})
    if cpu:
        lines.append(
            f"| 1 | CPU a command under figure 1's load |"
            f" {_fmt(t.get('cpu_ms_per_command_total'))} ms: "
            + ", ".join(f"{name} {_fmt(ms)}" for name, ms in cpu.items())
            + f" | {_fmt(t.get('cores_busy'))} cores busy |"
        )
    imp = results.get("bulk_import", {})
    lines.append(
        f"| 2 | bulk import (commands in {_fmt(imp.get('workers', 1))} processes) |"
        f" {_fmt(imp.get('events_per_s'))} events/s"
        f" ({_fmt(imp.get('events'))} events in {_fmt(imp.get('seconds'))} s) |"
        f" COPY {_fmt(_get(b, 'copy.rows_per_s'))}/s → {_fmt(r.get('import_vs_copy'))} |"
    )
    cu, rb = results.get("catch_up", {}), results.get("rebuild", {})
    lines.append(
        f"| 3 | projection catch-up / full rebuild | {_fmt(cu.get('events_per_s'))} /"
        f" {_fmt(rb.get('events_per_s'))} events/s |"
        f" → {_fmt(r.get('catch_up_vs_copy'))} / {_fmt(r.get('rebuild_vs_copy'))} of COPY |"
    )
    if "cores_busy" in rb:
        lines.append(
            f"| 3 | cores busy: catch-up / rebuild ({_fmt(rb.get('lanes'))} lanes) |"
            f" {_fmt(cu.get('cores_busy'))} / {_fmt(rb.get('cores_busy'))} |"
            f" rebuild: the process {_fmt(rb.get('process_cpu_s'))} s of CPU,"
            f" PostgreSQL {_fmt(rb.get('server_cpu_s'))} s, in {_fmt(rb.get('seconds'))} s |"
        )
    lag = results.get("projection_lag", {})
    lines.append(
        f"| 4 | projection lag under figure 1's load | p50 {_fmt(lag.get('p50_ms'))} /"
        f" p99 {_fmt(lag.get('p99_ms'))} ms ({_fmt(lag.get('n'))} commands) | |"
    )
    for name, query in results.get("graphql", {}).items():
        lines.append(
            f"| 5 | GraphQL `{name}` | p50 {_fmt(query.get('p50_ms'))} /"
            f" p95 {_fmt(query.get('p95_ms'))} / p99 {_fmt(query.get('p99_ms'))} ms |"
            f" {query.get('measures', '')} |"
        )
    lines += web_lines(results)
    memory = results.get("memory", {})
    lines.append(
        "| 6 | peak RSS | "
        + ", ".join(f"{k} {_fmt(v)} MB" for k, v in memory.items() if k != "largest_service_mb")
        + " | |"
    )
    lines.append(
        f"| 7 | PostgreSQL baselines | INSERT {_fmt(_get(b, 'insert.rows_per_s'))} rows/s"
        f" ({_get(b, 'insert.clients')} clients), COPY {_fmt(_get(b, 'copy.rows_per_s'))} rows/s"
        f" | rows of {_fmt(b.get('row_bytes'))} bytes |"
    )
    if db := results.get("database"):
        lines.append(
            f"| 8 | database size | {_fmt(db['total_mb'])} MB | event stores"
            f" {_fmt(db['event_stores_mb'])} MB, the rest {_fmt(db['rest_mb'])} MB |"
        )
    enc = results.get("encryption", {})
    lines.append(
        f"| #10 | per-person encryption on the command path (figure 1's mix and"
        f" {enc.get('clients')} clients, in-process) |"
        f" {_fmt(_get(enc, 'with_encryption.commands_per_s'))} commands/s with,"
        f" {_fmt(_get(enc, 'without_encryption.commands_per_s'))} without:"
        f" CPU {_fmt(_get(enc, 'cpu_ms_per_command.with'))} /"
        f" {_fmt(_get(enc, 'cpu_ms_per_command.without'))} ms a command:"
        f" {_fmt(_pct(enc.get('throughput_cost')))} lost |"
        f" crypto steps {_fmt(_pct(enc.get('crypto_cpu_share')))} of the CPU; wall clock"
        f" {_fmt(_pct(enc.get('wall_cost_median_of_rounds')))} (median of rounds) |"
    )
    lines += ["", "| target | value | target | met |", "| --- | --- | --- | --- |"]
    for verdict in results.get("verdicts", {}).values():
        met = {True: "yes", False: "**no**", None: "—"}[verdict["met"]]
        lines.append(
            f"| {verdict['what']} | {_fmt(verdict['value'])} | {verdict['target']} | {met} |"
        )
    return "\n".join(lines) + "\n"


def web_lines(results: dict[str, Any]) -> list[str]:
    """Issue #9's rows: each web page's latency, signed in, through the three services."""
    return [
        f"| 5w | web page `{name}` | p50 {_fmt(page.get('p50_ms'))} /"
        f" p95 {_fmt(page.get('p95_ms'))} / p99 {_fmt(page.get('p99_ms'))} ms |"
        f" {page.get('measures', '')} |"
        for name, page in results.get("web", {}).items()
    ]


def _pct(value: Any) -> str | None:
    return None if value is None else f"{value * 100:.1f} %"


def _region(results: dict[str, Any]) -> str:
    region = results.get("region", {})
    return ", ".join(f"{_fmt(v)} {k}" for k, v in region.items())


def write(results: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{results['size']}-{results['date']}"
    data, table = directory / f"{stem}.json", directory / f"{stem}.md"
    data.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    table.write_text(markdown(results))
    return data, table
