"""Stuck parcels (001 3.13: 异常快递订单的反馈、跟踪): a parcel with the carrier that has had no scan for
more than `silent_for` (STUCK_PARCEL_DAYS, 3 days) since its latest scan, or since the hand-over if it has
none, is told to after-sales (`parcel_stuck`), which opens an exception task. Once per stuck spell: the
silence it was told for is kept on the shipment, so the next round does not tell it again, while a new
scan starts a new silence that may be told in its turn. Delivered or returned parcels are never stuck.
Called by a timer with `now` (no nameko here); tests pass the time."""
from datetime import timedelta

import sqlalchemy as sa

from services.shipping_labels.history import note
from services.shipping_labels.models import Shipment, TrackingEvent
from shared.db import UtcDateTime

DEFAULT_SILENT_FOR = timedelta(days=3)
BATCH = 500   # a round's share; the next round takes the rest
_SILENT_SINCE = sa.func.coalesce(Shipment.last_scan_at, Shipment.handed_over_at, type_=UtcDateTime)


def report_stuck(uow, silent_for, now):
    """Publishes `parcel_stuck` for every parcel silent for more than `silent_for` and not yet told for
    this silence; -> their order numbers."""
    session = uow.session
    stuck = session.execute(
        sa.select(Shipment, _SILENT_SINCE.label("silent_since"))
        .where(Shipment.status == "shipped", _SILENT_SINCE < now - silent_for,
               sa.or_(Shipment.stuck_reported_for.is_(None), Shipment.stuck_reported_for != _SILENT_SINCE))
        .order_by(Shipment.order_no).limit(BATCH).with_for_update(skip_locked=True)).all()
    for shipment, silent_since in stuck:
        shipment.stuck_reported_for = silent_since
        last_status = _last_scan_status(session, shipment.order_no)
        note(session, shipment.order_no, "stuck", now, silent_since=silent_since, last_status=last_status)
        uow.publish("parcel_stuck", {
            "order_no": shipment.order_no, "tracking_no": shipment.tracking_no, "carrier": shipment.carrier,
            "silent_since": silent_since, "last_status": last_status,
            "silent_days": (now - silent_since).days}, aggregate_id=shipment.order_no)
    return [shipment.order_no for shipment, _ in stuck]


def _last_scan_status(session, order_no):
    return session.scalar(sa.select(TrackingEvent.status).where(TrackingEvent.order_no == order_no)
                          .order_by(TrackingEvent.occurred_at.desc(), TrackingEvent.id.desc()).limit(1))
