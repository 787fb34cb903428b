"""UTC time, ISO 8601 on the wire. A module-level clock so tests can drive time."""
from datetime import datetime, timezone


def utcnow():
    return datetime.now(timezone.utc)


def to_iso(moment):
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def as_utc(moment):
    """SQLite hands back naive datetimes; everything we store is UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
