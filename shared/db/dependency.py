"""`Database`: the nameko dependency giving each worker units of work on the service's own database.

It knows nothing of the bus: the outbox rows a unit of work writes are sent by the relay, which the
messaging side owns (`shared.messaging.relayed_database.RelayedDatabase` runs it beside this)."""
from contextlib import contextmanager

import sqlalchemy as sa
from nameko.extensions import DependencyProvider
from sqlalchemy.orm import Session

from shared.db.engine import make_engines, write_lock
from shared.db.postgres import statements_alone
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
        with self._reader.connect() as connection, statements_alone(connection), \
                Session(bind=connection, expire_on_commit=False) as session:
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
    # Every worker may hold a connection; `extra_connections` more for what runs beside the workers.
    extra_connections = 0

    def __init__(self, base):
        self.metadata = base.metadata

    def setup(self):
        url = self.container.config["DATABASE_URL"]
        self.writer, self.reader = make_engines(url, connections=self.container.max_workers + self.extra_connections)
        self.lock = write_lock(url)
        self.tables = _tables(self.metadata)

    def stop(self):
        self.dispose()

    def kill(self):
        # Give the connections back now, not whenever the engine is garbage-collected.
        self.dispose()

    def dispose(self):
        self.writer.dispose()
        self.reader.dispose()

    def outbox_written(self):
        """Called after a unit of work committed outbox rows; nothing to do without a relay."""

    def get_dependency(self, worker_ctx):
        entrypoint = worker_ctx.entrypoint
        inbox = getattr(entrypoint, "inbox_claim", None)
        idempotency = getattr(entrypoint, "idempotency_claim", None)
        return ServiceDatabase(
            self.writer, self.reader, self.tables, self.container.service_name, lock=self.lock,
            inbox=inbox(worker_ctx) if inbox else None,
            idempotency=idempotency(worker_ctx) if idempotency else None,
            on_outbox=self.outbox_written)
