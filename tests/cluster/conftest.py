"""The several-host cluster, made once for the tests of `make test-cluster` (root and network
namespaces needed: skipped, saying why, where the machine does not allow them)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from shared.adapters.settings import Settings
from tests.cluster.cluster import Cluster, balanced_url, running_cluster
from tests.cluster.hosts import namespaces_allowed
from tests.e2e.test_processes import Client


@pytest.fixture(scope="session")
def allowed() -> None:
    if reason := namespaces_allowed():
        pytest.skip(f"the cluster cannot be made here: {reason}")


@pytest.fixture(scope="module")
def cluster(allowed: None) -> Iterator[Cluster]:
    """A cluster per test module (asynchronous replication, PostgreSQL's default)."""
    with running_cluster() as made:
        yield made


@pytest.fixture(scope="module")
async def school(cluster: Cluster) -> AsyncIterator[dict[str, Any]]:
    """A school with a pair whose meetings the load records (made through HAProxy)."""
    async with httpx.AsyncClient(timeout=60) as http:
        client = Client(http, Settings())
        client.registry, client.programs = balanced_url("registry"), balanced_url("programs")
        yield await client.school_with_a_pair()
