"""How values read on a page: local times, time left, colours, refusals."""
import re
from datetime import datetime, timezone

from shared.timeutil import BUSINESS_ZONE, business_day, utcnow

DISPLAY_TZ = BUSINESS_ZONE   # the company's working clock
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?")


def parse(iso):
    """An ISO moment (a datetime passes through); one without a zone is UTC, as the services keep time."""
    if not iso:
        return None
    moment = iso if isinstance(iso, datetime) else datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def local(iso):
    """A moment as the company's clock reads it (Asia/Shanghai), to the minute: the `local` filter."""
    moment = parse(iso)
    return moment.astimezone(DISPLAY_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def shown(value):
    """A value as a list cell shows it: a moment sent as ISO text in local time, anything else as it is."""
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_MOMENT.fullmatch(value)):
        return local(value)
    return value


def local_today():
    """The working day as the warehouse counts it (ISO date)."""
    return business_day(utcnow()).isoformat()


def minutes_left(iso, now=None):
    moment = parse(iso)
    return None if moment is None else int((moment - (now or utcnow())).total_seconds() // 60)


def duration(minutes, translate=None):
    """'2h 05m' for a number of minutes (absolute); in the page's language with `translate`
    (the `duration` filter: '2小时05分')."""
    minutes = abs(int(minutes))
    if translate is None:
        return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"
    if minutes >= 60:
        return translate("duration.hours", hours=minutes // 60, minutes=minutes % 60)
    return translate("duration.minutes", minutes=minutes)


def error_text(error, translate):
    """A refusal as a sentence: the translated code (with the service's parameters) if we know it; else, on
    an English page, the service's own message (a Chinese page never shows it: it is English)."""
    known = translate(f"error.{error.code}")
    if known == f"error.{error.code}":
        return translate("error.not_known", message=error.message) if error.message else translate("error.unknown")
    try:
        return translate(f"error.{error.code}", **error.details) if error.details else known
    except (KeyError, IndexError, ValueError):   # a parameter the service did not send
        return known


# marshmallow's own reasons for a field (the services' 400 `fields`), as text keys with their values.
FIELD_REASONS = (
    (re.compile(r"Missing data for required field\.|Field may not be null\.|required"), "field_error.required"),
    (re.compile(r"Length must be between (?P<low>\d+) and (?P<high>\d+)\."), "field_error.length"),
    (re.compile(r"Shorter than minimum length (?P<low>\d+)\."), "field_error.too_short"),
    (re.compile(r"Longer than maximum length (?P<high>\d+)\."), "field_error.too_long"),
    (re.compile(r"Must be greater than or equal to (?P<low>\S+) and less than or equal to (?P<high>\S+)\."),
     "field_error.between"),
    (re.compile(r"Must be greater than or equal to (?P<low>\S+)\."), "field_error.at_least"),
    (re.compile(r"Must be less than or equal to (?P<high>\S+)\."), "field_error.at_most"),
    (re.compile(r"Must be one of: .*"), "field_error.one_of"),
    (re.compile(r"Not a valid (?:integer|number|decimal)\.|.*not an amount.*"), "field_error.number"),
    (re.compile(r"Not a valid (?:date|datetime)\.|.*must be a day.*"), "field_error.date"),
    (re.compile(r"Unknown field\."), "field_error.unknown_field"),
    (re.compile(r"Must not be blank\."), "field_error.blank"),
)


def field_problems(error, translate):
    """[(field, reason)] of a refusal's bad fields, in the page's language: the field's name as the form
    calls it, and marshmallow's reason as a text (a reason no text knows: 'not valid' on a Chinese page)."""
    problems = []
    for field, reason in error.field_messages():
        name = field.rsplit(".", 1)[-1]
        label = translate(f"field.{name}", default=translate(f"col.{name}", default=field))
        key, values = next(((key, found.groupdict()) for pattern, key in FIELD_REASONS
                            if (found := pattern.fullmatch(reason))), ("field_error.other", {}))
        problems.append((label, translate(key, reason=reason, **values)))
    return problems
