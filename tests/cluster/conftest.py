"""A three-node RabbitMQ cluster of our own on loopback (shared/testing/cluster.py), one per module:
never the machine's own broker. A module that needs its nodes started otherwise sets
`CLUSTER_OPTIONS` (keyword arguments of RabbitCluster, e.g. own_addresses=True)."""
import os

import pytest

from shared.testing.cluster import RabbitCluster, available


@pytest.fixture(scope="module")
def cluster(request):
    why_not = available()
    if why_not:
        pytest.skip(f"no RabbitMQ cluster can be started here: {why_not}")
    options = getattr(request.module, "CLUSTER_OPTIONS", {})
    with RabbitCluster(prefix=f"c21{os.getpid() % 1000}", **options) as started:
        yield started
