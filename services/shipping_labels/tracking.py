"""Carrier scans pushed to us: checked, recorded once each, and the ones that matter are told to the
other services. A scan writes a parcel's history (a delivery opens returns, sets a COD order's paid
amount): a carrier may write only its own parcels', dated between the hand-over and now."""
from datetime import timedelta

from contracts.storefront_feed import CARRIER_STATUSES
from services.shipping_labels import storefront_tracking
from services.shipping_labels.storage import tracking as scans
from services.shipping_labels.storage.history import note
from services.shipping_labels.storage.merged_parcels import merged_into
from services.shipping_labels.storage.shipments import get, locked
from services.shipping_labels.storage.waybills import by_tracking_no
from shared.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from shared.timeutil import to_iso

STATUSES = CARRIER_STATUSES   # what a carrier may push: each is told to the storefront as it is
TERMINAL = {"delivered": "delivered", "returned_to_sender": "returned"}
# Stopped by the carrier (拦截成功) or on its way back to us (退回中): the goods are secured against a
# refund, but the parcel still travels; a later `delivered` (the interception failed) is still told.
COMING_BACK = ("intercepted", "returning")
# How far ahead of our clock a carrier's scan may be dated (their device clocks drift a little).
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)


def record(uow, settings, scan, now, carrier=None):
    """-> (recorded: bool, shipment). `carrier`: the carrier the caller speaks for (None: staff, any
    parcel). A scan already stored is not applied twice."""
    session, tracking_no = uow.session, scan["tracking_no"]
    waybill = by_tracking_no(session, tracking_no)
    if waybill is None:
        _reject_unknown(settings, tracking_no)
    if carrier is not None and waybill.carrier != carrier:
        # Nothing about the parcel (its order, its carrier, its state) goes to another carrier.
        raise PermissionDenied(f"{tracking_no} is not one of your parcels", code="not_your_parcel")
    if waybill.status != "active":
        raise Conflict(f"{tracking_no} was voided; the parcel travels under another number", code="voided")
    shipment = locked(session, waybill.order_no)
    if shipment.handed_over_at is None:
        raise Conflict(f"{tracking_no} has not been handed over to the carrier yet", code="not_handed_over")
    problem = date_problem(scan["occurred_at"], shipment.handed_over_at, now, settings.tracking_clock_skew)
    if problem:
        raise RuleViolation(f"{tracking_no}: the scan is dated {problem}", code="implausible_date",
                            fields={"occurred_at": [problem]})
    stored = scans.insert_if_new(session, dict(
        tracking_no=tracking_no, order_no=shipment.order_no, status=scan["status"],
        occurred_at=scan["occurred_at"], location=scan.get("location"), reason=scan.get("reason"),
        received_at=now))
    if stored:
        # 合单: the orders packed in this parcel travel with it, and each hears of the scan as its own
        for each in [shipment, *(locked(session, order_no) for order_no in merged_into(session, shipment.order_no))]:
            _follow(uow, each, scan)
    return bool(stored), shipment


def _follow(uow, shipment, scan):
    note(uow.session, shipment.order_no, f"tracking_{scan['status']}", scan["occurred_at"],
         location=scan.get("location"), reason=scan.get("reason"))
    # Scans may arrive out of order: the parcel's silence runs from the latest one (stuck.py).
    shipment.last_scan_at = max(filter(None, (shipment.last_scan_at, scan["occurred_at"])))
    storefront_tracking.tell_scan(uow, shipment, scan)   # the buyer sees every scan, after delivery too
    if shipment.status == "shipped":   # after delivery or return, later scans are history only
        _apply(uow, shipment, scan)


def date_problem(occurred_at, handed_over_at, now, skew):
    """Why a scan cannot have happened then, or None: the carrier had the parcel from the hand-over on
    (exactly at it is fine), and nothing is scanned later than now plus the clock skew."""
    if occurred_at < handed_over_at:
        return f"before the parcel was handed over to the carrier ({to_iso(handed_over_at)})"
    if occurred_at > now + skew:
        return f"in the future (more than {skew.total_seconds():g} s ahead of {to_iso(now)})"
    return None


def _reject_unknown(settings, tracking_no):
    carriers = settings.carriers
    if not any(carriers.is_valid_number(carrier, tracking_no) for carrier in carriers.tariff.carriers):
        raise RuleViolation(f"{tracking_no} is not a valid tracking number (format or check digit)",
                            code="invalid_tracking_no", fields={"tracking_no": ["invalid format or check digit"]})
    raise NotFound(f"no waybill {tracking_no} was issued here", code="unknown_tracking_no")


def _apply(uow, shipment, scan):
    status, base = scan["status"], {"order_no": shipment.order_no, "tracking_no": shipment.tracking_no}
    if status in TERMINAL:
        shipment.status = TERMINAL[status]
        setattr(shipment, f"{TERMINAL[status]}_at", scan["occurred_at"])   # delivered_at, returned_at
    if status == "delivered":
        uow.publish("parcel_delivered", {**base, "delivered_at": scan["occurred_at"]},
                    aggregate_id=shipment.order_no)
    elif status == "delivery_failed":
        uow.publish("parcel_delivery_failed", {**base, "reason": scan.get("reason") or "unspecified"},
                    aggregate_id=shipment.order_no)
    elif status in COMING_BACK:
        uow.publish("parcel_returning", {**base, "status": status, "scanned_at": scan["occurred_at"]},
                    aggregate_id=shipment.order_no)
    elif status == "returned_to_sender":
        uncollected = shipment.cod_amount if shipment.payment_method == "cod" else 0
        uow.publish("parcel_returned_to_sender", {
            **base, "payment_method": shipment.payment_method, "cod_amount_not_collected": uncollected},
            aggregate_id=shipment.order_no)


def fetch(session, settings, order_no):
    shipment = get(session, order_no)
    if not shipment.tracking_no:
        raise Conflict(f"order {order_no} has no tracking number yet (status {shipment.status})", code="no_label")
    return {"order_no": order_no, "carrier": shipment.carrier, "tracking_no": shipment.tracking_no,
            "events": settings.carriers.adapter(shipment.carrier).fetch_tracking(session, shipment.tracking_no)}
