"""`Database`: the nameko dependency giving each worker units of work on the
service's own database, and running the service's outbox relay."""
from contextlib import contextmanager

import sqlalchemy as sa
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from shared.db.engine import make_engines, write_lock
from shared.db.unit_of_work import UnitOfWork


def _tables(metadata):
    return metadata.tables["outbox"], metadata.tables["inbox"], metadata.tables["idempotent_requests"]


class ServiceDatabase:
    """What a worker sees: `unit_of_work()` to change things, `read()` to look."""

    def __init__(self, writer, reader, tables, service_name, lock=None, inbox=None, idempotency=None,
                 on_outbox=None):
        self._writer, self._reader, self._tables = writer, reader, tables
        self._service, self._lock, self._on_outbox = service_name, lock, on_outbox
        self._claims = {"inbox": inbox, "idempotency": idempotency}

    def unit_of_work(self):
        # Only the worker's first unit of work claims its event id / idempotency key.
        claims, self._claims = self._claims, {}
        return UnitOfWork(self._writer, self._tables, self._service, lock=self._lock,
                          on_outbox=self._on_outbox, **claims)

    @contextmanager
    def read(self):
        with Session(self._reader, expire_on_commit=False) as session:
            yield session

    def ping(self):
        with self._reader.connect() as conn:
            conn.execute(sa.text("SELECT 1"))


def standalone(base, url, service_name):
    """A ServiceDatabase outside any container (unit tests, command-line tools): no relay, and no
    pool either, so nothing keeps a connection open after use."""
    writer, reader = make_engines(url, pooled=False)
    return ServiceDatabase(writer, reader, _tables(base.metadata), service_name, lock=write_lock(url))


class Database(DependencyProvider):
    def __init__(self, base):
        self.metadata = base.metadata

    def setup(self):
        from shared.messaging.publisher import BatchPublisher
        from shared.messaging.relay import LINGER_SECONDS, OutboxRelay

        config = self.container.config
        url = config["DATABASE_URL"]
        # Every worker may hold a connection, and the relay one (two while it marks a batch).
        self.writer, self.reader = make_engines(url, connections=self.container.max_workers + 2)
        self.lock = write_lock(url)
        self.tables = _tables(self.metadata)
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
        self.writer.dispose()
        self.reader.dispose()

    def kill(self):
        self.relay.stop()
        if self._relay_thread is not None:
            self._relay_thread.kill()
        # Give the connections back now, not whenever the engine is garbage-collected.
        self.writer.dispose()
        self.reader.dispose()

    def get_dependency(self, worker_ctx):
        entrypoint = worker_ctx.entrypoint
        inbox = getattr(entrypoint, "inbox_claim", None)
        idempotency = getattr(entrypoint, "idempotency_claim", None)
        return ServiceDatabase(
            self.writer, self.reader, self.tables, self.container.service_name, lock=self.lock,
            inbox=inbox(worker_ctx) if inbox else None,
            idempotency=idempotency(worker_ctx) if idempotency else None,
            on_outbox=self.relay.wake)
