"""`python -m bench [small|medium|large]`: load a synthetic region and measure Nastavnik.

Starts its own embedded PostgreSQL under `.data/bench` unless DATABASE_URL is set, makes a fresh
database `nastavnik_bench_<size>`, loads the region through the applications, measures, and writes
`bench/results/<size>-<date>.json` and `.md`. It never fails on a missed target, only on errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec

from services.bootstrap import write_side
from services.cli import SERVICES, WEB, port_of, start_service, stop_services, wait_healthy
from services.setup import setup_database
from shared.adapters.database import (
    DatabaseAddress,
    connect,
    drop_database,
    ensure_database,
    start_embedded_server,
)
from shared.adapters.settings import PROJECT_ROOT, Settings, load_settings
from shared.kernel.principal import Role

from . import figures, report
from .generator import SCHOOL_YEAR, SIZES, Region, SchoolPlan
from .loader import import_region

DATABASE = "nastavnik_bench"  # one per size: nastavnik_bench_small, …
RESULTS = PROJECT_ROOT / "bench" / "results"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


async def fresh_database(settings: Settings, name: str) -> DatabaseAddress:
    if settings.database_url:
        server = DatabaseAddress.parse(settings.database_url)
    else:
        server = start_embedded_server(Path(settings.data_dir) / "bench")
    await drop_database(server, name)
    address = await ensure_database(server, name)
    await setup_database(address, msgspec.structs.replace(settings, database_url=address.url))
    return address


async def scalar(address: DatabaseAddress, sql: str) -> Any:
    connection = await connect(address)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def wait_projected(address: DatabaseAddress, seconds: float = 600) -> None:
    connection = await connect(address)
    try:
        target = await figures.stream_ends(connection)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            reached = await figures.projected(connection)
            if all(reached.get(u, 0) >= p for u, p in target.items()):
                return
            await asyncio.sleep(0.1)
        raise RuntimeError("projections did not catch up")
    finally:
        await connection.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("size", nargs="?", default="small", choices=sorted(SIZES))
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument(
        "--workers", type=int, default=2, help="processes of the bulk import (figure 2)"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    started = time.perf_counter()

    base = msgspec.structs.replace(load_settings(), log_level="warning")
    database = f"{DATABASE}_{size.name}"
    log(f"size {size.name}: {size.schools} schools, fresh database {database}")
    address = asyncio.run(fresh_database(base, database))
    settings = msgspec.structs.replace(
        base,
        database_url=address.url,
        registry_port=free_port(),
        programs_port=free_port(),
        reporting_port=free_port(),
        web_port=free_port(),
    )
    region = Region(size, args.seed)
    results: dict[str, Any] = {
        "size": size.name,
        "seed": args.seed,
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": report.machine(),
        "postgres": asyncio.run(scalar(address, "SHOW server_version")),
    }
    results["postgres"] = f"PostgreSQL {results['postgres']}"

    # Figure 2: bulk import through the applications' commands, in worker processes.
    log(f"bulk import, {args.workers} workers…")
    import_started = time.perf_counter()
    imported = import_region(settings, region, args.workers)
    wall = time.perf_counter() - import_started
    # The commands' time only: generating the synthetic schools is not the platform's work.
    seconds = imported.seconds
    events = asyncio.run(
        scalar(
            address,
            "SELECT (SELECT count(*) FROM registry_events)"
            " + (SELECT count(*) FROM programs_events)",
        )
    )
    results["region"] = {
        "municipalities": size.municipalities,
        "schools": size.schools,
        **{k: imported.counts[k] for k in ("participants", "pairs", "groups", "survey_responses")},
        "events": events,
    }
    results["bulk_import"] = {
        "events": events,
        "seconds": round(seconds, 2),
        "events_per_s": round(events / seconds, 1),
        "workers": args.workers,
        "worker_seconds": sorted(round(s, 2) for s in imported.workers.values()),
        "wall_seconds_with_generation": round(wall, 2),
        "stages_s": {k: round(v, 2) for k, v in imported.stages.items()},
    }
    log(f"imported {events:,} events in {seconds:.1f} s")

    log("a monitoring campaign over the region…")
    with write_side(settings) as apps:
        results["campaign"] = figures.monitoring_campaign(
            apps,
            region.region.path,
            [(n, region.school_organisation(n)[1]) for n in range(size.schools)],
        )

    state_bytes = int(
        asyncio.run(scalar(address, "SELECT avg(length(state)) FROM programs_events"))
    )
    log("PostgreSQL baselines…")
    results["baselines"] = asyncio.run(
        figures.baselines(
            address, args.clients, min(5.0, size.load_seconds / 2), size.copy_rows, state_bytes
        )
    )

    # Figure 3: catch-up of the whole backlog by a worker process, then a full rebuild.
    log("projection catch-up…")
    results["catch_up"] = asyncio.run(figures.catch_up(settings, address, postmaster(base)))
    total = asyncio.run(
        scalar(
            address,
            "SELECT (SELECT count(*) FROM registry_events)"
            " + (SELECT count(*) FROM programs_events)",
        )
    )
    log("projection rebuild…")
    results["rebuild"] = figures.rebuild(settings, total, postmaster(base))
    # As an operator would after a bulk load: fresh statistics, no autovacuum during the figures.
    log("VACUUM ANALYZE…")
    vacuum_started = time.perf_counter()
    asyncio.run(scalar(address, "VACUUM ANALYZE"))
    results["vacuum_analyze_s"] = round(time.perf_counter() - vacuum_started, 1)
    results["database"] = asyncio.run(figures.database_size(address))

    # Figures 1, 4, 5, 6: the services as separate processes.
    log("starting the services…")
    env = {**os.environ, "DATABASE_URL": address.url, "LOG_LEVEL": "warning"}
    processes = [start_service(s, settings, env) for s in SERVICES]
    urls = {s: f"http://{settings.host}:{port_of(settings, s)}" for s in SERVICES}
    # the web interface finds the three services by their ports
    web = start_service(
        WEB, settings, env | {f"{s.upper()}_PORT": str(port_of(settings, s)) for s in SERVICES}
    )
    web_url = f"http://{settings.host}:{settings.web_port}"
    try:
        wait_healthy([*urls.values(), web_url], [*processes, web], seconds=60)
        schools = [region.school(n) for n in range(1, min(size.schools, 9))] or [region.school(0)]
        log(f"HTTP command load, {args.clients} clients, {size.load_seconds:g} s…")
        meters = figures.cpu_meters(
            {s: p.pid for s, p in zip(SERVICES, processes, strict=True)}, postmaster(base)
        )
        load = asyncio.run(
            figures.command_load(
                settings, address, urls, schools, args.clients, size.load_seconds, meters
            )
        )
        results["command_throughput"] = load["throughput"]
        results["projection_lag"] = load["lag"]
        asyncio.run(wait_projected(address))
        log("GraphQL latency…")
        results["graphql"] = asyncio.run(
            figures.graphql_latency(
                urls["reporting"], settings, queries(region), size.graphql_requests
            )
        )
        log("web pages…")
        results["web"] = asyncio.run(
            figures.web_latency(
                web_url,
                settings,
                web_pages(region, results["campaign"]["id"]),
                size.graphql_requests,
            )
        )
        replayed = asyncio.run(figures.history_events(address, region.school(0).programme_id))
        results["graphql"]["programme_replay"]["events"] = replayed
        results["memory"] = {
            s: figures.peak_rss_mb(p.pid) for s, p in zip(SERVICES, processes, strict=True)
        }
    finally:
        stop_services([web, *processes])
    # Issue #10, last: its commands without encryption store plain fields that nothing reads.
    log("cost of per-person encryption, with and without it…")
    with write_side(settings) as apps:
        results["encryption"] = figures.encryption_cost(
            apps,
            region.school(0),
            encryption_schools(region),
            size.encryption_rounds,
            args.clients,
        )
    log(f"encryption costs {results['encryption']['throughput_cost']:.1%} of command throughput")
    results["memory"]["projection worker (catch-up)"] = results["catch_up"]["worker_peak_rss_mb"]
    results["memory"]["rebuild"] = results["rebuild"]["peak_rss_mb"]
    results["memory"]["largest_service_mb"] = max(results["memory"].values())
    results["ratios"] = ratios(results)
    results["verdicts"] = report.verdicts(results)
    results["seconds"] = round(time.perf_counter() - started, 1)
    data, table = report.write(results, args.out)
    print()
    print(report.markdown(results))
    log(f"done in {results['seconds']:.0f} s: {data} and {table}")


def postmaster(settings: Settings) -> int | None:
    """The embedded server's process (None when the bench runs on another server)."""
    pid_file = Path(settings.data_dir) / "bench" / "pg" / "postmaster.pid"
    if settings.database_url or not pid_file.exists():
        return None
    return int(pid_file.read_text().split()[0])


def encryption_schools(region: Region) -> list[SchoolPlan]:
    """Ten schools whose pairs figure 1 leaves alone (it uses schools 1–8), so that #10's
    meetings go to pairs of a school year's usual length."""
    count = region.size.schools
    numbers = range(9, min(count, 19)) if count > 9 else range(count)
    return [region.school(n) for n in numbers]


def queries(region: Region) -> list[figures.Query]:
    school = region.school(1 if region.size.schools > 1 else 0)
    return [
        figures.Query(
            "school_pair_list",
            Role.SCHOOL_COORDINATOR,
            school.organisation.path,
            figures.PAIR_LIST,
            "pairs(first: 50) of one school, as its coordinator",
        ),
        figures.Query(
            "municipality_school_comparison",
            Role.MUNICIPALITY_OFFICER,
            school.municipality.path,
            figures.SCHOOL_COMPARISON,
            "schoolComparison of the municipality's schools (all indicators), as its officer",
            {"year": SCHOOL_YEAR},
        ),
        figures.Query(
            "region_indicator_table",
            Role.REGION_OFFICER,
            region.region.path,
            figures.INDICATORS,
            "indicators of the whole region, as a region officer",
            {"year": SCHOOL_YEAR},
        ),
        figures.Query(
            "programme_replay",
            Role.AUDITOR,
            region.region.path,
            figures.REPLAY,
            "programmeReplay of the big school's programme: its first 10,000 events in one"
            " page, as an auditor",
            {"id": str(region.school(0).programme_id)},
        ),
        figures.Query(
            "programme_state",
            Role.AUDITOR,
            region.region.path,
            figures.STATE,
            "programmeState of the big school's programme, folded from all its events",
            {"id": str(region.school(0).programme_id)},
        ),
    ]


def web_pages(region: Region, campaign: str) -> list[figures.WebPage]:
    """Issue #9's pages: the school's first page (what needs attention) and the municipality's
    comparison of its schools, each as its own user signed in; issue #21's results page of
    the region's monitoring campaign, as the region's officer."""
    school = region.school(1 if region.size.schools > 1 else 0)
    return [
        figures.WebPage(
            "school_first_page",
            Role.SCHOOL_COORDINATOR,
            school.organisation.path,
            "/",
            "«Что требует внимания», as the school's coordinator",
        ),
        figures.WebPage(
            "municipality_comparison_page",
            Role.MUNICIPALITY_OFFICER,
            school.municipality.path,
            "/monitoring/schools",
            "the schools of one municipality side by side, as its officer",
        ),
        figures.WebPage(
            "campaign_results_page",
            Role.REGION_OFFICER,
            region.region.path,
            f"/campaigns/{campaign}",
            "a monitoring campaign's results over the whole region (every school named, per"
            " municipality, per item), as the region's officer",
        ),
    ]


def ratios(results: dict[str, Any]) -> dict[str, float]:
    insert = results["baselines"]["insert"]["rows_per_s"]
    copy = results["baselines"]["copy"]["rows_per_s"]
    return {
        "command_vs_insert": round(results["command_throughput"]["commands_per_s"] / insert, 3),
        "import_vs_copy": round(results["bulk_import"]["events_per_s"] / copy, 3),
        "catch_up_vs_copy": round(results["catch_up"]["events_per_s"] / copy, 3),
        "rebuild_vs_copy": round(results["rebuild"]["events_per_s"] / copy, 3),
    }


if __name__ == "__main__":
    main()
