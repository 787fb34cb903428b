"""A row inserted unless its key is already there (no read-then-write race)."""
from functools import lru_cache

from shared.db.unit_of_work import insert_ignoring_duplicates


@lru_cache(maxsize=None)
def _insert_ignoring_duplicates(dialect, table):
    # Built once per table: building the statement per row cost more than running it.
    return insert_ignoring_duplicates(dialect, table)


def insert_if_absent(uow, model, **values):
    """True when this call inserted the row."""
    connection = uow.session.connection()
    statement = _insert_ignoring_duplicates(connection.dialect.name, model.__table__)
    return connection.execute(statement, values).rowcount == 1
