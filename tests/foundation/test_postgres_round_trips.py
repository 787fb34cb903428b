"""PostgreSQL connections that save round trips (shared/db/postgres.py, issue #22): `BEGIN` travels with
the transaction's first statement, commit and rollback send nothing when no transaction is open, writes kept
for the commit travel with it, and the pool's pre-ping reads the socket instead of asking the server."""
import psycopg2
import psycopg2.extensions
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared.db.dependency import ServiceDatabase, _tables
from shared.db.engine import make_engines
from shared.testing.databases import PG_ADMIN_URL, backend
from shared.testing.polling import wait_for
from tests.foundation.sample_service import Base

pytestmark = pytest.mark.skipif(backend() != "postgres", reason="PostgreSQL's connections")

SAME_MESSAGE = "SELECT transaction_timestamp() = statement_timestamp()"


@pytest.fixture
def engine():
    engine, _ = make_engines(PG_ADMIN_URL, connections=2)
    yield engine
    engine.dispose()


@pytest.fixture
def table(engine):
    name = "round_trip_probe"
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        connection.exec_driver_sql(f"CREATE TABLE {name} (n int PRIMARY KEY)")
    yield name
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {name}")


@pytest.fixture
def admin(engine):
    admin = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    yield admin
    admin.dispose()


def test_the_transaction_begins_in_the_message_of_its_first_statement(engine):
    with engine.begin() as connection:
        assert connection.exec_driver_sql(SAME_MESSAGE).scalar() is True    # one message: BEGIN;SELECT
        assert connection.exec_driver_sql(SAME_MESSAGE).scalar() is False   # a later statement is its own


def test_a_transaction_is_still_one_transaction(engine, table):
    other, _ = make_engines(PG_ADMIN_URL, connections=1)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"INSERT INTO {table} VALUES (1)")
            connection.exec_driver_sql(f"INSERT INTO {table} VALUES (2)")
            with other.connect() as outside:
                assert outside.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0   # not yet
            connection.commit()
        with other.connect() as outside:
            assert outside.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 2
    finally:
        other.dispose()


def test_an_error_in_the_first_statement_rolls_back_and_the_connection_goes_on(engine, table):
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO {table} VALUES (1)")
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as connection:
            connection.exec_driver_sql(f"INSERT INTO {table} VALUES (1)")   # BEGIN;INSERT: the INSERT fails
    with engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO {table} VALUES (2)")
    with engine.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT n FROM {table} ORDER BY n").scalars().all() == [1, 2]


def test_a_rollback_throws_away_what_the_transaction_wrote(engine, table):
    with engine.connect() as connection:
        connection.exec_driver_sql(f"INSERT INTO {table} VALUES (7)")
        connection.rollback()
        assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0


def test_ending_no_transaction_sends_nothing(engine, admin):
    """A connection whose server has gone: commit and rollback with nothing open don't notice, since they
    send nothing; with a transaction open they do."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        raw.commit()
        with admin.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
        wait_for(lambda: _gone(admin, pid), message="the backend did not end")
        raw.dbapi_connection.rollback()
        raw.dbapi_connection.commit()
        with pytest.raises(Exception):
            cursor.execute("SELECT 1")   # a transaction would begin: the server is gone
    finally:
        raw.invalidate()


def _pid(connection):
    return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_the_pre_ping_sends_nothing_to_the_server(engine):
    class Counting(psycopg2.extensions.connection):
        cursors = 0

        def cursor(self, *args, **kwargs):
            Counting.cursors += 1
            return super().cursor(*args, **kwargs)

    raw = psycopg2.connect(engine.url.render_as_string(hide_password=False).replace("+psycopg2", ""),
                           connection_factory=Counting)
    try:
        assert engine.dialect.do_ping(raw) is True
        assert Counting.cursors == 0   # SQLAlchemy's own ping opens a cursor and sends SELECT 1
    finally:
        raw.close()
    assert engine.dialect.do_ping(raw) is False


def test_a_connection_the_server_closed_is_replaced_before_it_is_used(engine, admin):
    with engine.connect() as connection:
        gone = _pid(connection)
    with admin.connect() as connection:
        assert connection.exec_driver_sql(f"SELECT pg_terminate_backend({gone})").scalar()
    wait_for(lambda: _gone(admin, gone), message="the backend did not end")
    with engine.connect() as connection:   # no error: the pool saw the server's goodbye and reconnected
        assert _pid(connection) != gone


def test_a_notification_on_an_idle_connection_does_not_close_it(engine, admin):
    with engine.connect() as connection:
        connection.exec_driver_sql("LISTEN pool_test")
        connection.commit()
        kept = _pid(connection)
    with admin.connect() as connection:
        connection.exec_driver_sql("NOTIFY pool_test")
    with engine.connect() as connection:
        assert _pid(connection) == kept



def _gone(admin, pid):
    with admin.connect() as connection:
        return not connection.exec_driver_sql(f"SELECT count(*) FROM pg_stat_activity WHERE pid = {pid}").scalar()


def _insert(table, n):
    return sa.text(f"INSERT INTO {table} VALUES (:n)").bindparams(n=n)


def _numbers(engine, table):
    with engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT n FROM {table} ORDER BY n").scalars().all()


def test_a_write_kept_for_the_commit_is_written_by_it(engine, table):
    with engine.begin() as connection:
        connection.execute(_insert(table, 1))
        connection.execute(_insert(table, 2), execution_options={"at_commit": True})
        assert connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 1   # not sent yet
    assert _numbers(engine, table) == [1, 2]


def test_a_write_kept_for_the_commit_can_open_the_transaction(engine, table):
    with engine.begin() as connection:
        connection.execute(_insert(table, 3), execution_options={"at_commit": True})
    assert _numbers(engine, table) == [3]


def test_a_rollback_drops_the_writes_kept_for_the_commit(engine, table):
    with engine.connect() as connection:
        connection.execute(_insert(table, 1))
        connection.execute(_insert(table, 2), execution_options={"at_commit": True})
        connection.rollback()
        connection.execute(_insert(table, 4))
        connection.commit()   # the dropped write does not come back with a later commit
    assert _numbers(engine, table) == [4]


def test_a_kept_write_that_fails_fails_the_commit_and_the_whole_transaction(engine, table):
    with engine.begin() as connection:
        connection.execute(_insert(table, 1))
    with pytest.raises(sa.exc.IntegrityError):
        with engine.begin() as connection:
            connection.execute(_insert(table, 2))
            connection.execute(_insert(table, 1), execution_options={"at_commit": True})   # a duplicate key
    assert _numbers(engine, table) == [1]   # 2 was rolled back with it
    with engine.begin() as connection:      # and the connection goes on
        connection.execute(_insert(table, 5))
    assert _numbers(engine, table) == [1, 5]


def test_a_session_whose_kept_write_fails_gives_back_a_connection_that_works(engine, table):
    with engine.begin() as connection:
        connection.execute(_insert(table, 1))
    with pytest.raises(sa.exc.IntegrityError), Session(engine) as session:
        session.connection().execute(_insert(table, 1), execution_options={"at_commit": True})
        session.commit()
    # The pool hands the same connection out again: its failed transaction was ended, not left aborted.
    with engine.connect() as connection:
        assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1


def test_reads_run_each_statement_alone_and_the_connection_begins_again_after(engine):
    database = ServiceDatabase(engine, engine, _tables(Base.metadata), "sample")
    with database.read() as session:
        assert session.execute(sa.text(SAME_MESSAGE)).scalar() is True
        assert session.execute(sa.text(SAME_MESSAGE)).scalar() is True   # no transaction: no BEGIN, no ROLLBACK
    test_the_transaction_begins_in_the_message_of_its_first_statement(engine)   # the same pooled connection
