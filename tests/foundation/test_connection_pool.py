"""A service keeps as many PostgreSQL connections open as it can use at once (shared/db/engine.py):
opening one per transaction under load cost PostgreSQL more CPU than the services' own work."""
import pytest
from nameko.testing.utils import get_extension

from shared.db.dependency import Database
from shared.testing.databases import backend
from tests.foundation.sample_service import SampleService


@pytest.mark.skipif(backend() != "postgres", reason="SQLite keeps its own pools, one writer at a time")
@pytest.mark.parametrize("workers", [3, 10])
def test_the_pool_keeps_a_connection_per_worker_and_for_the_relay(container_factory, sample_config, workers):
    container = container_factory(SampleService, sample_config(max_workers=workers))
    container.start()
    engine = get_extension(container, Database).writer
    assert engine.pool.size() == workers + 2
    with engine.connect() as first, engine.connect() as second:
        used = {id(first.connection.dbapi_connection), id(second.connection.dbapi_connection)}
    assert len(used) == 2 and engine.pool.checkedin() == 2   # given back and kept open, not closed
    with engine.connect() as again:
        assert id(again.connection.dbapi_connection) in used
