"""Fixtures of the reliability suite (issue #10): a private RabbitMQ node that tests may kill,
and the six services as separate processes on it."""
import tempfile

import pytest

from tools.chaos import broker as chaos_broker


@pytest.fixture(scope="session")
def private_broker():
    """Our own RabbitMQ node (own ports, own data): the shared one is never touched."""
    if not chaos_broker.available():
        pytest.skip("rabbitmq-server is not installed here: cannot start a private node to kill")
    with chaos_broker.PrivateBroker() as node:
        yield node


@pytest.fixture(scope="module")
def chaos(private_broker):
    """The six services as production runs them, on the private node, with a scanner floor."""
    from tests.reliability.harness import ChaosSuite
    log_dir = tempfile.mkdtemp(prefix="chaos-logs-")   # kept: the services' logs, to read after a failure
    print(f"\n[reliability] service logs in {log_dir}")
    with ChaosSuite(private_broker, log_dir) as suite:
        yield suite
