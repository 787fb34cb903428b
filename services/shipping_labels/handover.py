"""Hand-over to the courier (发货): the scanned label must be the parcel's live label, one to one."""
import sqlalchemy as sa

from services.shipping_labels import ranges
from services.shipping_labels.history import note
from services.shipping_labels.models import Shipment, UnmatchedHandover
from services.shipping_labels.shipments import HANDED_OVER, locked_row

# Prepared Core statements: a hand-over reads a few columns and changes three, so no ORM object is needed.
_shipments = Shipment.__table__
_SHIP = (_shipments.update()
         .where(_shipments.c.order_no == sa.bindparam("for_order_no"), _shipments.c.status == "labelled")
         .values(status="shipped", handed_over_at=sa.bindparam("handed_over_at"), shipper=sa.bindparam("shipper")))


def hand_over(uow, desk, scan):
    session = uow.session
    order_no, tracking_no, at = scan["order_no"], scan["tracking_no"], scan["handed_over_at"]
    shipment = locked_row(session, order_no)
    if shipment is not None and shipment.status in HANDED_OVER and shipment.tracking_no == tracking_no:
        return note(session, order_no, "handover_repeated", at, scan["shipper"], tracking_no=tracking_no)
    problem = _mismatch(desk, shipment, tracking_no)
    if problem:
        return _unmatched(session, desk, shipment, scan, problem)
    session.connection().execute(_SHIP, {"for_order_no": order_no, "handed_over_at": at, "shipper": scan["shipper"]})
    note(session, order_no, "handed_over", at, scan["shipper"], tracking_no=tracking_no,
         station_id=scan["station_id"])
    uow.publish("order_shipped", {"order_no": order_no, "carrier": shipment.carrier, "tracking_no": tracking_no,
                                  "shipper": scan["shipper"], "shipped_at": at}, aggregate_id=order_no)


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
