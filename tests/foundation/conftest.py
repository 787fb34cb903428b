import pytest
import sqlalchemy as sa
from kombu import Connection, Queue

from shared.db.engine import normalize_url
from shared.messaging.topology import events_exchange
from shared.testing.services import RunningService, service_test_config
from tests.foundation import sample_service


@pytest.fixture
def sample_config(rabbit_config, test_databases):
    def make(**overrides):
        url = test_databases.empty_url("sample")
        engine = sa.create_engine(normalize_url(url))
        sample_service.Base.metadata.create_all(engine)
        engine.dispose()
        return service_test_config("sample", rabbit_config["AMQP_URI"], DATABASE_URL=url, **overrides)
    return make


@pytest.fixture
def start_sample(container_factory, sample_config):
    def start(config=None, **overrides):
        config = config or sample_config(**overrides)
        container = container_factory(sample_service.SampleService, config)
        container.start()
        return RunningService("sample", container, config, sample_service.Base)
    return start


@pytest.fixture
def listen(rabbit_config):
    """listen('sample', 'note_added') -> a queue bound to that event; .get_all() drains it."""
    connections = []

    def bind(source, event_type):
        connection = Connection(rabbit_config["AMQP_URI"])
        connections.append(connection)
        exchange = events_exchange(source)
        queue = Queue(f"test-{source}-{event_type}", exchange=exchange, routing_key=event_type)(connection.default_channel)
        queue.declare()
        return queue

    yield bind
    for connection in connections:
        connection.release()
