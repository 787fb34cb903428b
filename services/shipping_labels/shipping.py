"""Use cases of shipping labels, on a unit of work (no nameko here)."""
from services.shipping_labels.models import Shipment
from shared.timeutil import utcnow


def expect_shipment(uow, approved):
    """Walking skeleton: keep our copy of the order's address and COD amount (labels are issue #5)."""
    shipment = Shipment(order_no=approved["order_no"], status="awaiting_parcel",
                        recipient=dict(approved["shipping_address"]), payment_method=approved["payment_method"],
                        cod_amount=approved["cod_amount"], created_at=utcnow())
    uow.session.add(shipment)
    return shipment
