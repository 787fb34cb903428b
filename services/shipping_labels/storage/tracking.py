"""Carriers' scans in the database: each stored once."""
import sqlalchemy as sa

from services.shipping_labels.models import TrackingEvent
from shared.db.unit_of_work import insert_ignoring_duplicates


def insert_if_new(session, values):
    """Store a scan unless the same one is stored already. -> stored"""
    return bool(session.execute(insert_ignoring_duplicates(session.bind.dialect.name, TrackingEvent.__table__)
                                .values(**values)).rowcount)


def scans_of(session, tracking_no):
    """[{status, occurred_at, location}] of the number's scans, oldest first."""
    rows = session.scalars(sa.select(TrackingEvent).where(TrackingEvent.tracking_no == tracking_no)
                           .order_by(TrackingEvent.occurred_at))
    return [{"status": r.status, "occurred_at": r.occurred_at, "location": r.location} for r in rows]


def last_status(session, order_no):
    """The status of the order's latest scan (by when it happened), or None."""
    return session.scalar(sa.select(TrackingEvent.status).where(TrackingEvent.order_no == order_no)
                          .order_by(TrackingEvent.occurred_at.desc(), TrackingEvent.id.desc()).limit(1))
