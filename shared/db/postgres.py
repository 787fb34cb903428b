"""PostgreSQL connections that save round trips (issue #22).

Every statement is a round trip to the server, and under eventlet each one also costs the service a
switch through the hub. Two of every five were not the service's own: psycopg2 sends `BEGIN` on its
own before a transaction's first statement, and the pool's pre-ping sends `SELECT 1` at every
checkout. Here `BEGIN` travels in the same message as the first statement, and the pre-ping looks at
the socket instead of asking the server. And a write whose answer nobody reads in the transaction
(the outbox row, the remembered HTTP answer, the relay's mark) can wait for the commit and travel in
its message (`execution_options(at_commit=True)`). Transactions, isolation and errors are PostgreSQL's
as before: a write that fails at commit fails the commit, and the whole transaction is rolled back.
"""
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions as pg
import sqlalchemy as sa

try:   # the real poll(): eventlet's green select has none, and a zero timeout never needs the hub
    from eventlet.patcher import original
    _select = original("select")
except ImportError:   # pragma: no cover - eventlet is always installed here
    import select as _select

_IDLE = pg.TRANSACTION_STATUS_IDLE
_READS = 4


class BeginningCursor(pg.cursor):
    """Sends `BEGIN;` with the first statement of a transaction (one message, one round trip)."""

    def execute(self, query, vars=None):
        if self.connection.begins and self.connection.get_transaction_status() == _IDLE:
            if isinstance(query, str):
                query = "BEGIN;" + query
            else:
                super().execute("BEGIN")
        return super().execute(query, vars)

    def executemany(self, query, vars_list):
        if self.connection.begins and self.connection.get_transaction_status() == _IDLE:
            super().execute("BEGIN")
        return super().executemany(query, vars_list)


class OneTripConnection(pg.connection):
    """psycopg2's own transaction handling is off (autocommit), and this class does it instead: the
    first statement opens the transaction (`BeginningCursor`), commit and rollback end it, and with
    none open they send nothing, as psycopg2's do. Named (server-side) cursors are not supported."""
    begins = True   # False while reading (`statements_alone`): no transaction at all

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.autocommit = True
        self.cursor_factory = BeginningCursor
        self.at_commit = []   # statements (bytes, parameters bound) sent with the COMMIT

    def commit(self):
        writes, self.at_commit = self.at_commit, []
        if writes:
            idle = self.get_transaction_status() == _IDLE
            try:
                self._send((b"BEGIN;" if idle else b"") + b";".join(writes) + b";COMMIT")
            except BaseException:
                # A write that failed left the transaction open and aborted (the COMMIT behind it never
                # ran): end it here, or the pool would hand out a connection that refuses everything.
                self._end_failed()
                raise
        elif not self.closed and self.get_transaction_status() != _IDLE:
            self._send(b"COMMIT")

    def rollback(self):
        self.at_commit = []
        if not self.closed and self.get_transaction_status() != _IDLE:
            self._send(b"ROLLBACK")

    def _end_failed(self):
        try:
            self.rollback()
        except psycopg2.Error:   # the connection is gone: the pool's pre-ping replaces it
            pass

    def _send(self, command):
        cursor = pg.cursor(self)
        try:
            cursor.execute(command)
        finally:
            cursor.close()


@contextmanager
def statements_alone(connection):
    """Reads on `connection` (SQLAlchemy's) run each statement on its own, with no transaction around
    them: no BEGIN before and no ROLLBACK after, one round trip fewer. It changes nothing a reader
    sees: at READ COMMITTED, PostgreSQL's default and ours, every statement takes its own snapshot
    inside a transaction too. Other drivers (SQLite) keep their transaction."""
    dbapi_connection = connection.connection.dbapi_connection
    if not isinstance(dbapi_connection, OneTripConnection):
        yield connection
        return
    dbapi_connection.begins = False
    try:
        yield connection
    finally:
        dbapi_connection.begins = True


def deferring(do_execute):
    """The dialect's `do_execute`, keeping a statement run with `at_commit=True` for the COMMIT's message.
    Such a statement hands back no rows and no row count."""
    def execute(cursor, statement, parameters, context=None):
        if context is not None and context.execution_options.get("at_commit"):
            cursor.connection.at_commit.append(cursor.mogrify(statement, parameters))
        else:
            do_execute(cursor, statement, parameters, context)
    return execute


def idle_and_open(dbapi_connection):
    """The pool's pre-ping without a round trip.

    A pooled connection is idle, so the server sends nothing on it unless it is going away: a
    shutdown or a terminated backend sends a FATAL and closes, a crash or restart leaves EOF. Nothing
    to read means open. Anything to read is handed to the driver: an error or a FATAL means gone, and
    the pool opens a new connection before the unit of work starts; a notification is read and the
    connection kept.
    """
    if dbapi_connection.closed:
        return False
    poller = _select.poll()
    poller.register(dbapi_connection.fileno(), _select.POLLIN | _select.POLLERR | _select.POLLHUP)
    for _ in range(_READS):   # a goodbye reads as a FATAL notice first, then the end of the connection
        if not poller.poll(0):
            return not dbapi_connection.closed
        try:
            dbapi_connection.poll()
        except dbapi_connection.Error:
            return False
        if dbapi_connection.notices and dbapi_connection.notices[-1].startswith("FATAL"):
            return False   # the end of the connection may not have arrived yet
    return False   # still talking after that many reads: not a connection to hand out


def create_engine(url, **pool):
    """A PostgreSQL engine whose connections, pre-ping and executions save the round trips above."""
    engine = sa.create_engine(url, connect_args={"connection_factory": OneTripConnection}, **pool)
    engine.dialect.do_ping = idle_and_open
    engine.dialect.do_execute = deferring(engine.dialect.do_execute)
    return engine
