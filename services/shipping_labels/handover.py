"""Hand-over to the courier (发货): the scanned label must be the parcel's live label, one to one.

The floor's scanner (picking_packing) accepts a hand-over against its copy of our labels, which hears of a
void only when waybill_voided reaches it. A void made here in that window (a void at the desk, a correction's
re-route, a cancellation, a repack) meets a parcel already with the carrier: the scan is the fact, the parcel
travels under the voided number. That number becomes the parcel's label again, as printed (route, price,
recipient), a label issued since is voided, and the refused change is flagged on the shipment.
"""
from services.shipping_labels import ranges, waybills
from services.shipping_labels.history import note
from services.shipping_labels.labelling import retire_waybill
from services.shipping_labels.models import UnmatchedHandover
from services.shipping_labels.shipments import HANDED_OVER, locked, locked_row
from shared.errors import Conflict
from shared.timeutil import to_iso


def hand_over(uow, desk, scan):
    session = uow.session
    order_no, tracking_no, at = scan["order_no"], scan["tracking_no"], scan["handed_over_at"]
    shipment = locked_row(session, order_no)
    if shipment is not None and shipment.status in HANDED_OVER and shipment.tracking_no == tracking_no:
        return note(session, order_no, "handover_repeated", at, scan["shipper"], tracking_no=tracking_no)
    if shipment is not None and waybills.ship(session.connection(), order_no, tracking_no, at, scan["shipper"]):
        return _shipped(uow, shipment.carrier, scan)
    late_void = shipment is not None and shipment.status not in HANDED_OVER and waybills.voided(
        session, order_no, tracking_no)
    if late_void:
        return _overrule(uow, desk, late_void, scan)
    problem = _mismatch(desk, shipment, tracking_no) or f"{tracking_no} is not the order's live label"
    return _unmatched(session, desk, shipment, scan, problem)


def _shipped(uow, carrier, scan):
    order_no, at = scan["order_no"], scan["handed_over_at"]
    note(uow.session, order_no, "handed_over", at, scan["shipper"], tracking_no=scan["tracking_no"],
         station_id=scan["station_id"])
    uow.publish("order_shipped", {"order_no": order_no, "carrier": carrier, "tracking_no": scan["tracking_no"],
                                  "shipper": scan["shipper"], "shipped_at": at}, aggregate_id=order_no)


def _overrule(uow, desk, label, scan):
    """The parcel left under `label`, voided here after the floor's last word on it: the void is refused."""
    session, at, by = uow.session, scan["handed_over_at"], scan["shipper"]
    shipment = locked(session, label.order_no)
    refused = (f"{label.void_reason} ({to_iso(label.voided_at)}, {label.voided_by}): refused, the floor had "
               f"handed the parcel over under {label.tracking_no} at {to_iso(at)}")
    if shipment.status == "labelled":   # the label issued since is for a parcel that is gone
        retire_waybill(uow, desk, shipment, f"superseded: the parcel left under {label.tracking_no}", by, at)
    if not waybills.reinstate(session.connection(), label.order_no, label.tracking_no):
        raise Conflict(f"{label.tracking_no} is not a voided label of {label.order_no}", code="not_voided")
    shipment.carrier, shipment.service = label.carrier, label.service
    if label.recipient is not None:   # (labels issued before labels kept what they said have only the above)
        shipment.zone, shipment.cost, shipment.recipient = label.zone, label.cost, label.recipient
    shipment.tracking_no, shipment.status, shipment.handed_over_at, shipment.shipper = (
        label.tracking_no, "shipped", at, by)
    shipment.problem, shipment.waiting_since, shipment.change_refused = None, None, refused[:400]
    # A carrier with a web API was told of the void: someone has to settle that with it.
    note(session, label.order_no, "void_overruled", at, by, tracking_no=label.tracking_no,
         void_reason=label.void_reason, voided_by=label.voided_by, voided_at=label.voided_at,
         carrier_was_told=not desk.adapter(label.carrier).uses_ranges)
    session.flush()
    _shipped(uow, label.carrier, scan)


def _mismatch(desk, shipment, tracking_no):
    if shipment is None:
        return "no approved order with this number"
    if shipment.carrier and not desk.is_valid_number(shipment.carrier, tracking_no):
        return f"{tracking_no} is not a valid {shipment.carrier} number (check digit)"
    if shipment.status != "labelled":
        return f"the order has no live label (status {shipment.status})"
    if shipment.tracking_no != tracking_no:
        return f"{tracking_no} is not the order's live label {shipment.tracking_no} (voided or another parcel's)"
    return None


def _unmatched(session, desk, shipment, scan, problem):
    carrier = shipment.carrier if shipment is not None else _owner(session, desk, scan["tracking_no"])
    session.add(UnmatchedHandover(order_no=scan["order_no"], tracking_no=scan["tracking_no"][:60], carrier=carrier,
                                  shipper=scan["shipper"], handed_over_at=scan["handed_over_at"], reason=problem))
    if shipment is not None:
        note(session, shipment.order_no, "handover_unmatched", scan["handed_over_at"], scan["shipper"],
             tracking_no=scan["tracking_no"], problem=problem)


def _owner(session, desk, tracking_no):
    for carrier in desk.tariff.carriers:
        owner = ranges.owner_of(session, desk.number_format(carrier), tracking_no)
        if owner:
            return owner
    return None
