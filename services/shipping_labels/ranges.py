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


# One statement takes a number: bump the oldest open range's `next_serial` and return what it was.
# It replaces a locking SELECT, an UPDATE and a count of the carrier's stock per label. On PostgreSQL the
# row is locked by the UPDATE and its WHERE is checked again on the committed row, so two transactions
# never take the same serial; a range a concurrent transaction just emptied matches nothing, and the
# careful path below settles it.
_TAKE = (
    sa.update(WaybillRange.__table__)
    .where(WaybillRange.id == sa.select(WaybillRange.id)
           .where(WaybillRange.carrier == sa.bindparam("for_carrier"),
                  WaybillRange.next_serial <= WaybillRange.last_serial)
           .order_by(WaybillRange.id).limit(1).scalar_subquery(),
           WaybillRange.next_serial <= WaybillRange.last_serial)
    .values(next_serial=WaybillRange.next_serial + 1)
    .returning(WaybillRange.prefix, WaybillRange.next_serial - 1, WaybillRange.last_serial))
_ISSUED = sa.select(Waybill.id).where(Waybill.tracking_no == sa.bindparam("number")).limit(1)
_REMAINING = (sa.select(sa.func.coalesce(sa.func.sum(WaybillRange.last_serial + 1 - WaybillRange.next_serial), 0))
              .where(WaybillRange.carrier == sa.bindparam("carrier")))


def take_number(session, number_format, carrier):
    """(number, left in its range) from the carrier's oldest open range, or None when all are used up."""
    connection = session.connection()
    while True:
        row = connection.execute(_TAKE, {"for_carrier": carrier}).first()
        if row is None:
            return _take_number_carefully(session, number_format, carrier)
        prefix, serial, last = row
        number = number_format.compose(prefix, serial)
        if not _ever_issued(session, number):   # belt and braces should two ranges ever overlap
            return number, last - serial


def _take_number_carefully(session, number_format, carrier):
    """The slow path, when the one-statement take found nothing: lock the oldest open range and take
    from it, or answer None when no range is open."""
    while True:
        block = session.scalar(
            sa.select(WaybillRange)
            .where(WaybillRange.carrier == carrier, WaybillRange.next_serial <= WaybillRange.last_serial)
            .order_by(WaybillRange.id).limit(1).with_for_update())
        if block is None:
            return None
        prefix, serial, last = block.prefix, block.next_serial, block.last_serial
        # Conditional: only the one transaction that saw `serial` free may take it.
        taken = session.execute(
            sa.update(WaybillRange)
            .where(WaybillRange.id == block.id, WaybillRange.next_serial == serial)
            .values(next_serial=serial + 1)
            .execution_options(synchronize_session=False)).rowcount
        session.expire(block)
        number = number_format.compose(prefix, serial)
        if taken and not _ever_issued(session, number):
            return number, last - serial


def remaining(session, carrier):
    return session.connection().execute(_REMAINING, {"carrier": carrier}).scalar() or 0


def _ever_issued(session, number):
    return session.connection().execute(_ISSUED, {"number": number}).first() is not None


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
