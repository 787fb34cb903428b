"""Business days: an event lands on the Asia/Shanghai day it happened, not the day it arrived."""
from datetime import timedelta

from shared.timeutil import BUSINESS_ZONE, business_day, business_day_bounds  # noqa: F401 (business_day: re-exported)


def local_midnight(day, zone=BUSINESS_ZONE):
    return business_day_bounds(day, zone)[0]


def week_of(day):
    """Monday to Sunday."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def month_of(day):
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def previous_month(day):
    return month_of(day.replace(day=1) - timedelta(days=1))


def period_bounds(period, day):
    if period == "day":
        return day, day
    if period == "week":
        return week_of(day)
    if period == "month":
        return month_of(day)
    raise ValueError(f"unknown period {period!r}")


def days_between(first, last):
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def period_key(period, day):
    """The ladder's counting period: lateness per calendar month, absence per year (§6)."""
    return {"month": f"{day:%Y-%m}", "year": f"{day:%Y}"}[period]
