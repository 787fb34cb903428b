"""Everything a service has stored, to show a refused request changed nothing."""
import sqlalchemy as sa


def stored(service):
    """{table: sorted rows} over every table of the service, plumbing included."""
    with service.db.read() as session:
        return {table.name: sorted(map(repr, session.execute(sa.select(*_stable(table))).all()))
                for table in service.base.metadata.sorted_tables}


def _stable(table):
    """The relay marks rows sent whenever it gets to them: not a change the request made."""
    return [column for column in table.columns if not (table.name == "outbox" and column.name == "published_at")]


def row_counts(snapshot):
    return {name: len(rows) for name, rows in snapshot.items() if rows}
