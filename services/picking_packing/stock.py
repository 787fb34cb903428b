"""Stock per SKU (库存): receive, count, reserve, release, ship, and low-stock warnings (预警).

The quantities change through `storage.stock`'s conditional UPDATEs; here is what each change means:
a reservation that finds too little is a shortage, less reserved than an order holds is a bug, a count
may not book less than is promised to orders, and a SKU is warned of once per dip under its threshold.
"""
from services.picking_packing.storage import stock as stored
from shared.errors import Conflict, NotFound


class StockShortage(Exception):
    """A reservation found less available than it needs (the caller's transaction must roll back)."""


class ReservationMissing(Exception):
    """Less is reserved than an order holds: a bug, never a business answer (roll back)."""


def after_reserving(levels, needs):
    return {sku: level._replace(available=level.available - needs.get(sku, 0)) for sku, level in levels.items()}


def reserve(session, needs):
    """Reserve {sku: qty}; raises StockShortage if any SKU has not enough available."""
    for sku, qty in sorted(needs.items()):
        if not stored.reserve_one(session, sku, qty):
            raise StockShortage(sku)


def release(session, needs):
    """Give reserved goods back to available (a cancelled order)."""
    for sku, qty in sorted(needs.items()):
        if not stored.release_one(session, sku, qty):
            raise ReservationMissing(f"{sku}: less reserved than {qty}")


def ship(session, needs, by, reference, now, reserved=True):
    """Goods leave the warehouse with the courier (each SKU's movement says what is left): reserved goods, or
    with `reserved=False` available ones (StockShortage when fewer are)."""
    movements = []
    for sku, qty in sorted(needs.items()):
        on_hand = stored.ship_one(session, sku, qty, reserved)
        if on_hand is None and reserved:
            raise ReservationMissing(f"{sku}: less reserved than {qty}")
        if on_hand is None:
            raise StockShortage(sku)
        movements.append({"sku": sku, "kind": "shipped", "change": -qty, "on_hand_after": on_hand, "by": by,
                          "reason": "handed over to the courier", "reference": reference, "at": now})
    if movements:
        stored.insert_movements(session, movements)


def add(session, sku, qty, kind, by, reason, reference, now):
    """Goods come onto the shelf (received, repacked)."""
    stored.ensure_rows(session, [sku])
    stored.add_on_hand(session, sku, qty)
    stored.record(session, sku, kind, qty, by, reason, reference, now)


def count(session, counted, by, reason, now):
    """A stock count (盘点): on hand becomes what was counted; each difference is an adjustment."""
    stored.ensure_rows(session, counted)
    rows = stored.lock(session, counted)
    below = [{"sku": sku, "counted": qty, "reserved": rows[sku].reserved}
             for sku, qty in sorted(counted.items()) if qty < rows[sku].reserved]
    if below:
        # Reservations are promises to customers: resolve those orders before booking less than they hold.
        raise Conflict("counted less than is reserved for orders", code="count_below_reserved", lines=below)
    differences = {}
    for sku, qty in sorted(counted.items()):
        before = rows[sku].on_hand
        if qty != before:
            stored.set_on_hand(session, sku, before, qty)
            stored.record(session, sku, "count", qty - before, by, reason, None, now)
            differences[sku] = qty - before
    return differences


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
