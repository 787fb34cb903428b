"""The shipment's record: every step, who did it and why."""
from decimal import Decimal

import sqlalchemy as sa

from services.shipping_labels.models import ShipmentHistory
from shared.timeutil import to_iso

# One prepared Core INSERT: a labelled parcel leaves three notes, and an ORM object per note (built,
# flushed, then forgotten) cost more than the insert itself. Rows keep call order. Notes are read in later
# transactions only, so on PostgreSQL they travel with the COMMIT instead of a round trip each.
_INSERT = sa.insert(ShipmentHistory.__table__).inline().execution_options(at_commit=True)


def note(session, order_no, kind, at, by=None, **detail):
    session.connection().execute(_INSERT, {"order_no": order_no, "kind": kind, "at": at, "by": by,
                                           "detail": {k: _plain(v) for k, v in detail.items()}})


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return to_iso(value)
    return value
