"""Stock rows (库存): conditional UPDATEs that hand back what they did, the stock movements, barcodes.

Every change is a conditional UPDATE in the database, and the table's CHECK constraints refuse
anything that would make a quantity negative, so two workers racing for the last unit cannot both win.
"""
from typing import NamedTuple, Optional

import sqlalchemy as sa

from services.picking_packing.models import Barcode, ParcelReturnLine, PickLine, StockItem, StockMovement
from shared.db.unit_of_work import insert_ignoring_duplicates

ITEMS = StockItem.__table__


class Level(NamedTuple):
    """What the low-stock warning needs of one SKU."""
    sku: str
    available: int
    low_threshold: Optional[int]
    low_warned: bool


# Prebuilt: run once or twice per order and per scan, with plain parameters.
_LEVEL_COLUMNS = (ITEMS.c.sku, (ITEMS.c.on_hand - ITEMS.c.reserved).label("available"), ITEMS.c.low_threshold,
                  ITEMS.c.low_warned)
_LOCK_LEVELS = (sa.select(*_LEVEL_COLUMNS)
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
_BARCODE = sa.select(Barcode.__table__.c.sku).where(Barcode.__table__.c.barcode == sa.bindparam("b_barcode"))


def ensure_rows(session, skus):
    """A stock row (nothing on hand) for each SKU that has none yet."""
    for sku in skus:
        session.execute(insert_ignoring_duplicates(session.bind.dialect.name, ITEMS)
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


def levels(session, skus):
    """[Level] of the SKUs that have a stock row, by SKU."""
    return [Level(*row) for row in session.execute(sa.select(*_LEVEL_COLUMNS).where(ITEMS.c.sku.in_(sorted(skus)))
                                                   .order_by(ITEMS.c.sku))]


def update(session, sku, guard, **values):
    """Change one stock row if `guard` still holds (1 if it did, 0 if not)."""
    return session.execute(sa.update(StockItem).where(StockItem.sku == sku, guard)
                           .values(**values).execution_options(synchronize_session=False)).rowcount


def reserve_one(session, sku, qty):
    """Reserve `qty` of `sku` if that many are available (False if not)."""
    return bool(session.connection().execute(_RESERVE, {"b_sku": sku, "b_qty": qty}).rowcount)


def release_one(session, sku, qty):
    """Give `qty` reserved back to available (False if less is reserved)."""
    return bool(update(session, sku, StockItem.reserved >= qty, reserved=StockItem.reserved - qty))


def ship_one(session, sku, qty, reserved=True):
    """Take `qty` off the shelf, reserved goods or (`reserved=False`) available ones: on hand after, or None
    when fewer are there."""
    return session.connection().execute(_SHIP if reserved else _SHIP_AVAILABLE, {"b_sku": sku, "b_qty": qty}).scalar()


def add_on_hand(session, sku, qty):
    update(session, sku, sa.true(), on_hand=StockItem.on_hand + qty)


def set_on_hand(session, sku, before, qty):
    """On hand becomes `qty` if it still is `before`."""
    return update(session, sku, StockItem.on_hand == before, on_hand=qty)


def set_threshold(session, sku, threshold):
    update(session, sku, sa.true(), low_threshold=threshold)


def set_warned(session, sku, was, now):
    """The low-stock flag moves from `was` to `now` (False if another worker moved it first)."""
    return bool(update(session, sku, StockItem.low_warned == was, low_warned=now))


def insert_movements(session, movements):
    session.connection().execute(_INSERT_MOVEMENTS, movements)


def record(session, sku, kind, change, by, reason, reference, now):
    """A stock movement, with on hand as it now stands."""
    on_hand = session.scalar(sa.select(StockItem.on_hand).where(StockItem.sku == sku))
    session.add(StockMovement(sku=sku, kind=kind, change=change, on_hand_after=on_hand, by=by,
                              reason=reason, reference=reference, at=now))


def item(session, sku):
    """One SKU's stock row, or None."""
    return session.get(StockItem, sku)


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


def movements(session, kind=None, sku=None, limit=200):
    """Stock movements, newest first."""
    query = sa.select(StockMovement).order_by(StockMovement.id.desc()).limit(limit)
    if kind:
        query = query.where(StockMovement.kind == kind)
    if sku:
        query = query.where(StockMovement.sku == sku)
    return session.scalars(query).all()


def sku_of_barcode(session, barcode):
    """The SKU a barcode is mapped to, or None."""
    return session.connection().execute(_BARCODE, {"b_barcode": barcode}).scalar()


def map_barcode(session, barcode, sku):
    session.merge(Barcode(barcode=barcode, sku=sku))
