"""A service keeps as many PostgreSQL connections open as it can use at once (shared/db/engine.py):
opening one per transaction under load cost PostgreSQL more CPU than the services' own work."""
from contextlib import ExitStack

import pytest
from nameko.testing.utils import get_extension

from shared.db.dependency import Database
from shared.testing.databases import backend
from shared.testing.polling import wait_for
from tests.foundation.sample_service import SampleService


@pytest.mark.skipif(backend() != "postgres", reason="SQLite keeps its own pools, one writer at a time")
@pytest.mark.parametrize("workers", [3, 10])
def test_the_pool_keeps_a_connection_per_worker_and_for_the_relay(container_factory, sample_config, workers):
    # The relay polls once at start, then not for an hour: the pool is the test's alone.
    container = container_factory(SampleService, sample_config(max_workers=workers, OUTBOX_POLL_SECONDS=3600))
    container.start()
    engine = get_extension(container, Database).writer
    wait_for(lambda: engine.pool.checkedout() == 0, message="the relay kept its connection")
    assert engine.pool.size() == workers + 2
    with ExitStack() as busy:   # every worker and the relay in a transaction at once
        for _ in range(workers + 2):
            busy.enter_context(engine.connect()).exec_driver_sql("SELECT 1")
    assert engine.pool.checkedin() == workers + 2   # all given back and kept open, none closed

