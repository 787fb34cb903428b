"""A three-node RabbitMQ cluster of our own on loopback (shared/testing/cluster.py), one per module:
never the machine's own broker."""
import os

import pytest

from shared.testing.cluster import RabbitCluster, available


@pytest.fixture(scope="module")
def cluster():
    why_not = available()
    if why_not:
        pytest.skip(f"no RabbitMQ cluster can be started here: {why_not}")
    with RabbitCluster(prefix=f"c21{os.getpid() % 1000}") as started:
        yield started
