"""Stuck parcels (001 3.13: 异常快递订单的反馈、跟踪): a parcel with the carrier that has had no scan for
more than `silent_for` (STUCK_PARCEL_DAYS, 3 days) since its latest scan, or since the hand-over if it has
none, is told to after-sales (`parcel_stuck`), which opens an exception task. Once per stuck spell: the
silence it was told for is kept on the shipment, so the next round does not tell it again, while a new
scan starts a new silence that may be told in its turn. Delivered or returned parcels are never stuck.
Called by a timer with `now` (no nameko here); tests pass the time."""
from datetime import timedelta

from services.shipping_labels.storage import shipments, tracking
from services.shipping_labels.storage.history import note

DEFAULT_SILENT_FOR = timedelta(days=3)
BATCH = 500   # a round's share; the next round takes the rest


def report_stuck(uow, silent_for, now):
    """Publishes `parcel_stuck` for every parcel silent for more than `silent_for` and not yet told for
    this silence; -> their order numbers."""
    session = uow.session
    stuck = shipments.silent_untold(session, now - silent_for, BATCH)
    for shipment, silent_since in stuck:
        shipment.stuck_reported_for = silent_since
        last_status = tracking.last_status(session, shipment.order_no)
        note(session, shipment.order_no, "stuck", now, silent_since=silent_since, last_status=last_status)
        uow.publish("parcel_stuck", {
            "order_no": shipment.order_no, "tracking_no": shipment.tracking_no, "carrier": shipment.carrier,
            "silent_since": silent_since, "last_status": last_status,
            "silent_days": (now - silent_since).days}, aggregate_id=shipment.order_no)
    return [shipment.order_no for shipment, _ in stuck]
