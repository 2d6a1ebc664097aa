"""The primary lost with synchronous replication (`synchronous_standby_names = '*'`): the same
test on a cluster of its own, where no acknowledged command may be lost."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.cluster.cluster import Cluster, running_cluster
from tests.cluster.test_cluster import (
    test_the_primary_lost_the_replica_promoted_as_the_runbook_says as test_primary_lost,
)

__all__ = ["test_primary_lost"]


@pytest.fixture(scope="module")
def cluster(allowed: None) -> Iterator[Cluster]:
    with running_cluster(synchronous=True) as made:
        yield made
