"""A parcel's live label between its issue and the hand-over: voiding it and handing it over exclude each other.

Both are decided here, in this service's database (the hand-over scan comes to POST /handovers, not through
another service's copy of our labels). Both take the label with one guarded UPDATE of the shipment row (the
live label is `tracking_no` while the status is `labelled`). Whichever commits first takes it; the other then
changes no row and is refused. On PostgreSQL the second UPDATE waits for the first one's row lock and re-reads
the row; on SQLite writers take turns. The row lock the use cases take first only makes their messages
precise: the UPDATE decides.
"""
import sqlalchemy as sa

from services.shipping_labels.models import Shipment, Waybill

_shipments, _waybills = Shipment.__table__, Waybill.__table__
_LIVE = (_shipments.c.order_no == sa.bindparam("for_order_no"), _shipments.c.status == "labelled",
         _shipments.c.tracking_no == sa.bindparam("live"))
_TAKE_OFF = _shipments.update().where(*_LIVE).values(tracking_no=None)
_SHIP = _shipments.update().where(*_LIVE).values(status="shipped", handed_over_at=sa.bindparam("handed_over_at"),
                                                  shipper=sa.bindparam("shipper"))
_VOID = (_waybills.update().where(_waybills.c.tracking_no == sa.bindparam("number"), _waybills.c.status == "active")
         .values(status="voided", voided_at=sa.bindparam("voided_at"), void_reason=sa.bindparam("reason"),
                 voided_by=sa.bindparam("by")))
_LABEL = sa.select(_waybills.c.order_no, _waybills.c.status, _waybills.c.void_reason, _waybills.c.voided_at,
                   _waybills.c.voided_by).where(_waybills.c.tracking_no == sa.bindparam("number"))
_INSERT = sa.insert(_waybills)


def take_off(session, order_no, tracking_no, reason, by, now):
    """Void the order's live label: False (nothing changed) when it is not live any more (handed over)."""
    connection = session.connection()
    if not connection.execute(_TAKE_OFF, {"for_order_no": order_no, "live": tracking_no}).rowcount:
        return False
    connection.execute(_VOID, {"number": tracking_no, "voided_at": now, "reason": reason, "by": by})
    return True


def ship(session, order_no, tracking_no, at, shipper):
    """Hand the order's live label over: False when it is not live (voided, or not this order's)."""
    return bool(session.connection().execute(_SHIP, {"for_order_no": order_no, "live": tracking_no,
                                                     "handed_over_at": at, "shipper": shipper}).rowcount)


def label(session, tracking_no):
    """The waybill `tracking_no` as issued here (order_no, status, void_reason, voided_at, voided_by), or None."""
    return session.connection().execute(_LABEL, {"number": tracking_no}).first()


def insert(session, values):
    """A waybill just issued (one prepared Core INSERT)."""
    session.connection().execute(_INSERT, values)


def by_tracking_no(session, tracking_no):
    return session.scalar(sa.select(Waybill).where(Waybill.tracking_no == tracking_no))
