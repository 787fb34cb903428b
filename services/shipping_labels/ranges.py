"""Waybill number ranges (电子面单号段): loaded by an operator, each number taken once, never given back."""
import sqlalchemy as sa

from services.shipping_labels.models import Waybill, WaybillRange
from services.shipping_labels.s10 import InvalidTrackingNumber
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
    overlap = session.scalar(sa.select(WaybillRange.id).where(
        WaybillRange.carrier == carrier, WaybillRange.prefix == prefix,
        WaybillRange.first_serial <= last, WaybillRange.last_serial >= first))
    if overlap:
        raise Conflict("this range overlaps one already loaded: numbers are never issued twice",
                       code="range_overlaps", range_id=overlap)
    block = WaybillRange(carrier=carrier, prefix=prefix, first_serial=first, last_serial=last,
                         next_serial=first, loaded_by=by, loaded_at=now)
    session.add(block)
    session.flush()
    return block


def take_number(session, number_format, carrier):
    """The next unused number of the carrier's oldest open range, or None when all are used up."""
    while True:
        block = session.scalar(
            sa.select(WaybillRange)
            .where(WaybillRange.carrier == carrier, WaybillRange.next_serial <= WaybillRange.last_serial)
            .order_by(WaybillRange.id).limit(1).with_for_update())
        if block is None:
            return None
        serial = block.next_serial
        # Conditional: only the one transaction that saw `serial` free may take it.
        taken = session.execute(
            sa.update(WaybillRange)
            .where(WaybillRange.id == block.id, WaybillRange.next_serial == serial)
            .values(next_serial=serial + 1)
            .execution_options(synchronize_session=False)).rowcount
        session.expire(block)
        number = number_format.compose(block.prefix, serial)
        if taken and not _ever_issued(session, number):   # belt and braces should two ranges ever overlap
            return number


def remaining(session, carrier):
    return session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(WaybillRange.last_serial + 1 - WaybillRange.next_serial), 0))
        .where(WaybillRange.carrier == carrier)) or 0


def _ever_issued(session, number):
    return session.scalar(sa.select(sa.func.count()).select_from(Waybill).where(Waybill.tracking_no == number)) > 0


def ever_loaded(session, carrier):
    return session.scalar(sa.select(sa.func.count()).select_from(WaybillRange)
                          .where(WaybillRange.carrier == carrier)) > 0


def owner_of(session, number_format, tracking_no):
    """The carrier whose loaded range holds this number, if any."""
    try:
        prefix, serial = number_format.parse(tracking_no)
    except InvalidTrackingNumber:
        return None
    return session.scalar(sa.select(WaybillRange.carrier).where(
        WaybillRange.prefix == prefix, WaybillRange.first_serial <= serial, WaybillRange.last_serial >= serial))


def alert_due(before, after, threshold):
    """Alert once when the stock crosses the threshold, and again when it runs out."""
    return after <= threshold and (before > threshold or after == 0)
