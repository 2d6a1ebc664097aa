"""Each service's /metrics after some traffic, in process: the series a dashboard reads, with
route templates (never paths) as labels and no personal data; and the request id answered on
every response, 404, 405 and 401 included."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import promql_parser
import yaml
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from shared.adapters.database import DatabaseAddress, connect
from shared.adapters.settings import PROJECT_ROOT, region_today
from tests.conftest import Api, World
from tests.web_support import WebClient

DEPLOY = PROJECT_ROOT / "deploy"
# erase-due run for a day long past: the run is recorded, and no other test's person is erased
NOTHING_DUE = date(2000, 1, 1)
Series = dict[str, list[tuple[dict[str, str], float]]]
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


async def scrape(client: AsyncTestClient[Any]) -> tuple[str, Series]:
    """The exposition, unauthenticated as Prometheus scrapes it, and its samples by name."""
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    series: Series = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            series.setdefault(sample.name, []).append((sample.labels, sample.value))
    return response.text, series


async def stream_head(database: DatabaseAddress, stream: str) -> int:
    connection = await connect(database)
    try:
        head: int = await connection.fetchval(
            f"SELECT coalesce(max(notification_id), 0) FROM {stream}_events"
        )
        return head
    finally:
        await connection.close()


def value(series: Series, name: str, **labels: str) -> float:
    found = [v for found, v in series.get(name, []) if labels.items() <= found.items()]
    assert found, f"no {name} with {labels}; has {series.get(name)}"
    return sum(found)


async def test_registry_counts_requests_by_route_and_commands_by_outcome(
    api: Api, world: World
) -> None:
    person = await world.person("s1", "Метрикова Анна Павловна", "mentor")
    refused = await api.registry.post(
        "/people",
        json={"school_id": str(world.ids["s1"])},
        headers=api.auth(world.coordinator("s1")),
    )
    assert refused.status_code == 400
    await api.command(
        "registry",
        f"/people/{person}/consents",
        world.coordinator("s1"),
        {"kind": "additional_duty", "signed_on": str(region_today())},
    )

    text, series = await scrape(api.registry)

    assert (
        value(
            series,
            "nastavnik_http_request_duration_seconds_count",
            service="registry",
            method="POST",
            route="/people",
            status="201",
        )
        >= 1
    )
    # a command is named by its handler, as its OpenAPI operation is (registerPerson)
    accepted = value(
        series, "nastavnik_commands_total", command="register_person", outcome="accepted"
    )
    assert accepted >= 1
    refused_count = value(
        series, "nastavnik_commands_total", command="register_person", outcome="refused"
    )
    assert refused_count >= 1
    routes = {
        labels["route"] for labels, _ in series["nastavnik_http_request_duration_seconds_count"]
    }
    assert "/people/{person_id}/consents" in routes
    assert not UUID_TEXT.search(text), "a path, not a route template, became a label"
    assert "Метрикова" not in text, "a person's name in /metrics"
    stored = await stream_head(api.database, "registry")
    assert value(series, "nastavnik_event_store_position", stream="registry") == stored
    for pool in ("side", "events"):
        assert value(series, "nastavnik_db_pool_max", pool=pool) >= 1
        assert value(series, "nastavnik_db_pool_in_use", pool=pool) >= 0
    assert value(series, "nastavnik_import_jobs", status="done") >= 0


async def test_the_erasure_jobs_last_run_is_exposed(api: Api, world: World) -> None:
    registry = api.registry.app.state.registry
    await asyncio.to_thread(registry.erase_due, NOTHING_DUE)

    _, series = await scrape(api.registry)

    last_run = value(series, "nastavnik_erase_due_last_run_timestamp_seconds")
    assert abs(last_run - time.time()) < 60  # just now, not the 0 of «never»


async def test_programs_counts_its_commands_and_stream(api: Api, world: World) -> None:
    await world.programme("s1")

    _, series = await scrape(api.programs)

    assert value(series, "nastavnik_commands_total", service="programs", outcome="accepted") >= 1
    stored = await stream_head(api.database, "programs")
    assert value(series, "nastavnik_event_store_position", stream="programs") == stored


async def test_reporting_shows_each_projections_position_and_lag(api: Api, world: World) -> None:
    await world.person("s1", "Лагова Вера Ивановна", "mentor")
    await api.caught_up(world.coordinator("s1"))

    _, series = await scrape(api.reporting)

    positions = series["nastavnik_projection_position"]
    projections = {labels["projection"] for labels, _ in positions}
    assert {"people", "pairs"} <= projections
    assert {labels["stream"] for labels, _ in positions} == {"registry", "programs"}
    head = await stream_head(api.database, "registry")
    assert value(series, "nastavnik_projection_stream_head", stream="registry") == head
    lags = [
        v
        for labels, v in series["nastavnik_projection_lag_events"]
        if labels["stream"] == "registry"
    ]
    assert lags
    assert max(lags) == 0, "caught up, yet a projection shows lag"
    assert value(series, "nastavnik_db_pool_max", pool="reader") >= 1


async def test_the_web_counts_pages_by_route_and_unknown_paths_as_one(
    web: WebClient, world: World
) -> None:
    await web.sign_in(world.coordinator("s1"))
    await web.get("/people/mentees")
    for _ in range(3):
        await web.get(f"/no-such-page/{world.ids['s1']}")

    text, series = await scrape(web.client)

    assert (
        value(
            series,
            "nastavnik_http_request_duration_seconds_count",
            service="web",
            route="/people/{base}",
            status="200",
        )
        >= 1
    )
    assert (
        value(
            series, "nastavnik_http_request_duration_seconds_count", route="unmatched", status="404"
        )
        >= 3
    )
    assert not UUID_TEXT.search(text)


async def test_every_answer_carries_a_request_id_kept_only_when_sane(
    api: Api, web: WebClient
) -> None:
    for client in (api.registry, api.programs, api.reporting, web.client):
        kept = await client.get("/no-such-path", headers={"X-Request-ID": "abc-123.4_5"})
        assert kept.status_code == 404
        assert kept.headers["x-request-id"] == "abc-123.4_5"
        forged = await client.get("/health", headers={"X-Request-ID": 'a b"\\n{"level":"error"}'})
        assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["x-request-id"])
        too_long = await client.get("/health", headers={"X-Request-ID": "a" * 101})
        assert too_long.headers["x-request-id"] != "a" * 101
    wrong_method = await api.registry.delete("/health")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["x-request-id"]
    no_token = await api.programs.post("/programmes", json={})
    assert no_token.status_code == 401
    assert no_token.headers["x-request-id"]


# Labels Prometheus adds to every scraped series, and the series it makes itself.
TARGET_LABELS = frozenset({"job", "instance"})
PROMETHEUS_SERIES = frozenset({"up"})


def deploy_expressions() -> list[str]:
    """Every PromQL expression of the alert rules and the Grafana dashboard in deploy/."""
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    alerts = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    dashboard = json.loads((DEPLOY / "grafana" / "nastavnik.json").read_text())
    panels = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert alerts
    assert panels
    return alerts + panels


def selectors(node: object) -> Iterator[tuple[str, set[str]]]:
    """Each metric an expression reads, with the labels it matches on or groups by."""
    if isinstance(node, promql_parser.VectorSelector):
        labels = {m.name for m in node.matchers.matchers if m.name != "__name__"}
        yield str(node.name), labels
        return
    if isinstance(node, promql_parser.AggregateExpr) and node.modifier is not None:
        grouped = set(node.modifier.labels)
        for name, labels in selectors(node.expr):
            yield name, labels | grouped
        return
    for attribute in ("expr", "lhs", "rhs", "vector_selector"):
        if hasattr(node, attribute):
            yield from selectors(getattr(node, attribute))
    for argument in getattr(node, "args", None) or []:
        yield from selectors(argument)


def test_selectors_finds_names_and_labels_inside_functions_and_aggregations() -> None:
    expression = promql_parser.parse(
        "histogram_quantile(0.9, sum by (le, route) (rate(a_bucket{status=~'5..'}[5m])))"
        " / on() max(b) > 1"
    )
    assert sorted(selectors(expression)) == [("a_bucket", {"le", "route", "status"}), ("b", set())]


async def test_every_dashboard_and_alert_expression_reads_series_the_services_expose(
    api: Api, web: WebClient, world: World
) -> None:
    await world.programme("s1")
    await web.sign_in(world.coordinator("s1"))
    await web.get("/people/mentees")
    await asyncio.to_thread(api.registry.app.state.registry.erase_due, NOTHING_DUE)
    exposed: Series = {}
    for client in (api.registry, api.programs, api.reporting, web.client):
        for name, samples in (await scrape(client))[1].items():
            exposed.setdefault(name, []).extend(samples)

    for expression in deploy_expressions():
        parsed = promql_parser.parse(expression)  # a syntax error fails here
        for name, labels in selectors(parsed):
            if name in PROMETHEUS_SERIES:
                continue
            assert name in exposed, f"{name} (in `{expression.strip()}`) is exposed by no service"
            known = {label for found, _ in exposed[name] for label in found} | TARGET_LABELS
            assert labels <= known, f"{name} has no label {labels - known}"
