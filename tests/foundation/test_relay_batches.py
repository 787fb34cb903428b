"""The outbox relay: a burst of commits leaves as one batch (it waits a moment after a wake-up),
and a row is marked sent only once the broker has confirmed it."""
import json

import eventlet
import pytest
import sqlalchemy as sa
from kombu.exceptions import OperationalError

from shared.db.engine import make_engines, normalize_url, write_lock
from shared.messaging.publisher import BatchPublisher
from shared.messaging.relay import OutboxRelay
from shared.testing.polling import wait_for
from shared.testing.proxy import TcpProxy
from tests.foundation import sample_service

OUTBOX = sample_service.Base.metadata.tables["outbox"]


class CountingPublisher(BatchPublisher):
    """The real publisher (real broker, real confirms), counting its batches."""

    def __init__(self, amqp_uri):
        super().__init__(amqp_uri)
        self.batches = []

    def publish_batch(self, messages, declare=()):
        super().publish_batch(messages, declare)
        self.batches.append(len(messages))


class WatchedRelay(OutboxRelay):
    looks = 0

    def relay_once(self):
        sent = super().relay_once()
        self.looks += 1
        return sent


class OutboxDatabase:
    """A service's database with its outbox, and the engines its relay uses."""

    def __init__(self, url):
        self.url = url
        engine = sa.create_engine(normalize_url(url))
        sample_service.Base.metadata.create_all(engine)
        engine.dispose()
        self.writer, self.reader = make_engines(url)

    def relay(self, publisher, cls=OutboxRelay, **options):
        return cls(self.writer, self.reader, OUTBOX, publisher, "sample", lock=write_lock(self.url), **options)

    def write(self, n):
        with self.writer.begin() as conn:
            conn.execute(sa.insert(OUTBOX).values(
                event_id=f"e-{n}", exchange="sample.events", event_type="order_seen", aggregate_id="A",
                payload='{"n": %d}' % n, created_at=sa.func.now()))

    def unsent(self):
        with self.reader.connect() as conn:
            return conn.execute(sa.select(OUTBOX.c.event_id).where(OUTBOX.c.published_at.is_(None))
                                .order_by(OUTBOX.c.id)).scalars().all()

    def dispose(self):
        self.writer.dispose()
        self.reader.dispose()


@pytest.fixture
def outbox_db(test_databases):
    database = OutboxDatabase(test_databases.empty_url("relay"))
    yield database
    database.dispose()


def test_a_burst_of_commits_within_the_linger_leaves_in_one_batch(rabbit_config, outbox_db):
    publisher = CountingPublisher(rabbit_config["AMQP_URI"])
    relay = outbox_db.relay(publisher, cls=WatchedRelay, poll_seconds=30, linger_seconds=2)
    running = eventlet.spawn(relay.run)
    try:
        wait_for(lambda: relay.looks)   # its first look found nothing: it waits for a wake-up
        for n in range(10):
            outbox_db.write(n)
            relay.wake()
            eventlet.sleep(0.01)   # commits spread over 0.1 s, the relay free to run between them
        wait_for(lambda: sum(publisher.batches) == 10)
        assert publisher.batches == [10]
    finally:
        relay.stop()
        running.wait()
        relay.close()


def test_rows_whose_publish_failed_stay_unsent_and_go_out_on_the_next_try(rabbit_config, outbox_db, listen):
    """A row is marked sent after the broker confirmed it, never before: a batch the broker never
    got must still be pending, or it is lost. Driven step by step, no timing involved."""
    received = listen("sample", "order_seen")
    broker = TcpProxy("127.0.0.1", 5672)        # not started yet: the broker can't be reached
    relay = outbox_db.relay(BatchPublisher(broker.uri_for(rabbit_config["AMQP_URI"])))
    try:
        for n in range(3):
            outbox_db.write(n)
        with pytest.raises((OSError, OperationalError)):
            relay.relay_once()
        assert outbox_db.unsent() == ["e-0", "e-1", "e-2"]
        broker.start()
        assert relay.relay_once() == 3
        assert outbox_db.unsent() == []
        bodies = [json.loads(wait_for(lambda: received.get(no_ack=True)).body) for _ in range(3)]
        assert bodies == [{"n": 0}, {"n": 1}, {"n": 2}]
    finally:
        relay.close()
        broker.stop()


def test_the_linger_is_read_from_the_config(start_sample):
    service = start_sample(OUTBOX_LINGER_MS=200)
    (database,) = [d for d in service.container.dependencies if hasattr(d, "relay")]
    assert database.relay._linger == 0.2
