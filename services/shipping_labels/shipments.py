"""Finding shipments, locked for change when a use case will modify them."""
import sqlalchemy as sa

from services.shipping_labels.models import Shipment
from shared.errors import NotFound

HANDED_OVER = ("shipped", "delivered", "returned")

# Built once: every parcel event locks its shipment, and building the statement cost as much as running it.
_LOCKED = sa.select(Shipment).where(Shipment.order_no == sa.bindparam("order_no")).with_for_update()


def locked(session, order_no, missing_ok=False):
    shipment = session.scalar(_LOCKED, {"order_no": order_no})
    if shipment is None and not missing_ok:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return shipment


def get(session, order_no):
    shipment = session.get(Shipment, order_no)
    if shipment is None:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return shipment


# Labelling a packed parcel and handing it over are the service's hottest paths: the row is read (and, for
# labelling, written back) with prepared Core statements instead of an ORM object, whose loading and
# flushing cost more than the SQL.
_shipments = Shipment.__table__
_LABELLING_COLUMNS = ("status", "carrier", "service", "zone", "cost", "weight_g", "packed_at", "tracking_no",
                      "waiting_since", "problem")
_LOCKED_ROW = sa.select(_shipments).where(_shipments.c.order_no == sa.bindparam("order_no")).with_for_update()
_SAVE_ROW = (_shipments.update().where(_shipments.c.order_no == sa.bindparam("for_order_no"))
             .values({name: sa.bindparam(name) for name in _LABELLING_COLUMNS}))


class ShipmentRow:
    """A locked shipment as a plain object with the model's attribute names; `save` writes back the
    columns labelling may change."""

    def __init__(self, row):
        self.__dict__.update(row._mapping)

    def save(self, session):
        session.connection().execute(_SAVE_ROW, {"for_order_no": self.order_no,
                                                 **{name: getattr(self, name) for name in _LABELLING_COLUMNS}})


def locked_row(session, order_no):
    """The shipment locked for change as a ShipmentRow, or None."""
    row = session.connection().execute(_LOCKED_ROW, {"order_no": order_no}).first()
    return None if row is None else ShipmentRow(row)
