"""Request ids and the labels of a request's series, without a server: what a caller sends can
neither forge a log line nor add series at will."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import psycopg
import pytest
from prometheus_client.exposition import generate_latest

from shared.adapters.database_metrics import on_database_scrape
from shared.adapters.logging import request_id_from
from shared.adapters.metrics import ServiceMetrics


@pytest.mark.parametrize("sent", [b"abc-123", b"7f3a.b_c:d", b"A" * 100])
def test_a_sane_request_id_is_kept(sent: bytes) -> None:
    assert request_id_from([(b"x-request-id", sent)]) == sent.decode()


@pytest.mark.parametrize(
    "sent", [b"", b"a b", b'a"}\n{"level":"error', b"\xd0\xb8\xd0\xb4", b"A" * 101, b"-leading"]
)
def test_anything_else_gets_a_new_id(sent: bytes) -> None:
    made = request_id_from([(b"x-request-id", sent)])
    assert made != sent.decode(errors="replace")
    assert len(made) == 32
    assert made != request_id_from([(b"x-request-id", sent)])  # new each time


def scope(method: str, template: str | None, handler: str = "register") -> Any:
    found: dict[str, Any] = {"type": "http", "method": method, "path": "/people/1234"}
    if template is not None:
        found |= {"path_template": template, "route_handler": SimpleNamespace(handler_name=handler)}
    return found


def exposition(metrics: ServiceMetrics) -> str:
    return generate_latest(metrics.registry).decode()


def test_commands_are_counted_by_handler_and_outcome_and_reads_are_not() -> None:
    metrics = ServiceMetrics("registry", commands=True)
    metrics.observe(scope("POST", "/people"), 201, 0.01)
    metrics.observe(scope("POST", "/people"), 409, 0.01)
    metrics.observe(scope("POST", "/people"), 503, 0.01)
    metrics.observe(scope("GET", "/people"), 200, 0.01)

    for outcome in ("accepted", "refused", "failed"):
        labels = {"service": "registry", "command": "register", "outcome": outcome}
        assert metrics.registry.get_sample_value("nastavnik_commands_total", labels) == 1
    assert "/people/1234" not in exposition(metrics)


def test_unknown_paths_and_methods_are_one_label_each() -> None:
    metrics = ServiceMetrics("web")
    for number in range(50):
        metrics.observe(scope(f"BREW{number}", None), 405, 0.001)
        metrics.observe(scope("GET", None), 404, 0.001)

    text = exposition(metrics)
    counts = [
        line.split(" ")[-1]
        for line in text.splitlines()
        if line.startswith("nastavnik_http_request_duration_seconds_count")
    ]
    assert counts == ["50.0", "50.0"]  # two series, whatever the 50 methods were
    assert 'method="other",route="unmatched"' in text
    assert "BREW" not in text
    assert "nastavnik_commands_total" not in text  # the web takes no commands of its own


async def test_a_scrape_while_the_database_is_away_still_answers_and_counts_it() -> None:
    metrics = ServiceMetrics("reporting")
    position = metrics.gauge("nastavnik_test_position", "a figure read from the database")
    reads = iter([7, None])

    async def refresh() -> None:
        read = next(reads)
        if read is None:
            raise psycopg.OperationalError("connection refused")
        position.labels("reporting").set(read)

    on_database_scrape(metrics, refresh)
    await metrics.exposition()
    text = (await metrics.exposition()).decode()

    assert 'nastavnik_test_position{service="reporting"} 7.0' in text  # the last good figure
    assert 'nastavnik_metrics_refresh_errors_total{service="reporting"} 1.0' in text
