"""The outbox relay: publishes committed outbox rows with confirms, oldest first, and
marks them sent. While the broker is down rows wait; they go out when it returns.

One relay publishes at a time per service (a PostgreSQL advisory lock; SQLite is
one process), so events of one aggregate leave in the order they were written.
A crash between publish and mark re-sends a row: consumers dedupe by event_id.
"""
import logging
import threading
import time
import zlib

import sqlalchemy as sa

from shared.messaging.topology import events_exchange
from shared.timeutil import utcnow

log = logging.getLogger(__name__)

BATCH = 200
LINGER_SECONDS = 0.05


class OutboxRelay:
    def __init__(self, engine, reader, outbox, publisher, service_name, poll_seconds=1.0, lock=None,
                 linger_seconds=LINGER_SECONDS):
        self._engine = engine
        self._reader = reader
        self._exchange = events_exchange(service_name)
        self._outbox = outbox
        self._publisher = publisher
        self._poll = poll_seconds
        self._linger = linger_seconds
        self._lock = lock
        self._lock_key = zlib.crc32(f"outbox:{service_name}".encode())
        self._wake = threading.Event()
        self._stopping = False
        self.failures = 0

    def wake(self):
        self._wake.set()

    def stop(self):
        self._stopping = True
        self._wake.set()

    def run(self):
        while not self._stopping:
            try:
                sent = self.relay_once()
                self.failures = 0
            except Exception:  # broker or database down: keep the rows, try again later
                self.failures += 1
                log.warning("outbox relay failed (attempt %s), will retry", self.failures, exc_info=True)
                sent = 0
            if sent < BATCH:
                backoff = min(self._poll * (2 ** min(self.failures, 5)), 30) if self.failures else self._poll
                woken = self._wake.wait(backoff)
                self._wake.clear()
                if woken and not self._stopping:
                    # Let the commits of the next few milliseconds join this batch: a batch costs
                    # about as much as a single row (one read, one publish round, one write that
                    # waits for the write lock). 50 ms per hop bought a tenth more orders per second.
                    time.sleep(self._linger)

    def close(self):
        self._publisher.close()

    def relay_once(self):
        """Publish one batch; returns how many rows went out."""
        if self._engine.dialect.name == "postgresql":
            with self._engine.begin() as conn:
                got = conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": self._lock_key}).scalar()
                if not got:
                    return 0
                return self._publish_pending(conn, conn)
        with self._reader.connect() as reader:
            rows = self._pending(reader)
        return self._publish_rows(rows, self._mark_sqlite)

    def _pending(self, conn):
        o = self._outbox
        return conn.execute(
            sa.select(o).where(o.c.published_at.is_(None)).order_by(o.c.id).limit(BATCH)).all()

    def _publish_pending(self, reader, writer):
        return self._publish_rows(self._pending(reader), lambda ids: self._mark(writer, ids))

    def _publish_rows(self, rows, mark):
        if not rows:
            return 0
        # The stored JSON goes out as it is: it was checked against the contract when written.
        self._publisher.publish_batch([(row.payload, row.exchange, row.event_type, row.event_id) for row in rows],
                                      declare=[self._exchange])
        mark([row.id for row in rows])
        return len(rows)

    def _mark(self, conn, ids):
        o = self._outbox
        # The last write before the commit: on PostgreSQL it travels in the COMMIT's message.
        conn.execute(sa.update(o).where(o.c.id.in_(ids)).values(published_at=utcnow())
                     .execution_options(at_commit=True))

    def _mark_sqlite(self, ids):
        if self._lock is not None:
            self._lock.acquire()
        try:
            with self._engine.begin() as conn:
                self._mark(conn, ids)
        finally:
            if self._lock is not None:
                self._lock.release()

    def pending_count(self):
        o = self._outbox
        with self._reader.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(o).where(o.c.published_at.is_(None))).scalar()
