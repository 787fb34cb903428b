"""Engines for SQLite (development default, WAL) and PostgreSQL (production).

SQLite allows one writer at a time. Under eventlet a writer that waits in
SQLite's C busy-loop blocks every green thread, including the one holding the
lock, so writes in one process are serialised by a green lock instead, and
`BEGIN IMMEDIATE` takes the file lock up front (no upgrade deadlocks).
"""
import threading

import sqlalchemy as sa
from sqlalchemy import event

from shared.db import postgres

_write_locks = {}
_write_locks_guard = threading.Lock()


def normalize_url(url):
    """`postgresql://` means psycopg2 here: psycogreen makes it cooperate with eventlet."""
    url = str(url)
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg2://" + url.split("://", 1)[1]
    return url


def is_sqlite(url):
    return str(url).startswith("sqlite")


def write_lock(url):
    """One lock per SQLite database per process; PostgreSQL needs none."""
    if not is_sqlite(url):
        return None
    with _write_locks_guard:
        return _write_locks.setdefault(str(url), threading.RLock())


def _sqlite_engine(url, begin, pooled=True):
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                              **({} if pooled else {"poolclass": sa.pool.NullPool}))

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    # Our BEGIN is issued where the driver's would be, so SQLAlchemy still wraps its errors ("database
    # is locked" is an OperationalError, retried as transient). A 'begin' event listener did the same,
    # but any connection event makes SQLAlchemy dispatch events around every statement too.
    engine.dialect.do_begin = lambda dbapi_connection: dbapi_connection.execute(begin)
    return engine


def make_engines(url, pooled=True, connections=5):
    """(writer, reader) engines. On PostgreSQL both are the same engine, keeping up to
    `connections` open: a service passes its MAX_WORKERS plus its relay's, so that under load no
    connection is opened and closed per transaction (a PostgreSQL backend costs milliseconds of
    CPU to start). Six services at the default 10 workers keep at most 72 of PostgreSQL's 100."""
    url = normalize_url(url)
    if is_sqlite(url):
        return _sqlite_engine(url, "BEGIN IMMEDIATE", pooled), _sqlite_engine(url, "BEGIN", pooled)
    pool = {"pool_size": connections, "max_overflow": 2, "pool_pre_ping": True} if pooled \
        else {"poolclass": sa.pool.NullPool}
    engine = postgres.create_engine(url, **pool)
    return engine, engine

