"""Waybill ranges (电子面单号段) in the database: taking numbers (each once, never given back), the stock left."""
import sqlalchemy as sa

from services.shipping_labels.models import Waybill, WaybillRange

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


def overlapping(session, carrier, prefix, first, last):
    """The id of a loaded range of the carrier sharing a number with first..last, or None."""
    return session.scalar(sa.select(WaybillRange.id).where(
        WaybillRange.carrier == carrier, WaybillRange.prefix == prefix,
        WaybillRange.first_serial <= last, WaybillRange.last_serial >= first))


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
