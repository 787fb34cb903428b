"""The outbox relay waits a moment after a wake-up, so a burst of commits leaves as one batch."""
import eventlet
import sqlalchemy as sa

from shared.db.engine import make_engines, normalize_url, write_lock
from shared.messaging.publisher import BatchPublisher
from shared.messaging.relay import OutboxRelay
from shared.testing.polling import wait_for
from tests.foundation import sample_service


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


def test_a_burst_of_commits_within_the_linger_leaves_in_one_batch(rabbit_config, test_databases):
    url = test_databases.empty_url("relay")
    engine = sa.create_engine(normalize_url(url))
    sample_service.Base.metadata.create_all(engine)
    engine.dispose()
    writer, reader = make_engines(url)
    outbox = sample_service.Base.metadata.tables["outbox"]
    publisher = CountingPublisher(rabbit_config["AMQP_URI"])
    relay = WatchedRelay(writer, reader, outbox, publisher, "sample", poll_seconds=30, lock=write_lock(url),
                         linger_seconds=2)
    running = eventlet.spawn(relay.run)
    try:
        wait_for(lambda: relay.looks)   # its first look found nothing: it waits for a wake-up
        for n in range(10):
            with writer.begin() as conn:
                conn.execute(sa.insert(outbox).values(
                    event_id=f"e-{n}", exchange="sample.events", event_type="order_seen", aggregate_id="A",
                    payload='{"n": %d}' % n, created_at=sa.func.now()))
            relay.wake()
            eventlet.sleep(0.01)   # commits spread over 0.1 s, the relay free to run between them
        wait_for(lambda: sum(publisher.batches) == 10)
        assert publisher.batches == [10]
    finally:
        relay.stop()
        running.wait()
        relay.close()
        writer.dispose()
        reader.dispose()


def test_the_linger_is_read_from_the_config(start_sample):
    service = start_sample(OUTBOX_LINGER_MS=200)
    (database,) = [d for d in service.container.dependencies if hasattr(d, "relay")]
    assert database.relay._linger == 0.2
