"""The unit of work on its own (shared/db): what one transaction holds, how SQLite's write lock is
taken, and that claims, answers and events commit or vanish together."""
import sqlite3
import uuid

import pytest
import sqlalchemy as sa

from shared.db.dependency import _tables
from shared.db.engine import make_engines, write_lock
from shared.db.unit_of_work import (
    AlreadyProcessed, EventIdReused, IdempotencyClaim, IdempotencyKeyReused, InboxClaim, Replay, UnitOfWork,
)
from shared.messaging.consumer import is_transient
from shared.testing.databases import backend
from tests.foundation.sample_service import Base, ReceivedOrder

sqlite_only = pytest.mark.skipif(backend() != "sqlite", reason="SQLite's file lock")


@pytest.fixture
def database(test_databases):
    url = test_databases.empty_url("uow")
    writer, reader = make_engines(url)
    Base.metadata.create_all(writer)
    woken = []
    db = type("Db", (), {})()
    db.url, db.writer, db.reader, db.woken = url, writer, reader, woken

    def unit_of_work(**claims):
        return UnitOfWork(writer, _tables(Base.metadata), "sample", lock=write_lock(url),
                          on_outbox=lambda: woken.append(1), **claims)
    db.unit_of_work = unit_of_work
    yield db
    writer.dispose()
    reader.dispose()


def _count(db, table):
    with db.reader.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(Base.metadata.tables[table])).scalar()


def _other_writer(db):
    """A second, raw connection to the SQLite file that gives up at once on a lock."""
    return sqlite3.connect(db.url.split("sqlite:///", 1)[1], timeout=0, isolation_level=None)


# -- SQLite: BEGIN IMMEDIATE --------------------------------------------------
@sqlite_only
def test_a_unit_of_work_holds_the_write_lock_from_its_first_statement(database):
    other = _other_writer(database)
    with database.unit_of_work() as uow:
        uow.session.connection().execute(sa.text("SELECT 1"))   # a read: a deferred BEGIN would lock nothing
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("ROLLBACK")


@sqlite_only
def test_reads_do_not_take_the_write_lock(database):
    other = _other_writer(database)
    with database.reader.connect() as connection, connection.begin():
        connection.execute(sa.text("SELECT count(*) FROM inbox"))
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")


@sqlite_only
def test_a_database_locked_at_begin_is_a_transient_sqlalchemy_error(database):
    other = _other_writer(database)
    other.execute("BEGIN IMMEDIATE")
    with database.writer.connect() as connection:
        connection.connection.dbapi_connection.execute("PRAGMA busy_timeout=0")
        with pytest.raises(sa.exc.OperationalError) as raised:
            connection.begin()
    assert is_transient(raised.value)
    other.execute("ROLLBACK")


# -- both backends: inbox, outbox, idempotency --------------------------------
def test_an_event_is_handled_once_and_its_effects_and_events_commit_together(database):
    claim = InboxClaim("sample.on_order_placed", str(uuid.uuid4()))
    with database.unit_of_work(inbox=claim) as uow:
        uow.session.add(ReceivedOrder(order_no="A1", event_id=claim.event_id))
        uow.publish("order_seen", {"order_no": "A1"}, aggregate_id="A1")
    assert (_count(database, "inbox"), _count(database, "outbox"), _count(database, "received_orders")) == (1, 1, 1)
    assert database.woken == [1]

    with pytest.raises(AlreadyProcessed), database.unit_of_work(inbox=claim) as uow:
        uow.publish("order_seen", {"order_no": "A1"}, aggregate_id="A1")
    assert (_count(database, "inbox"), _count(database, "outbox")) == (1, 1)
    assert database.woken == [1]


def test_a_failed_handler_leaves_no_claim_row_or_event(database):
    claim = InboxClaim("sample.on_order_placed", str(uuid.uuid4()))
    with pytest.raises(RuntimeError, match="bug"), database.unit_of_work(inbox=claim) as uow:
        uow.session.add(ReceivedOrder(order_no="A1", event_id=claim.event_id))
        uow.publish("order_seen", {"order_no": "A1"}, aggregate_id="A1")
        raise RuntimeError("bug")
    assert (_count(database, "inbox"), _count(database, "outbox"), _count(database, "received_orders")) == (0, 0, 0)
    assert database.woken == []


def test_a_duplicate_is_already_processed_and_its_work_changes_nothing(database):
    claim = InboxClaim("sample.on_order_placed", str(uuid.uuid4()))
    with database.unit_of_work(inbox=claim) as uow:
        uow.session.add(ReceivedOrder(order_no="A1", event_id=claim.event_id))
    # Whatever the second delivery's work does (here: fail on the first's effects), it is acked as done.
    with pytest.raises(AlreadyProcessed), database.unit_of_work(inbox=claim) as uow:
        uow.session.add(ReceivedOrder(order_no="A1", event_id=claim.event_id))
        raise ValueError("order A1 is already received")
    assert (_count(database, "inbox"), _count(database, "received_orders")) == (1, 1)


def test_an_event_id_reused_for_other_content_is_refused_and_changes_nothing(database):
    event_id = str(uuid.uuid4())
    with database.unit_of_work(inbox=InboxClaim("sample.on_order_placed", event_id, "a" * 64)) as uow:
        uow.session.add(ReceivedOrder(order_no="A1", event_id=event_id))
    with pytest.raises(EventIdReused), \
            database.unit_of_work(inbox=InboxClaim("sample.on_order_placed", event_id, "b" * 64)) as uow:
        uow.session.add(ReceivedOrder(order_no="B1", event_id=event_id))
        uow.publish("order_seen", {"order_no": "B1"}, aggregate_id="B1")
    assert (_count(database, "inbox"), _count(database, "outbox"), _count(database, "received_orders")) == (1, 0, 1)


def test_an_idempotent_request_answers_once_and_replays_the_answer(database):
    claim = IdempotencyClaim("sample.add_note", "key-1", "f" * 64)
    with database.unit_of_work(idempotency=claim) as uow:
        assert uow.respond(201, {"id": 7}) == (201, {"id": 7})

    with pytest.raises(Replay) as replay, database.unit_of_work(idempotency=claim):
        pass
    assert (replay.value.status, replay.value.body) == (201, {"id": 7})

    with pytest.raises(IdempotencyKeyReused), \
            database.unit_of_work(idempotency=IdempotencyClaim("sample.add_note", "key-1", "0" * 64)):
        pass


def test_an_idempotent_request_without_an_answer_keeps_nothing(database):
    claim = IdempotencyClaim("sample.add_note", "key-2", "f" * 64)
    with pytest.raises(RuntimeError, match="respond"), database.unit_of_work(idempotency=claim) as uow:
        uow.publish("order_seen", {"order_no": "A1"}, aggregate_id="A1")
    assert (_count(database, "idempotent_requests"), _count(database, "outbox")) == (0, 0)
