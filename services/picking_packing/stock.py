"""Stock per SKU (库存): receive, count, reserve, release, ship, and low-stock warnings (预警).

Every change is a conditional UPDATE in the database, and the table's CHECK
constraints refuse anything that would make a quantity negative, so two
workers racing for the last unit cannot both win.
"""
import sqlalchemy as sa

from services.picking_packing.models import StockItem, StockMovement
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import Conflict, NotFound

DEFAULT_LOW_STOCK_THRESHOLD = 5


class StockShortage(Exception):
    """A reservation found less available than it needs (the caller's transaction must roll back)."""


class ReservationMissing(Exception):
    """Less is reserved than an order holds: a bug, never a business answer (roll back)."""


def _ensure_rows(session, skus):
    for sku in skus:
        session.execute(insert_ignoring_duplicates(session.bind.dialect.name, StockItem.__table__)
                        .values(sku=sku, on_hand=0, reserved=0, low_warned=False))


def lock(session, skus):
    """The stock rows of `skus`, locked until commit (sorted: lockers never deadlock)."""
    rows = session.scalars(sa.select(StockItem).where(StockItem.sku.in_(sorted(skus)))
                           .order_by(StockItem.sku).with_for_update()
                           .execution_options(populate_existing=True)).all()
    return {row.sku: row for row in rows}


def _update(session, sku, guard, **values):
    return session.execute(sa.update(StockItem).where(StockItem.sku == sku, guard)
                           .values(**values).execution_options(synchronize_session=False)).rowcount


def reserve(session, needs):
    """Reserve {sku: qty}; raises StockShortage if any SKU has not enough available."""
    for sku, qty in sorted(needs.items()):
        if not _update(session, sku, StockItem.on_hand - StockItem.reserved >= qty,
                       reserved=StockItem.reserved + qty):
            raise StockShortage(sku)


def release(session, needs):
    """Give reserved goods back to available (a cancelled order)."""
    for sku, qty in sorted(needs.items()):
        if not _update(session, sku, StockItem.reserved >= qty, reserved=StockItem.reserved - qty):
            raise ReservationMissing(f"{sku}: less reserved than {qty}")


def ship(session, needs, by, reference, now):
    """Reserved goods leave the warehouse with the courier."""
    for sku, qty in sorted(needs.items()):
        if not _update(session, sku, StockItem.reserved >= qty,
                       reserved=StockItem.reserved - qty, on_hand=StockItem.on_hand - qty):
            raise ReservationMissing(f"{sku}: less reserved than {qty}")
        _record(session, sku, "shipped", -qty, by, "handed over to the courier", reference, now)


def add(session, sku, qty, kind, by, reason, reference, now):
    """Goods come onto the shelf (received, repacked)."""
    _ensure_rows(session, [sku])
    _update(session, sku, sa.true(), on_hand=StockItem.on_hand + qty)
    _record(session, sku, kind, qty, by, reason, reference, now)


def count(session, counted, by, reason, now):
    """A stock count (盘点): on hand becomes what was counted; each difference is an adjustment."""
    _ensure_rows(session, counted)
    rows = lock(session, counted)
    below = [{"sku": sku, "counted": qty, "reserved": rows[sku].reserved}
             for sku, qty in sorted(counted.items()) if qty < rows[sku].reserved]
    if below:
        # Reservations are promises to customers: resolve those orders before booking less than they hold.
        raise Conflict("counted less than is reserved for orders", code="count_below_reserved", lines=below)
    differences = {}
    for sku, qty in sorted(counted.items()):
        before = rows[sku].on_hand
        if qty != before:
            _update(session, sku, StockItem.on_hand == before, on_hand=qty)
            _record(session, sku, "count", qty - before, by, reason, None, now)
            differences[sku] = qty - before
    return differences


def _record(session, sku, kind, change, by, reason, reference, now):
    on_hand = session.scalar(sa.select(StockItem.on_hand).where(StockItem.sku == sku))
    session.add(StockMovement(sku=sku, kind=kind, change=change, on_hand_after=on_hand, by=by,
                              reason=reason, reference=reference, at=now))


def set_threshold(session, sku, threshold):
    _ensure_rows(session, [sku])
    _update(session, sku, sa.true(), low_threshold=threshold)


def get(session, sku):
    item = session.get(StockItem, sku)
    if item is None:
        raise NotFound(f"no stock record for {sku}", sku=sku)
    return item


def threshold_of(item, default):
    return default if item.low_threshold is None else item.low_threshold


def check_low(uow, skus, default_threshold):
    """Warn once when available falls under the SKU's threshold; re-arm when it recovers."""
    session = uow.session
    rows = session.execute(sa.select(StockItem.sku, (StockItem.on_hand - StockItem.reserved).label("available"),
                                     StockItem.low_threshold, StockItem.low_warned)
                           .where(StockItem.sku.in_(sorted(skus)))).all()
    for row in rows:
        threshold = threshold_of(row, default_threshold)
        low = row.available < threshold
        if low != row.low_warned and _update(session, row.sku, StockItem.low_warned == row.low_warned,
                                             low_warned=low) and low:
            uow.publish("stock_low", {"sku": row.sku, "available": row.available, "threshold": threshold},
                        aggregate_id=row.sku)


def low_items(session, default_threshold):
    """The warning list: SKUs whose available stock is under their threshold."""
    threshold = sa.func.coalesce(StockItem.low_threshold, default_threshold)
    return session.scalars(sa.select(StockItem).where(StockItem.on_hand - StockItem.reserved < threshold)
                           .order_by(StockItem.sku)).all()


def rows(session, skus):
    return session.scalars(sa.select(StockItem).where(StockItem.sku.in_(sorted(skus)))
                           .order_by(StockItem.sku).execution_options(populate_existing=True)).all()


def listing(session, limit):
    return session.scalars(sa.select(StockItem).order_by(StockItem.sku).limit(limit)).all()
