"""A row inserted unless its key is already there (no read-then-write race)."""
from shared.db.unit_of_work import insert_ignoring_duplicates


def insert_if_absent(uow, model, **values):
    """True when this call inserted the row."""
    dialect = uow.session.get_bind().dialect.name
    return uow.session.execute(insert_ignoring_duplicates(dialect, model.__table__).values(**values)).rowcount == 1
