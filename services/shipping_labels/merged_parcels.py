"""合单 (issue #23): orders packed in another order's parcel. picking_packing packs a merge group as one parcel and
says so in parcel_packed's `merged_orders`: that parcel is routed and labelled as the order's it names (one
waybill), the other orders wait in it (status `merged`, no label of their own), and the parcel's hand-over ships
every one of them (order_shipped for each, under the parcel's waybill)."""
from types import SimpleNamespace

from services.shipping_labels import storefront_tracking
from services.shipping_labels.storage import merged_parcels as stored
from services.shipping_labels.storage.history import note

MERGED = "merged"
NOT_LABELLED = ("awaiting_parcel", "awaiting_number", "unroutable")   # a label of its own would be voided first


def packed_into(uow, packed):
    """The parcel_packed's other orders are in its parcel: their shipments wait for its hand-over."""
    session, parcel, at = uow.session, packed["order_no"], packed["packed_at"]
    for order_no in packed.get("merged_orders") or []:
        stored.record(session, order_no, parcel, at)
        if stored.set_status(session, order_no, NOT_LABELLED, status=MERGED, weight_g=None, packed_at=at):
            note(session, order_no, "merged_into", at, packed["packer"], parcel_order_no=parcel)
        else:
            note(session, order_no, "merged_ignored", at, packed["packer"], parcel_order_no=parcel)


def shipped_with(uow, shipment, tracking_no, shipper, at):
    """The parcel was handed over: each order packed in it is shipped under its waybill."""
    session, shipped = uow.session, []
    for order_no in stored.merged_into(session, shipment.order_no):
        if not stored.set_status(session, order_no, (MERGED,), status="shipped", carrier=shipment.carrier,
                                 tracking_no=tracking_no, handed_over_at=at, shipper=shipper):
            continue
        note(session, order_no, "handed_over", at, shipper, tracking_no=tracking_no, parcel_order_no=shipment.order_no)
        uow.publish("order_shipped", {"order_no": order_no, "carrier": shipment.carrier, "tracking_no": tracking_no,
                                      "shipper": shipper, "shipped_at": at}, aggregate_id=order_no)
        storefront_tracking.tell_handed_over(uow, SimpleNamespace(order_no=order_no, carrier=shipment.carrier), tracking_no, at)
        shipped.append(order_no)
    return shipped

