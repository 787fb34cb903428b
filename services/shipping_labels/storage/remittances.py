"""Remittance statements in the database: stored once (known by their fingerprint), and what reconciling a
carrier's statements reads."""
import sqlalchemy as sa

from services.shipping_labels.models import RemittanceLine, RemittanceStatement, Shipment
from services.shipping_labels.reconciliation import Line, Parcel
from shared.db.unit_of_work import insert_ignoring_duplicates

_statements = RemittanceStatement.__table__
_PARCEL = (Shipment.order_no, Shipment.tracking_no, Shipment.carrier, Shipment.payment_method, Shipment.cod_amount,
           Shipment.status, Shipment.delivered_at)


def store(session, values, lines):
    """-> (statement, created): the statement with its lines, unless one with its fingerprint is stored."""
    created = session.execute(insert_ignoring_duplicates(session.bind.dialect.name, _statements)
                              .values(**values)).rowcount
    statement = session.scalar(sa.select(RemittanceStatement)
                               .where(RemittanceStatement.fingerprint == values["fingerprint"]))
    if created:
        session.execute(sa.insert(RemittanceLine.__table__), [
            {"statement_id": statement.id, "row_no": line.row_no, "tracking_no": line.tracking_no,
             "amount": line.amount, "remitted_on": line.remitted_on} for line in lines])
    return statement, bool(created)


def lines_of(session, carrier):
    """The carrier's statement lines in import order, then by row."""
    return [Line(**row._mapping) for row in session.execute(
        sa.select(RemittanceLine.id, RemittanceLine.statement_id, RemittanceLine.row_no, RemittanceLine.tracking_no,
                  RemittanceLine.amount, RemittanceLine.remitted_on)
        .join(_statements, _statements.c.id == RemittanceLine.statement_id).where(_statements.c.carrier == carrier)
        .order_by(RemittanceLine.statement_id, RemittanceLine.row_no, RemittanceLine.id))]


def parcels_named(session, carrier):
    """The parcels the carrier's statement lines name."""
    return _parcels(session, sa.select(*_PARCEL).distinct()
                    .join(RemittanceLine, RemittanceLine.tracking_no == Shipment.tracking_no)
                    .join(_statements, _statements.c.id == RemittanceLine.statement_id)
                    .where(_statements.c.carrier == carrier))


def delivered_cod_parcels(session, carrier):
    return _parcels(session, sa.select(*_PARCEL).where(
        Shipment.carrier == carrier, Shipment.payment_method == "cod", Shipment.status == "delivered"))


def _parcels(session, query):
    return [Parcel(**row._mapping) for row in session.execute(query)]


def recent_statements(session, carrier, limit=20):
    return session.scalars(sa.select(RemittanceStatement).where(RemittanceStatement.carrier == carrier)
                           .order_by(RemittanceStatement.id.desc()).limit(limit)).all()
