"""Labelling (打单): route a weighed parcel, take a waybill number, and wait (never lose it) when there is none."""
from services.shipping_labels import ranges
from services.shipping_labels.storage import ranges as range_stock
from services.shipping_labels.storage import shipments, waybills
from services.shipping_labels.storage.history import note
from services.shipping_labels.tariff import NoCarrier, Parcel
from shared.errors import Conflict, RuleViolation

LABELLABLE = ("awaiting_parcel", "awaiting_number", "unroutable", "labelled")


class ShipmentNotKnownYet(Exception):
    """parcel_packed before order_approved reached us: retried until it has."""


def expect_shipment(uow, approved, now):
    created = shipments.insert_if_new(uow.session, {
        "order_no": approved["order_no"], "status": "awaiting_parcel", "recipient": dict(approved["shipping_address"]),
        "lines": [{"sku": line["sku"], "name": line["name"], "qty": line["qty"]} for line in approved["lines"]],
        "payment_method": approved["payment_method"], "cod_amount": approved["cod_amount"], "created_at": now,
        "reprint_count": 0, "chosen_carrier": approved.get("courier")})
    if not created:   # approved again: our copy stands
        note(uow.session, approved["order_no"], "approved_again", now, approved["reviewer"])


def parcel_packed(uow, settings, packed):
    session, now = uow.session, packed["packed_at"]
    shipment = shipments.locked_row(session, packed["order_no"])
    if shipment is None:
        raise ShipmentNotKnownYet(packed["order_no"])
    if shipment.status not in LABELLABLE:
        return note(session, shipment.order_no, "packed_ignored", now, packed["packer"], status=shipment.status)
    shipment.weight_g, shipment.packed_at = packed["weight_g"], now
    note(session, shipment.order_no, "packed", now, packed["packer"], weight_g=packed["weight_g"])
    # Packed again (re-check): the old label no longer fits the parcel.
    relabel(uow, settings, shipment, "repacked", packed["packer"], now)
    shipment.save(session)


def relabel(uow, settings, shipment, reason, by, now):
    """Route the parcel again (carrier and price from the tariff, for its weight and address) and give it a
    label; a label it had is voided first."""
    if shipment.status == "labelled":
        retire_waybill(uow, settings, shipment, reason, by, now)
    if route(uow.session, settings, shipment, now):
        issue_label(uow, settings, shipment, now)


def route(session, settings, shipment, now):
    parcel = Parcel(shipment.recipient["province"], shipment.weight_g, shipment.payment_method == "cod")
    try:
        chosen = settings.carriers.tariff.route(parcel, preferred=shipment.chosen_carrier)
    except NoCarrier as exc:
        shipment.status, shipment.problem = "unroutable", str(exc)
        note(session, shipment.order_no, "unroutable", now, reason=str(exc))
        return None
    shipment.carrier, shipment.service, shipment.zone, shipment.cost = (
        chosen.carrier, chosen.service, chosen.zone, chosen.cost)
    shipment.problem = None
    note(session, shipment.order_no, "routed", now, carrier=chosen.carrier, service=chosen.service,
         zone=chosen.zone, cost=chosen.cost, rule=chosen.rule)
    if shipment.chosen_carrier and chosen.carrier != shipment.chosen_carrier:
        # The packed parcel is more than the approved courier takes (heavier than the goods' weight said).
        note(session, shipment.order_no, "chosen_courier_cannot_take", now, carrier=shipment.chosen_carrier)
    return chosen


def issue_label(uow, settings, shipment, now):
    """Give the shipment a new waybill number, or leave it waiting for one."""
    session, adapter = uow.session, settings.carriers.adapter(shipment.carrier)
    tracking_no, left_in_range = adapter.issue(session, shipment)
    if tracking_no is None:
        return _wait_for_number(uow, settings, shipment, now)
    waybills.insert(session, {
        "tracking_no": tracking_no, "order_no": shipment.order_no, "carrier": shipment.carrier,
        "service": shipment.service, "zone": shipment.zone, "cost": shipment.cost,
        "recipient": dict(shipment.recipient), "status": "active", "issued_at": now})
    shipment.tracking_no, shipment.status, shipment.waiting_since = tracking_no, "labelled", None
    note(session, shipment.order_no, "labelled", now, tracking_no=tracking_no, carrier=shipment.carrier)
    uow.publish("waybill_issued", {
        "order_no": shipment.order_no, "carrier": shipment.carrier, "service": shipment.service,
        "tracking_no": tracking_no, "weight_g": shipment.weight_g, "cost": shipment.cost,
        "cod_amount": shipment.cod_amount, "issued_at": now}, aggregate_id=shipment.order_no)
    if left_in_range is not None and left_in_range <= settings.low_threshold:
        # The carrier's whole stock can only be low when this range is: count it only then.
        left = range_stock.remaining(session, shipment.carrier)
        if ranges.alert_due(left + 1, left, settings.low_threshold):
            _range_low(uow, shipment.carrier, left)
    return tracking_no


def _wait_for_number(uow, settings, shipment, now):
    session = uow.session
    others_waiting = shipments.others_waiting(session, shipment.carrier, shipment.order_no)
    if shipment.status != "awaiting_number":
        note(session, shipment.order_no, "awaiting_number", now, carrier=shipment.carrier)
    shipment.status, shipment.waiting_since = "awaiting_number", shipment.waiting_since or now
    # An exhausted range alerted when it ran out; a carrier that never had numbers alerts here, once.
    never_had_numbers = (settings.carriers.adapter(shipment.carrier).uses_ranges
                         and not range_stock.ever_loaded(session, shipment.carrier))
    if never_had_numbers and not others_waiting:
        _range_low(uow, shipment.carrier, 0)
    return None


def _range_low(uow, carrier, remaining):
    uow.publish("waybill_range_low", {"carrier": carrier, "remaining": remaining}, aggregate_id=carrier)


def retire_waybill(uow, settings, shipment, reason, by, now):
    """The number is retired (it stays in `waybills`, so it is never issued to another parcel).

    A hand-over of the same label excludes it (storage/waybills.py): a label handed over first is not voided."""
    tracking_no = shipment.tracking_no
    if not waybills.take_off(uow.session, shipment.order_no, tracking_no, reason, by, now):
        raise Conflict(f"{tracking_no} is no longer the live label of order {shipment.order_no}: it was handed "
                       "over", code="already_handed_over", tracking_no=tracking_no)
    settings.carriers.adapter(shipment.carrier).void(uow.session, tracking_no, reason)
    shipment.tracking_no = None
    note(uow.session, shipment.order_no, "voided", now, by, tracking_no=tracking_no, reason=reason)
    uow.publish("waybill_voided", {"order_no": shipment.order_no, "tracking_no": tracking_no,
                                   "reason": reason, "by": by}, aggregate_id=shipment.order_no)


def load_range(uow, settings, body, by, now):
    """An operator loads a carrier's range; parcels waiting for numbers are labelled from it at once."""
    carrier = body["carrier"]
    if carrier not in settings.carriers.tariff.carriers or not settings.carriers.adapter(carrier).uses_ranges:
        raise RuleViolation(f"{carrier} does not take numbers from ranges", code="unknown_carrier",
                            fields={"carrier": ["not a range carrier"]})
    block = ranges.load_range(uow.session, settings.carriers.number_format(carrier), carrier, body["first_number"],
                              body["last_number"], by, now)
    labelled = resume_waiting(uow, settings, carrier, now)
    if labelled:
        uow.session.expire(block)   # numbers were taken from it by Core statements: reload what is left
    left = range_stock.remaining(uow.session, carrier)
    if left <= settings.low_threshold:
        _range_low(uow, carrier, left)   # still short after loading: warn now, not at the next label
    return block, labelled


def resume_waiting(uow, settings, carrier, now):
    """Label waiting parcels, first come first served, while numbers last."""
    labelled = []
    for shipment in shipments.waiting_locked(uow.session, carrier):
        if issue_label(uow, settings, shipment, now) is None:
            break
        labelled.append(shipment.order_no)
    return labelled
