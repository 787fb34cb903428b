"""Finding shipments, locked for change when a use case will modify them."""
import sqlalchemy as sa

from services.shipping_labels.models import Shipment
from shared.errors import NotFound

HANDED_OVER = ("shipped", "delivered", "returned")


def locked(session, order_no, missing_ok=False):
    shipment = session.scalar(sa.select(Shipment).where(Shipment.order_no == order_no).with_for_update())
    if shipment is None and not missing_ok:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return shipment


def get(session, order_no):
    shipment = session.get(Shipment, order_no)
    if shipment is None:
        raise NotFound(f"no shipment for order {order_no}", code="unknown_order")
    return shipment
