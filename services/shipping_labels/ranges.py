"""Waybill number ranges (电子面单号段): loaded by an operator, each number taken once, never given back."""
from services.shipping_labels.models import WaybillRange
from services.shipping_labels.s10 import InvalidTrackingNumber
from services.shipping_labels.storage.ranges import overlapping
from shared.errors import Conflict, RuleViolation

DEFAULT_LOW_THRESHOLD = 50
MAX_RANGE_SIZE = 1_000_000


def load_range(session, number_format, carrier, first_number, last_number, by, now):
    try:
        prefix, first = number_format.parse(first_number)
        last_prefix, last = number_format.parse(last_number)
    except InvalidTrackingNumber as exc:
        raise RuleViolation(str(exc), code="invalid_tracking_no") from None
    if prefix != last_prefix or last < first:
        raise RuleViolation("a range runs from its first to its last number, with one prefix",
                            code="invalid_range")
    if last - first + 1 > MAX_RANGE_SIZE:
        raise RuleViolation(f"a range holds at most {MAX_RANGE_SIZE} numbers", code="invalid_range")
    overlap = overlapping(session, carrier, prefix, first, last)
    if overlap:
        raise Conflict("this range overlaps one already loaded: numbers are never issued twice",
                       code="range_overlaps", range_id=overlap)
    block = WaybillRange(carrier=carrier, prefix=prefix, first_serial=first, last_serial=last,
                         next_serial=first, loaded_by=by, loaded_at=now)
    session.add(block)
    session.flush()
    return block


def alert_due(before, after, threshold):
    """Alert once when the stock crosses the threshold, and again when it runs out."""
    return after <= threshold and (before > threshold or after == 0)
