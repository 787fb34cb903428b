"""Which dates from outside are plausible (issue 18 item 7: a clock-in dated 2999 was accepted).

The years kept (2000-2099) are checked where a value is read (contracts.base.UtcDateTime,
shared.web.days); these are the business's own limits, given `now` or `today` explicitly.
Each check returns why a date cannot be, or None; `refuse` makes that a 422 naming the field.
"""
from datetime import timedelta

from shared.errors import RuleViolation
from shared.timeutil import to_iso

DEFAULT_CLOCK_SKEW = timedelta(minutes=5)   # a device's clock may run a little ahead of ours
DAYS_AHEAD = 366                            # leave and the rota are planned a year ahead at most


def not_yet(moment, now, skew=DEFAULT_CLOCK_SKEW):
    """A reading or a request cannot come from later than now (plus the clock skew; exactly at it is fine)."""
    if moment > now + skew:
        return f"in the future: more than {skew.total_seconds():g} s ahead of {to_iso(now)}"
    return None


def after_today(day, today):
    """A fine, a payment, a notice, a day's report: they happen by today at the latest."""
    return f"after today ({today})" if day > today else None


def too_far_ahead(day, today, days=DAYS_AHEAD):
    return f"more than {days} days ahead of {today}" if day > today + timedelta(days=days) else None


def refuse(field, problem, code="implausible_date"):
    """Raise a 422 naming `field` when there is a problem."""
    if problem:
        raise RuleViolation(f"{field} is {problem}", code=code, fields={field: [problem]})
