"""Changes to a labelled parcel: void and relabel, reprint, address corrections, interceptions, cancellations."""
from services.shipping_labels.handover import HANDED_OVER
from services.shipping_labels.labelling import issue_label, relabel, retire_waybill
from services.shipping_labels.storage.history import note
from services.shipping_labels.storage.shipments import count_reprint, locked
from shared.errors import Conflict
from shared.timeutil import to_iso

AFTER_SALES = "the parcel is already with the carrier: an interception goes through after-sales (售后)"
# What the carrier and the price depend on, and the sorting code printed large: a change re-routes the parcel.
DESTINATION = ("province", "city", "district", "line1", "postcode")
REROUTABLE = ("labelled", "awaiting_number", "unroutable")   # weighed: routed (or tried) already


def void_label(uow, settings, order_no, reason, by, now):
    """Before hand-over only: the number is retired and a new label issued at once."""
    shipment = locked(uow.session, order_no)
    if shipment.status in HANDED_OVER:
        raise Conflict(AFTER_SALES, code="already_handed_over", tracking_no=shipment.tracking_no)
    if shipment.status != "labelled":
        raise Conflict(f"order {order_no} has no label to void (status {shipment.status})", code="no_label")
    retire_waybill(uow, settings, shipment, reason, by, now)
    issue_label(uow, settings, shipment, now)
    return shipment


def reprint(uow, order_no, reason, by, now):
    """Counted: who reprinted, why, and how many times (a label printed twice can ship twice)."""
    session = uow.session
    counted = count_reprint(session, order_no)
    shipment = locked(session, order_no)
    if not counted:
        raise Conflict(f"order {order_no} has no live label to reprint (status {shipment.status})",
                       code="no_label")
    session.refresh(shipment)
    note(session, order_no, "reprinted", now, by, tracking_no=shipment.tracking_no, reason=reason,
         count=shipment.reprint_count)
    uow.publish("label_reprinted", {"order_no": order_no, "tracking_no": shipment.tracking_no, "by": by,
                                    "reason": reason, "count": shipment.reprint_count}, aggregate_id=order_no)
    return shipment


def correct_address(uow, settings, corrected, now):
    """Our copy follows the reviewer's correction until the hand-over. A new destination re-routes a weighed
    parcel (carrier and price chosen again, its label voided and a new one issued); a new name or phone only
    needs the label reprinted. After the hand-over nothing changes: the correction is refused, visibly."""
    session, order_no = uow.session, corrected["order_no"]
    shipment = locked(session, order_no, missing_ok=True)
    if shipment is None:   # corrected while held, before approval: order_approved will carry the new address
        return None
    changes = [dict(change) for change in corrected["changes"]]
    if shipment.status in HANDED_OVER:
        shipment.change_refused = (
            f"address correction by {corrected['reviewer']} refused: the parcel was handed over to "
            f"{shipment.carrier} under {shipment.tracking_no} at {to_iso(shipment.handed_over_at)}; an "
            "interception goes through after-sales (售后)")
        return note(session, order_no, "correction_refused", corrected["corrected_at"], corrected["reviewer"],
                    changes=changes, reason=shipment.change_refused)
    shipment.recipient = dict(corrected["shipping_address"])
    reroute = shipment.status in REROUTABLE and any(change["field"] in DESTINATION for change in changes)
    note(session, order_no, "address_corrected", corrected["corrected_at"], corrected["reviewer"], changes=changes,
         action="re-route" if reroute else {"labelled": "reprint the label"}.get(shipment.status, "none"))
    if reroute:
        relabel(uow, settings, shipment, "address corrected", corrected["reviewer"], now)
    return shipment


def record_interception(uow, settings, requested, now):
    """Recorded on the shipment; the carrier is asked by after-sales. A number that fails its check is flagged."""
    shipment = locked(uow.session, requested["order_no"])
    tracking_no = requested["tracking_no"]
    valid = (bool(tracking_no) and shipment.carrier is not None
             and settings.carriers.is_valid_number(shipment.carrier, tracking_no))
    note(uow.session, shipment.order_no, "interception_requested", now, requested["by"],
         case_id=requested["case_id"], tracking_no=tracking_no, tracking_no_valid=valid,
         matches_label=tracking_no == shipment.tracking_no)


def cancel(uow, settings, cancelled, now):
    """A refund before hand-over stops the parcel: its label, if any, is voided."""
    shipment = locked(uow.session, cancelled["order_no"], missing_ok=True)
    if shipment is None:   # cancelled before approval reached us: nothing to stop
        return note(uow.session, cancelled["order_no"], "cancelled", now, cancelled["by"], reason=cancelled["reason"])
    if shipment.status in HANDED_OVER:
        return note(uow.session, shipment.order_no, "cancel_after_handover", now, cancelled["by"])
    if shipment.status == "labelled":
        retire_waybill(uow, settings, shipment, "order cancelled", cancelled["by"], now)
    shipment.status = "cancelled"
    note(uow.session, shipment.order_no, "cancelled", now, cancelled["by"], reason=cancelled["reason"])
