"""UTC time, ISO 8601 on the wire. A module-level clock so tests can drive time.
Days people count by (statistics, manifests, quotas) are the company's, in Asia/Shanghai."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from contracts.base import to_iso  # noqa: F401  (the wire format is the contracts'; here for the services)

BUSINESS_ZONE = ZoneInfo("Asia/Shanghai")


def utcnow():
    return datetime.now(timezone.utc)


def as_utc(moment):
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def business_day(moment, zone=BUSINESS_ZONE):
    """The company's calendar day of an aware moment: 2026-11-23T17:00Z is 24 November in Shanghai."""
    return moment.astimezone(zone).date()


def business_day_bounds(day, zone=BUSINESS_ZONE):
    """[start, end) of a company day as aware datetimes, to compare with stored UTC times."""
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, start + timedelta(days=1)
