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


@pytest.fixture(scope="module", autouse=True)
def at_least_once_dead_lettering():
    """The production default (tests/conftest.py sets at-most-once for the machine's shared broker):
    the processes a cluster test starts inherit it."""
    before = os.environ.get("AMQP_DEAD_LETTER_STRATEGY")
    os.environ["AMQP_DEAD_LETTER_STRATEGY"] = "at-least-once"
    yield
    if before is None:
        os.environ.pop("AMQP_DEAD_LETTER_STRATEGY", None)
    else:
        os.environ["AMQP_DEAD_LETTER_STRATEGY"] = before
