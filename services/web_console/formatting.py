"""How values read on a page: local times, time left, colours."""
from datetime import datetime

from shared.timeutil import BUSINESS_ZONE, business_day, utcnow

DISPLAY_TZ = BUSINESS_ZONE   # the company's working clock


def parse(iso):
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def local(iso):
    moment = parse(iso)
    return moment.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def local_today():
    """The working day as the warehouse counts it (ISO date)."""
    return business_day(utcnow()).isoformat()


def minutes_left(iso, now=None):
    moment = parse(iso)
    return None if moment is None else int((moment - (now or utcnow())).total_seconds() // 60)


def duration(minutes):
    """'2h 05m' for a number of minutes (absolute)."""
    minutes = abs(int(minutes))
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def error_text(error, translate):
    """A refusal as a sentence: the translated code (with the service's parameters) if we know it, else the
    service's own message."""
    known = translate(f"error.{error.code}")
    if known == f"error.{error.code}":
        return error.message or translate("error.unknown")
    try:
        return translate(f"error.{error.code}", **error.details) if error.details else known
    except (KeyError, IndexError, ValueError):   # a parameter the service did not send
        return known
