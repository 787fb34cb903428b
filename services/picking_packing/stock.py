"""Stock per SKU (库存): receive, count, reserve, release, ship, and low-stock warnings (预警).

Every change is a conditional UPDATE in the database, and the table's CHECK
constraints refuse anything that would make a quantity negative, so two
workers racing for the last unit cannot both win.
"""
from typing import NamedTuple, Optional

import sqlalchemy as sa

from services.picking_packing.models import PickLine, ParcelReturnLine, StockItem, StockMovement
from shared.db.unit_of_work import insert_ignoring_duplicates
from shared.errors import Conflict, NotFound

ITEMS = StockItem.__table__


class Level(NamedTuple):
    """What the low-stock warning needs of one SKU."""
    sku: str
    available: int
    low_threshold: Optional[int]
    low_warned: bool


# Prebuilt: run once or twice per order and per scan, with plain parameters.
_LOCK_LEVELS = (sa.select(ITEMS.c.sku, (ITEMS.c.on_hand - ITEMS.c.reserved).label("available"), ITEMS.c.low_threshold,
                          ITEMS.c.low_warned)
                .where(ITEMS.c.sku.in_(sa.bindparam("b_skus", expanding=True))).order_by(ITEMS.c.sku)
                .with_for_update())
_RESERVE = (sa.update(ITEMS).where(ITEMS.c.sku == sa.bindparam("b_sku"),
                                   ITEMS.c.on_hand - ITEMS.c.reserved >= sa.bindparam("b_qty"))
            .values(reserved=ITEMS.c.reserved + sa.bindparam("b_qty")))
_SHIP = (sa.update(ITEMS).where(ITEMS.c.sku == sa.bindparam("b_sku"), ITEMS.c.reserved >= sa.bindparam("b_qty"))
         .values(reserved=ITEMS.c.reserved - sa.bindparam("b_qty"), on_hand=ITEMS.c.on_hand - sa.bindparam("b_qty"))
         .returning(ITEMS.c.on_hand))
_SHIP_AVAILABLE = (sa.update(ITEMS).where(ITEMS.c.sku == sa.bindparam("b_sku"),
                                          ITEMS.c.on_hand - ITEMS.c.reserved >= sa.bindparam("b_qty"))
                   .values(on_hand=ITEMS.c.on_hand - sa.bindparam("b_qty")).returning(ITEMS.c.on_hand))
_INSERT_MOVEMENTS = sa.insert(StockMovement.__table__)


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


def locked_levels(session, skus):
    """{sku: Level} of the SKUs that have a stock row, locked until commit (sorted: no deadlocks)."""
    rows = session.connection().execute(_LOCK_LEVELS, {"b_skus": sorted(skus)})
    return {row.sku: Level(*row) for row in rows}


def after_reserving(levels, needs):
    return {sku: level._replace(available=level.available - needs.get(sku, 0)) for sku, level in levels.items()}


def _update(session, sku, guard, **values):
    return session.execute(sa.update(StockItem).where(StockItem.sku == sku, guard)
                           .values(**values).execution_options(synchronize_session=False)).rowcount


def reserve(session, needs):
    """Reserve {sku: qty}; raises StockShortage if any SKU has not enough available."""
    connection = session.connection()
    for sku, qty in sorted(needs.items()):
        if not connection.execute(_RESERVE, {"b_sku": sku, "b_qty": qty}).rowcount:
            raise StockShortage(sku)


def release(session, needs):
    """Give reserved goods back to available (a cancelled order)."""
    for sku, qty in sorted(needs.items()):
        if not _update(session, sku, StockItem.reserved >= qty, reserved=StockItem.reserved - qty):
            raise ReservationMissing(f"{sku}: less reserved than {qty}")


def ship(session, needs, by, reference, now, reserved=True):
    """Goods leave the warehouse with the courier (each SKU's movement says what is left): reserved goods, or
    with `reserved=False` available ones (StockShortage when fewer are)."""
    connection, movements = session.connection(), []
    for sku, qty in sorted(needs.items()):
        on_hand = connection.execute(_SHIP if reserved else _SHIP_AVAILABLE, {"b_sku": sku, "b_qty": qty}).scalar()
        if on_hand is None and reserved:
            raise ReservationMissing(f"{sku}: less reserved than {qty}")
        if on_hand is None:
            raise StockShortage(sku)
        movements.append({"sku": sku, "kind": "shipped", "change": -qty, "on_hand_after": on_hand, "by": by,
                          "reason": "handed over to the courier", "reference": reference, "at": now})
    if movements:
        connection.execute(_INSERT_MOVEMENTS, movements)


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


def check_low(uow, skus, default_threshold, levels=None):
    """Warn once when available falls under the SKU's threshold; re-arm when it recovers.
    `levels`: the SKUs' current Levels when the caller holds them locked (saves reading them again)."""
    session = uow.session
    if levels is not None:
        rows = [levels[sku] for sku in sorted(skus) if sku in levels]
    else:
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


def names(session, skus):
    """{sku: the goods' name} as orders (or returned parcels) named them; stock itself keeps no names, and a
    SKU never ordered has none. Screens show it beside the SKU (issue 19)."""
    skus, found = sorted(set(skus)), {}
    for lines in (ParcelReturnLine, PickLine):   # an order's name wins over a returned parcel's
        found.update(session.execute(sa.select(lines.sku, sa.func.max(lines.name))
                                     .where(lines.sku.in_(skus)).group_by(lines.sku)).all())
    return found
