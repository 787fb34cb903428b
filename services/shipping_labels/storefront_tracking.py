"""物流回传: a parcel's waybill told to the storefront (`tracking_updated`, contracts/storefront_feed.py), so the
platform and the buyer see it: at the hand-over to the carrier, then with every carrier scan recorded here.

The storefront gets an event of its own rather than `order_shipped` and the parcel events: those are the suite's
internal facts (they carry the shipper's staff id, and change with the services that consume them), and they
tell only the scans that matter to after-sales; the storefront's contract is fixed, and shows the buyer every scan.
"""
from contracts.storefront_feed import HANDED_OVER


def tell_handed_over(uow, shipment, tracking_no, at):
    _tell(uow, shipment.order_no, shipment.carrier, tracking_no, HANDED_OVER, at, None)


def tell_scan(uow, shipment, scan):
    _tell(uow, shipment.order_no, shipment.carrier, scan["tracking_no"], scan["status"], scan["occurred_at"],
          scan.get("location"))


def _tell(uow, order_no, carrier, tracking_no, status, at, location):
    uow.publish("tracking_updated", {"order_no": order_no, "carrier": carrier, "tracking_no": tracking_no,
                                     "status": status, "at": at, "location": location}, aggregate_id=order_no)
