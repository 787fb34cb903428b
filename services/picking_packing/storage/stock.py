"""Stock rows (库存): conditional UPDATEs that hand back what they did, the stock movements, barcodes.

Every change is a conditional UPDATE in the database, and the table's CHECK constraints refuse
anything that would make a quantity negative, so two workers racing for the last unit cannot both win.
"""
from typing import NamedTuple, Optional

import sqlalchemy as sa

from services.picking_packing.models import (
    DEFAULT_BIN, DEFAULT_WAREHOUSE, Barcode, Bin, BinStock, ParcelReturnLine, PickBin, PickLine, StockItem,
    StockMovement, Warehouse, WarehouseProvince,
)
from shared.db.unit_of_work import insert_ignoring_duplicates

ITEMS, BINS, PICK_BINS, LINES = StockItem.__table__, BinStock.__table__, PickBin.__table__, PickLine.__table__


class Level(NamedTuple):
    """What the low-stock warning needs of one SKU."""
    sku: str
    available: int
    low_threshold: Optional[int]
    low_warned: bool


# Prebuilt: run once or twice per order and per scan, with plain parameters.
_LEVEL_COLUMNS = (ITEMS.c.sku, (ITEMS.c.on_hand - ITEMS.c.reserved).label("available"), ITEMS.c.low_threshold,
                  ITEMS.c.low_warned)
# The SKUs' totals with their bins, all locked in one statement (by SKU, then bin: lockers never deadlock).
# Every stock row has a bin row (its default bin at least: ensure_rows), so the join loses no SKU.
_LOCK_STOCK = (sa.select(*_LEVEL_COLUMNS, BINS.c.warehouse, BINS.c.bin,
                         (BINS.c.on_hand - BINS.c.reserved).label("bin_available"))
               .select_from(ITEMS.join(BINS, BINS.c.sku == ITEMS.c.sku))
               .where(ITEMS.c.sku.in_(sa.bindparam("b_skus", expanding=True)))
               .order_by(ITEMS.c.sku, BINS.c.warehouse, BINS.c.bin).with_for_update())
_BIN_KEY = (BINS.c.warehouse == sa.bindparam("b_warehouse"), BINS.c.bin == sa.bindparam("b_bin"),
            BINS.c.sku == sa.bindparam("b_sku"))
# The bins' rows are locked (_LOCK_STOCK) and planned from; the CHECKs still refuse a negative quantity.
_RESERVE_BIN = sa.update(BINS).where(*_BIN_KEY).values(reserved=BINS.c.reserved + sa.bindparam("b_qty"))
_INSERT_PICK_BINS = sa.insert(PICK_BINS)
_LINE_BIN = (sa.update(LINES).where(LINES.c.order_no == sa.bindparam("b_order_no"), LINES.c.sku == sa.bindparam("b_sku"))
             .values(bin=sa.bindparam("b_bin")))
_PICK_BINS_OF = (sa.select(PICK_BINS.c.warehouse, PICK_BINS.c.bin, PICK_BINS.c.sku, PICK_BINS.c.qty)
                 .where(PICK_BINS.c.order_no == sa.bindparam("b_order_no"))
                 .order_by(PICK_BINS.c.sku, PICK_BINS.c.warehouse, PICK_BINS.c.bin))
_RELEASE_BIN = (sa.update(BINS).where(*_BIN_KEY, BINS.c.reserved >= sa.bindparam("b_qty"))
                .values(reserved=BINS.c.reserved - sa.bindparam("b_qty")))
_SHIP_BIN = (sa.update(BINS).where(*_BIN_KEY, BINS.c.reserved >= sa.bindparam("b_qty"))
             .values(reserved=BINS.c.reserved - sa.bindparam("b_qty"), on_hand=BINS.c.on_hand - sa.bindparam("b_qty")))
_SHIP_BIN_AVAILABLE = (sa.update(BINS).where(*_BIN_KEY, BINS.c.on_hand - BINS.c.reserved >= sa.bindparam("b_qty"))
                       .values(on_hand=BINS.c.on_hand - sa.bindparam("b_qty")))
_ADD_BIN = sa.update(BINS).where(*_BIN_KEY).values(on_hand=BINS.c.on_hand + sa.bindparam("b_qty"))
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
    """A stock row (nothing on hand) for each SKU that has none yet, with its row in the default bin."""
    for sku in skus:
        session.execute(insert_ignoring_duplicates(session.bind.dialect.name, ITEMS)
                        .values(sku=sku, on_hand=0, reserved=0, low_warned=False))
    ensure_bin_rows(session, DEFAULT_WAREHOUSE, DEFAULT_BIN, skus)


def ensure_bin_rows(session, warehouse, bin, skus):
    """A row (nothing on hand) for each SKU in the bin that has none yet."""
    for sku in skus:
        session.execute(insert_ignoring_duplicates(session.bind.dialect.name, BINS)
                        .values(warehouse=warehouse, bin=bin, sku=sku, on_hand=0, reserved=0))


def locked_stock(session, skus):
    """({sku: Level}, {warehouse: {sku: [(bin, available)]}}) of the SKUs that have a stock row, all locked
    until commit in one statement; each SKU's bins in route order (bin codes sorted)."""
    levels, shelves = {}, {}
    for row in session.connection().execute(_LOCK_STOCK, {"b_skus": sorted(skus)}):
        levels[row.sku] = Level(row.sku, row.available, row.low_threshold, row.low_warned)
        shelves.setdefault(row.warehouse, {}).setdefault(row.sku, []).append((row.bin, row.bin_available))
    return levels, shelves


def reserve_bins(session, order_no, warehouse, takes, line_bins):
    """The takes [(bin, sku, qty)] reserved in their bins and remembered on the order (`line_bins`: {sku: bin}
    written on its lines, or None when the lines were stored with them)."""
    if not takes:
        return
    connection = session.connection()
    connection.execute(_RESERVE_BIN, [{"b_warehouse": warehouse, "b_bin": code, "b_sku": sku, "b_qty": qty}
                                      for code, sku, qty in takes])
    connection.execute(_INSERT_PICK_BINS, [{"order_no": order_no, "warehouse": warehouse, "bin": code, "sku": sku,
                                            "qty": qty} for code, sku, qty in takes])
    if line_bins:
        connection.execute(_LINE_BIN, [{"b_order_no": order_no, "b_sku": sku, "b_bin": code}
                                       for sku, code in sorted(line_bins.items())])


def pick_bins(session, order_no):
    """[(warehouse, bin, sku, qty)] the order's goods are (or were) reserved in."""
    return [tuple(row) for row in session.connection().execute(_PICK_BINS_OF, {"b_order_no": order_no})]


def forget_pick_bins(session, order_no):
    """The order's goods are reserved in no bin any more (its goods changed: they are planned again)."""
    session.connection().execute(sa.delete(PICK_BINS).where(PICK_BINS.c.order_no == order_no))


def release_bin(session, warehouse, bin, sku, qty):
    return bool(session.connection().execute(_RELEASE_BIN, {"b_warehouse": warehouse, "b_bin": bin, "b_sku": sku,
                                                            "b_qty": qty}).rowcount)


def ship_bin(session, warehouse, bin, sku, qty, reserved=True):
    """Take `qty` out of the bin, reserved or (`reserved=False`) available goods; False when fewer are there."""
    return bool(session.connection().execute(_SHIP_BIN if reserved else _SHIP_BIN_AVAILABLE, {
        "b_warehouse": warehouse, "b_bin": bin, "b_sku": sku, "b_qty": qty}).rowcount)


def add_to_bin(session, warehouse, bin, sku, qty):
    """On hand in the bin changes by `qty` (the CHECKs refuse below zero or below reserved)."""
    session.connection().execute(_ADD_BIN, {"b_warehouse": warehouse, "b_bin": bin, "b_sku": sku, "b_qty": qty})


def locked_bin_rows(session, warehouse, bin, skus):
    """{sku: BinStock} in one bin, locked until commit (call after locking the SKUs' stock rows)."""
    rows = session.scalars(sa.select(BinStock).where(BinStock.warehouse == warehouse, BinStock.bin == bin,
                                                     BinStock.sku.in_(sorted(skus)))
                           .order_by(BinStock.sku).with_for_update()
                           .execution_options(populate_existing=True)).all()
    return {row.sku: row for row in rows}


def warehouse_ranks(session, provinces):
    """({warehouse: its own rank}, {(warehouse, province): rank}) for allocation's nearest warehouse."""
    ranks = dict(session.execute(sa.select(Warehouse.code, Warehouse.rank)).all())
    near = session.execute(sa.select(WarehouseProvince.warehouse, WarehouseProvince.province, WarehouseProvince.rank)
                           .where(WarehouseProvince.province.in_(sorted(p for p in provinces if p)))).all()
    return ranks, {(w, province): rank for w, province, rank in near}


def bin_exists(session, warehouse, bin):
    return session.get(Bin, (warehouse, bin)) is not None


def warehouse(session, code):
    return session.get(Warehouse, code)


def warehouses(session):
    """[(Warehouse, {province: rank})] by code."""
    found = session.scalars(sa.select(Warehouse).order_by(Warehouse.code)).all()
    near = {}
    for row in session.scalars(sa.select(WarehouseProvince).order_by(WarehouseProvince.rank)):
        near.setdefault(row.warehouse, {})[row.province] = row.rank
    return [(w, near.get(w.code, {})) for w in found]


def save_warehouse(session, code, name, rank, provinces):
    """Create or change a warehouse; its provinces' ranks become `provinces` ({province: rank})."""
    session.merge(Warehouse(code=code, name=name, rank=rank))
    session.flush()
    session.execute(sa.delete(WarehouseProvince).where(WarehouseProvince.warehouse == code))
    session.add_all(WarehouseProvince(warehouse=code, province=p, rank=r) for p, r in sorted(provinces.items()))


def add_bin(session, warehouse, code):
    """False if the bin exists already."""
    return bool(session.execute(insert_ignoring_duplicates(session.bind.dialect.name, Bin.__table__)
                                .values(warehouse=warehouse, code=code)).rowcount)


def bin_exists(session, warehouse, code):
    return session.get(Bin, (warehouse, code)) is not None


def stock_in_bin(session, warehouse, code):
    """The bin's rows holding anything (on hand or reserved), locked: [BinStock], by SKU."""
    return session.scalars(sa.select(BinStock).where(
        BinStock.warehouse == warehouse, BinStock.bin == code,
        (BinStock.on_hand > 0) | (BinStock.reserved > 0)).order_by(BinStock.sku).with_for_update()).all()


def remove_bin(session, warehouse, code):
    """The bin and its empty stock rows; its movements keep its code as they were."""
    session.execute(sa.delete(BinStock).where(BinStock.warehouse == warehouse, BinStock.bin == code,
                                              BinStock.on_hand == 0, BinStock.reserved == 0))
    session.execute(sa.delete(Bin).where(Bin.warehouse == warehouse, Bin.code == code))


def bins_in(session, warehouse):
    """The warehouse's bin codes, in route order."""
    return session.scalars(sa.select(Bin.code).where(Bin.warehouse == warehouse).order_by(Bin.code)).all()


def remove_warehouse(session, code):
    session.execute(sa.delete(WarehouseProvince).where(WarehouseProvince.warehouse == code))
    session.execute(sa.delete(Warehouse).where(Warehouse.code == code))


def bin_listing(session, warehouse=None, sku=None, limit=500):
    """Stock per warehouse and bin: [(warehouse, bin, sku, on_hand, reserved)], bins without stock as sku None."""
    query = (sa.select(Bin.warehouse, Bin.code, BinStock.sku, BinStock.on_hand, BinStock.reserved)
             .select_from(Bin.__table__.outerjoin(BINS, sa.and_(BINS.c.warehouse == Bin.warehouse,
                                                                 BINS.c.bin == Bin.code)))
             .order_by(Bin.warehouse, Bin.code, BinStock.sku).limit(limit))
    if warehouse:
        query = query.where(Bin.warehouse == warehouse)
    if sku:
        query = query.where(BinStock.sku == sku)
    return [tuple(row) for row in session.execute(query)]


def lock(session, skus):
    """The stock rows of `skus`, locked until commit (sorted: lockers never deadlock)."""
    rows = session.scalars(sa.select(StockItem).where(StockItem.sku.in_(sorted(skus)))
                           .order_by(StockItem.sku).with_for_update()
                           .execution_options(populate_existing=True)).all()
    return {row.sku: row for row in rows}


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


def record(session, sku, kind, change, by, reason, reference, now, warehouse=None, bin=None):
    """A stock movement, with on hand as it now stands (the SKU's total), and the bin it moved in."""
    on_hand = session.scalar(sa.select(StockItem.on_hand).where(StockItem.sku == sku))
    session.add(StockMovement(sku=sku, kind=kind, change=change, on_hand_after=on_hand, by=by,
                              reason=reason, reference=reference, at=now, warehouse=warehouse, bin=bin))


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
    if kind:   # one kind, or a tuple of kinds
        query = query.where(StockMovement.kind.in_([kind] if isinstance(kind, str) else kind))
    if sku:
        query = query.where(StockMovement.sku == sku)
    return session.scalars(query).all()


def sku_of_barcode(session, barcode):
    """The SKU a barcode is mapped to, or None."""
    return session.connection().execute(_BARCODE, {"b_barcode": barcode}).scalar()


def map_barcode(session, barcode, sku):
    session.merge(Barcode(barcode=barcode, sku=sku))
