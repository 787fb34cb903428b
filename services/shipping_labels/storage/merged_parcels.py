"""Orders packed in another order's parcel (合单, issue #23): which parcel, and their shipments following it."""
import sqlalchemy as sa

from services.shipping_labels.models import MergedParcel, Shipment
from shared.db.unit_of_work import insert_ignoring_duplicates

_merged, _shipments = MergedParcel.__table__, Shipment.__table__


def record(session, order_no, parcel_order_no, at):
    connection = session.connection()
    connection.execute(insert_ignoring_duplicates(connection.dialect.name, _merged),
                       {"order_no": order_no, "parcel_order_no": parcel_order_no, "merged_at": at})


def set_status(session, order_no, from_statuses, **values):
    """Move the order's shipment only if it still stands at one of `from_statuses` (1 if it moved)."""
    return session.connection().execute(
        _shipments.update().where(_shipments.c.order_no == order_no, _shipments.c.status.in_(from_statuses))
        .values(**values)).rowcount


def merged_into(session, parcel_order_no):
    """The orders packed in the order's parcel."""
    return session.connection().execute(sa.select(_merged.c.order_no).where(
        _merged.c.parcel_order_no == parcel_order_no).order_by(_merged.c.order_no)).scalars().all()


def parcel_of(session, order_no):
    """The order whose parcel this order was packed in, or None."""
    return session.connection().execute(sa.select(_merged.c.parcel_order_no).where(
        _merged.c.order_no == order_no)).scalar()
