"""`RelayedDatabase`: a service's database (`shared.db.dependency.Database`) with its outbox relay
running beside the workers, so what a unit of work publishes leaves after it commits."""
from shared.db.dependency import Database
from shared.messaging.publisher import BatchPublisher
from shared.messaging.relay import LINGER_SECONDS, OutboxRelay


class RelayedDatabase(Database):
    extra_connections = 2   # the relay's: one, two while it marks a batch

    def setup(self):
        super().setup()
        config = self.container.config
        self.relay = OutboxRelay(
            self.writer, self.reader, self.tables[0], BatchPublisher(config["AMQP_URI"]),
            self.container.service_name, poll_seconds=config.get("OUTBOX_POLL_SECONDS", 1.0), lock=self.lock,
            linger_seconds=float(config.get("OUTBOX_LINGER_MS", LINGER_SECONDS * 1000)) / 1000)
        self._relay_thread = None

    def start(self):
        self._relay_thread = self.container.spawn_managed_thread(self.relay.run, identifier="outbox-relay")

    def stop(self):
        self.relay.stop()
        if self._relay_thread is not None:
            self._relay_thread.wait()
        self.relay.close()
        self.dispose()

    def kill(self):
        self.relay.stop()
        if self._relay_thread is not None:
            self._relay_thread.kill()
        self.dispose()

    def outbox_written(self):
        self.relay.wake()
