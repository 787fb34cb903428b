"""Stock per SKU (库存) and per bin (库位): receive, count, transfer, reserve, release, ship, and low-stock
warnings (预警). A SKU's stock row is its total over every warehouse and bin (what is sellable); its bin rows
say where the goods are, and change in the same transaction as the total.

The quantities change through `storage.stock`'s conditional UPDATEs; here is what each change means:
a reservation that finds too little is a shortage, less reserved than an order holds is a bug, a count
may not book less than is promised to orders, and a SKU is warned of once per dip under its threshold.
"""
from services.picking_packing.models import DEFAULT_BIN, DEFAULT_WAREHOUSE
from services.picking_packing.storage import stock as stored
from shared.errors import Conflict, NotFound


class StockShortage(Exception):
    """A reservation found less available than it needs (the caller's transaction must roll back)."""


class ReservationMissing(Exception):
    """Less is reserved than an order holds: a bug, never a business answer (roll back)."""


def after_reserving(levels, needs):
    return {sku: level._replace(available=level.available - needs.get(sku, 0)) for sku, level in levels.items()}


def reserve(session, needs, order_no=None, warehouse=None, takes=(), line_bins_stored=False):
    """Reserve {sku: qty} in total and in the bins planned (`takes`: [(bin, sku, qty)] of `warehouse`); raises
    StockShortage if any SKU has not enough available."""
    for sku, qty in sorted(needs.items()):
        if not stored.reserve_one(session, sku, qty):
            raise StockShortage(sku)
    stored.reserve_bins(session, order_no, warehouse, takes, None if line_bins_stored else first_bins(takes))


def first_bins(takes):
    """{sku: its first bin on the pick route} of the takes [(bin, sku, qty)]."""
    first = {}
    for code, sku, _ in sorted(takes):
        first.setdefault(sku, code)
    return first


def release(session, needs, order_no):
    """Give reserved goods back to available, in total and in their bins (a cancelled order)."""
    for sku, qty in sorted(needs.items()):
        if not stored.release_one(session, sku, qty):
            raise ReservationMissing(f"{sku}: less reserved than {qty}")
    for warehouse, code, sku, qty in stored.pick_bins(session, order_no):
        if not stored.release_bin(session, warehouse, code, sku, qty):
            raise ReservationMissing(f"{sku}: less reserved than {qty} in {warehouse} {code}")


def ship(session, needs, by, reference, now, reserved=True):
    """Goods leave the warehouse with the courier (each SKU's movement says what is left): reserved goods, or
    with `reserved=False` available ones (StockShortage when fewer are), from the bins they were reserved in."""
    # The totals before the bins, as every stock change takes them: bins first deadlocked with allocation.
    left = {}
    for sku, qty in sorted(needs.items()):
        left[sku] = stored.ship_one(session, sku, qty, reserved)
        if left[sku] is None:
            raise ReservationMissing(f"{sku}: less reserved than {qty}") if reserved else StockShortage(sku)
    bins = {}
    for warehouse, code, sku, qty in stored.pick_bins(session, reference):
        if not stored.ship_bin(session, warehouse, code, sku, qty, reserved):
            raise (ReservationMissing(f"{sku}: less reserved than {qty}") if reserved else StockShortage(sku))
        bins.setdefault(sku, (warehouse, code))
    movements = []
    for sku, qty in sorted(needs.items()):
        warehouse, code = bins.get(sku, (None, None))
        movements.append({"sku": sku, "kind": "shipped", "change": -qty, "on_hand_after": left[sku], "by": by,
                          "reason": "handed over to the courier", "reference": reference, "at": now,
                          "warehouse": warehouse, "bin": code})
    if movements:
        stored.insert_movements(session, movements)


def add(session, sku, qty, kind, by, reason, reference, now, warehouse=DEFAULT_WAREHOUSE, bin=DEFAULT_BIN):
    """Goods come onto the shelf (received, repacked, returned), into a bin (the default one unless named)."""
    stored.ensure_rows(session, [sku])
    stored.ensure_bin_rows(session, warehouse, bin, [sku])
    stored.add_on_hand(session, sku, qty)
    stored.add_to_bin(session, warehouse, bin, sku, qty)
    stored.record(session, sku, kind, qty, by, reason, reference, now, warehouse, bin)


def count(session, counted, by, reason, now, warehouse=DEFAULT_WAREHOUSE, bin=DEFAULT_BIN):
    """A stock count (盘点) of one bin: on hand there becomes what was counted; each difference is an adjustment
    (of the bin and of the SKU's total)."""
    stored.ensure_rows(session, counted)
    stored.ensure_bin_rows(session, warehouse, bin, counted)
    rows = stored.lock(session, counted)   # the totals first, as every stock change locks them
    bins = stored.locked_bin_rows(session, warehouse, bin, counted)
    below = [{"sku": sku, "counted": qty, "reserved": bins[sku].reserved}
             for sku, qty in sorted(counted.items()) if qty < bins[sku].reserved]
    if below:
        # Reservations are promises to customers: resolve those orders before booking less than they hold.
        raise Conflict("counted less than is reserved for orders", code="count_below_reserved", lines=below)
    differences = {}
    for sku, qty in sorted(counted.items()):
        difference = qty - bins[sku].on_hand
        if difference:
            before = rows[sku].on_hand
            stored.set_on_hand(session, sku, before, before + difference)
            stored.add_to_bin(session, warehouse, bin, sku, difference)
            stored.record(session, sku, "count", difference, by, reason, None, now, warehouse, bin)
            differences[sku] = difference
    return differences


def transfer(session, sku, qty, source, target, by, reason, now):
    """调拨/移库: `qty` of `sku` moves from one bin (`source`: (warehouse, bin)) to another, in one warehouse or
    between two; the SKU's total does not change. Only available goods move (reserved ones are promised)."""
    if source == target:
        raise Conflict("a transfer moves goods to another bin", code="transfer_same_bin", sku=sku)
    stored.ensure_rows(session, [sku])
    stored.ensure_bin_rows(session, *target, [sku])
    stored.lock(session, [sku])   # the total first, as every stock change locks it
    found = stored.locked_bin_rows(session, *source, [sku]).get(sku)
    available = found.on_hand - found.reserved if found else 0
    if available < qty:
        raise Conflict(f"{sku}: {available} available in {source[0]} {source[1]}, moving {qty}",
                       code="transfer_exceeds_available", sku=sku, available=available, qty=qty,
                       warehouse=source[0], bin=source[1])
    stored.add_to_bin(session, *source, sku, -qty)
    stored.add_to_bin(session, *target, sku, qty)
    stored.record(session, sku, "transfer_out", -qty, by, reason, None, now, *source)
    stored.record(session, sku, "transfer_in", qty, by, reason, None, now, *target)


def set_threshold(session, sku, threshold):
    stored.ensure_rows(session, [sku])
    stored.set_threshold(session, sku, threshold)


def get(session, sku):
    item = stored.item(session, sku)
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
        rows = stored.levels(session, skus)
    for row in rows:
        threshold = threshold_of(row, default_threshold)
        low = row.available < threshold
        if low != row.low_warned and stored.set_warned(session, row.sku, row.low_warned, low) and low:
            uow.publish("stock_low", {"sku": row.sku, "available": row.available, "threshold": threshold},
                        aggregate_id=row.sku)
