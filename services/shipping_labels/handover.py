"""Hand-over to the courier (发货): the shipper scans the parcel's label at the dock (POST /handovers).

The scan is decided here, where labels are issued and voided, so a void (POST /void, a correction's re-route, a
cancellation, a repack) and the hand-over of the same label exclude each other in one database (storage/waybills.py):
a handed-over parcel can't be voided (409 already_handed_over, labelling.retire_waybill), a voided number
can't be handed over (409 waybill_voided, with the void's reason and the label to scan instead). Refusals are
answered, not raised: the outcome and its answer go back to the edge (http/shipments.py), which stores them under
the scan's id, so a retried scan gets the same answer.
"""
from services.shipping_labels import merged_parcels, storefront_tracking
from services.shipping_labels.storage import waybills
from services.shipping_labels.storage.history import note
from services.shipping_labels.storage.shipments import locked_row
from shared.timeutil import to_iso

HANDED_OVER = ("shipped", "delivered", "returned")   # with the carrier, or back from it: nothing changes now

# What a scan comes to (the edge answers 200, 404, 409).
SHIPPED, NEVER_ISSUED, REFUSED = "shipped", "never_issued", "refused"


def dock_scan(uow, scan, shipper, now):
    """(outcome, answer) for one hand-over scan {scan_id, tracking_no, station_id}: SHIPPED, NEVER_ISSUED
    (the number was not issued here) or REFUSED (the answer says why)."""
    session, tracking_no = uow.session, scan["tracking_no"]
    issued = waybills.label(session, tracking_no)
    if issued is None:
        return NEVER_ISSUED, {"error": "unknown_tracking_no",
                              "message": f"tracking number {tracking_no} was not issued here",
                              "tracking_no": tracking_no, "next": "scan the parcel's current waybill"}
    shipment = locked_row(session, issued.order_no)
    if waybills.ship(session, shipment.order_no, tracking_no, now, shipper):
        return SHIPPED, _shipped(uow, shipment, scan, shipper, now)
    # Read again under the shipment's lock: as the void (or hand-over) that came first left it.
    return REFUSED, _refused(session, shipment, waybills.label(session, tracking_no), scan, shipper, now)


def _shipped(uow, shipment, scan, shipper, now):
    order_no, tracking_no = shipment.order_no, scan["tracking_no"]
    note(uow.session, order_no, "handed_over", now, shipper, tracking_no=tracking_no, station_id=scan["station_id"])
    uow.publish("order_shipped", {"order_no": order_no, "carrier": shipment.carrier, "tracking_no": tracking_no,
                                  "shipper": shipper, "shipped_at": now}, aggregate_id=order_no)
    storefront_tracking.tell_handed_over(uow, shipment, tracking_no, now)
    merged = merged_parcels.shipped_with(uow, shipment, tracking_no, shipper, now)   # 合单: the orders in it
    return {"result": "handed_over", "order_no": order_no, "tracking_no": tracking_no, "carrier": shipment.carrier,
            "status": "shipped", **({"merged_orders": merged} if merged else {})}


def _refused(session, shipment, label, scan, shipper, now):
    code, message, params = _why_not(shipment, label, scan["tracking_no"])
    note(session, shipment.order_no, "handover_refused", now, shipper, tracking_no=scan["tracking_no"],
         station_id=scan["station_id"], error=code, reason=message)
    live = shipment.tracking_no if shipment.status == "labelled" else None
    return {"error": code, "message": message, "order_no": shipment.order_no, "tracking_no": scan["tracking_no"],
            "carrier": shipment.carrier, "status": shipment.status, "live_tracking_no": live,
            "next": _next_step(shipment), **params}


def _why_not(shipment, label, tracking_no):
    """(code, message, params): the params let a screen say it in its own words (the message is for logs)."""
    if label.status == "voided":
        params = {"void_reason": label.void_reason, "voided_by": label.voided_by,
                  "voided_at": to_iso(label.voided_at)}
        return "waybill_voided", (f"waybill {tracking_no} was voided: {label.void_reason} "
                                  f"({label.voided_by}, {params['voided_at']})"), params
    if shipment.status in HANDED_OVER:
        params = {"shipper": shipment.shipper, "handed_over_at": to_iso(shipment.handed_over_at)}
        return "already_handed_over", (f"{tracking_no} was handed over by {shipment.shipper} at "
                                       f"{params['handed_over_at']}"), params
    return "not_labelled", f"order {shipment.order_no} has no live label (status {shipment.status})", {}


def _next_step(shipment):
    if shipment.status == "labelled":
        return f"print the parcel's live label {shipment.tracking_no}, stick it on and scan it"
    if shipment.status in HANDED_OVER:
        return f"nothing: the parcel left under {shipment.tracking_no}"
    return f"keep the parcel: the order is {shipment.status}"
