"""A unit of work: one transaction holding a state change, the events it
causes (the outbox), the event it consumed (the inbox) and the HTTP answer
it gave (idempotency keys). Either all of it commits or none of it does."""
import hashlib
import json
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from contracts import dump_event
from shared.errors import PermanentFailure
from shared.timeutil import utcnow


class AlreadyProcessed(Exception):
    """The consumed event was handled before: ack it, do nothing."""


class EventIdReused(PermanentFailure):
    """An event id processed before came again with different content: not a duplicate but another
    message under a used id. Skipping it as a duplicate would lose it, so it is dead-lettered."""

    def __init__(self, event_id):
        super().__init__(f"event_id reused with different content: {event_id} was processed before "
                         f"with other content")


class Replay(Exception):
    """The idempotency key was used before: answer what was answered then."""

    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


class IdempotencyKeyReused(Exception):
    """The same key came with a different request body."""


@dataclass(frozen=True)
class InboxClaim:
    consumer: str
    event_id: str
    fingerprint: Optional[str] = None   # of the content (`shared.messaging.inbound.fingerprint`)


@dataclass(frozen=True)
class IdempotencyClaim:
    scope: str
    key: str
    fingerprint: str


def fingerprint(raw_body):
    return hashlib.sha256(raw_body or b"").hexdigest()


def insert_ignoring_duplicates(dialect_name, table):
    dialect_insert = postgresql.insert if dialect_name == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing()


@lru_cache(maxsize=None)
def _statements(dialect_name, tables):
    """Built once per database and run on the session's connection with plain parameters: every
    unit of work claims an event or a key and most write the outbox, and building a statement per
    call (plus the ORM's execute path) cost more than the write itself."""
    outbox, inbox, idempotency = tables
    key = (idempotency.c.scope == sa.bindparam("b_scope")) & (idempotency.c.key == sa.bindparam("b_key"))
    claimed = (inbox.c.consumer == sa.bindparam("b_consumer")) & (inbox.c.event_id == sa.bindparam("b_event_id"))
    return {
        "claim_inbox": insert_ignoring_duplicates(dialect_name, inbox),
        "find_claim": sa.select(inbox.c.fingerprint).where(claimed),
        # Nothing reads these back in the transaction: on PostgreSQL they travel with the COMMIT.
        "outbox": sa.insert(outbox).inline().execution_options(at_commit=True),
        "claim_key": insert_ignoring_duplicates(dialect_name, idempotency),
        "find_key": sa.select(idempotency.c.fingerprint, idempotency.c.status, idempotency.c.body).where(key),
        "answer_key": sa.update(idempotency).where(key).execution_options(at_commit=True),
    }


class UnitOfWork:
    def __init__(self, engine, tables, service_name, lock=None, inbox: Optional[InboxClaim] = None,
                 idempotency: Optional[IdempotencyClaim] = None, on_outbox=None):
        self._engine = engine
        self._service = service_name
        self._lock = lock
        self._inbox_claim = inbox
        self._idem_claim = idempotency
        self._on_outbox = on_outbox
        self._published = 0
        self._responded = False
        self.session = None
        self._sql = _statements(engine.dialect.name, tuple(tables))

    # -- context manager -------------------------------------------------
    def __enter__(self):
        if self._lock is not None:
            self._lock.acquire()
        try:
            # The connection, and its BEGIN (IMMEDIATE on SQLite), come with the first statement.
            self.session = Session(self._engine, expire_on_commit=False)
            if self._inbox_claim:
                self._claim_inbox()
            if self._idem_claim:
                self._claim_idempotency_key()
        except BaseException:
            self._close(commit=False)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None and self._idem_claim and not self._responded:
            self._close(commit=False)
            raise RuntimeError("an idempotent request's unit of work must end with `return uow.respond(...)`")
        self._close(commit=exc_type is None)
        if exc_type is None and self._published and self._on_outbox:
            self._on_outbox()
        return False

    def _close(self, commit):
        try:
            if self.session is not None:
                try:
                    if commit:
                        self.session.commit()
                    else:
                        self.session.rollback()
                finally:
                    self.session.close()   # a failed commit gives its connection back too
        finally:
            if self._lock is not None:
                self._lock.release()

    # -- inbox -----------------------------------------------------------
    def _claim_inbox(self):
        claim, connection = self._inbox_claim, self.session.connection()
        claimed = connection.execute(self._sql["claim_inbox"], {
            "consumer": claim.consumer, "event_id": claim.event_id, "fingerprint": claim.fingerprint,
            "processed_at": utcnow()})
        if claimed.rowcount == 1:
            return
        before = connection.execute(self._sql["find_claim"], {
            "b_consumer": claim.consumer, "b_event_id": claim.event_id}).scalar()
        # Rows from before fingerprints were kept (NULL) can't tell: they count as the same.
        if before and claim.fingerprint and before != claim.fingerprint:
            raise EventIdReused(claim.event_id)
        raise AlreadyProcessed(claim.event_id)

    # -- idempotency keys ------------------------------------------------
    def _claim_idempotency_key(self):
        claim = self._idem_claim
        # The placeholder row makes a concurrent request with the same key wait
        # (PostgreSQL) or queue behind our write lock (SQLite) until we commit.
        connection = self.session.connection()
        claimed = connection.execute(self._sql["claim_key"], {
            "scope": claim.scope, "key": claim.key, "fingerprint": claim.fingerprint, "status": 0, "body": "",
            "created_at": utcnow()})
        if claimed.rowcount == 1:
            return
        row = connection.execute(self._sql["find_key"], {"b_scope": claim.scope, "b_key": claim.key}).one()
        if row.fingerprint != claim.fingerprint:
            raise IdempotencyKeyReused(claim.key)
        raise Replay(row.status, json.loads(row.body))

    def respond(self, status, body):
        """The HTTP answer, remembered under the request's idempotency key in this transaction."""
        self._responded = True
        if self._idem_claim:
            self.session.connection().execute(self._sql["answer_key"], {
                "b_scope": self._idem_claim.scope, "b_key": self._idem_claim.key, "status": status,
                "body": json.dumps(body, ensure_ascii=False, default=str)})
        return status, body

    # -- outbox ----------------------------------------------------------
    def publish(self, event_type, payload, aggregate_id):
        """Queue an event for the relay; it leaves only if this transaction commits."""
        now = utcnow()
        event = {"occurred_at": now, **payload, "event_id": str(uuid.uuid4())}
        body = dump_event(self._service, event_type, event)
        self.session.connection().execute(self._sql["outbox"], {
            "event_id": event["event_id"], "exchange": f"{self._service}.events", "event_type": event_type,
            "aggregate_id": str(aggregate_id), "payload": json.dumps(body, ensure_ascii=False), "created_at": now})
        self._published += 1
        return body
