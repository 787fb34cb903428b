"""The shipment's record: every step, who did it and why."""
from decimal import Decimal

from services.shipping_labels.models import ShipmentHistory
from shared.timeutil import to_iso


def note(session, order_no, kind, at, by=None, **detail):
    session.add(ShipmentHistory(order_no=order_no, kind=kind, at=at, by=by,
                                detail={k: _plain(v) for k, v in detail.items()}))


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return to_iso(value)
    return value
