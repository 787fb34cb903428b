"""Days on the HTTP API (a statistic's day, a manifest's): YYYY-MM-DD within the years the business keeps.

A day like 9999-12-31 parses, but its end in Asia/Shanghai is past what datetime holds, and 0001-01-01
shifted to UTC is before it: a 500. Anything outside the window is a 400 naming the field."""
from datetime import date

from marshmallow import ValidationError, fields, validate

from shared.web.errors import HttpError

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
KEPT = validate.Range(min=FIRST_DAY, max=LAST_DAY, error=f"a day from {FIRST_DAY} to {LAST_DAY}")


def day_field(**kwargs):
    """A marshmallow Date for a query or body: YYYY-MM-DD between FIRST_DAY and LAST_DAY."""
    return fields.Date(validate=KEPT, **kwargs)


_PATH_DAY = day_field()


def path_day(text, field="day"):
    """A day in a URL path, or a 400 naming `field`."""
    try:
        return _PATH_DAY.deserialize(text)
    except ValidationError as exc:
        raise HttpError(400, "validation_failed", f"{field} must be a day, YYYY-MM-DD, from {FIRST_DAY} to {LAST_DAY}",
                        fields={field: exc.messages}) from None
