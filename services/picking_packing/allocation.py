"""First come, first served, from one warehouse: which orders waiting for stock the shelves can serve now,
from which warehouse and which bins.

A pick list is served whole from one warehouse: the nearest to the order's province (its rank for the
province, else the warehouse's own rank) that holds every line. When none does, the order waits (first
come, first served as before) and keeps its claim in the warehouse that holds the most of it (the nearest
on a tie), so a later order never takes stock an earlier one is waiting for there (business rules §2:
out-of-stock orders are held, then served in turn). A receipt or a transfer (调拨) that completes some
warehouse serves it. Bounded overtaking (issue #23): a later order may take stock a waiting one can't be
served whole with yet, until the waiting one has been overtaken FIFO_OVERTAKE_LIMIT times (0: strict). Within the warehouse a line is taken from the first bin on the pick route (bin codes
in order) that holds all of it, else from its bins in route order.
"""
from services.picking_packing import stock
from services.picking_packing.status import READY, WAITING
from services.picking_packing.storage import pick_lists as stored_lists
from services.picking_packing.storage import stock as stored_stock


def plan(waiting, available):
    """waiting: [(order_no, {sku: qty})], oldest first; available: {sku: qty} in one warehouse.

    Returns (order_nos to serve, {order_no: [{sku, needed, available}]} still short).
    """
    shelves = {"": {sku: [("", qty)] for sku, qty in available.items()}}
    served, short = plan_from([(order_no, needs, None) for order_no, needs in waiting], shelves, lambda _: [""])
    return [order_no for order_no, _, _ in served], short


def plan_from(waiting, shelves, nearest, overtaken=None, limit=0):
    """waiting: [(order_no, {sku: qty}, province)], oldest first; shelves: {warehouse: {sku: [(bin, available)]}}
    with each SKU's bins in route order; nearest(province): the warehouse codes, nearest first; overtaken and
    limit: see `plan_overtaking` (none given: strict first come, first served).

    Returns ([(order_no, warehouse, [(bin, sku, qty)])] to serve, {order_no: [{sku, needed, available}]} short).
    """
    served, short, _ = plan_overtaking(waiting, shelves, nearest, overtaken, limit)
    return served, short


def plan_overtaking(waiting, shelves, nearest, overtaken=None, limit=0):
    """`plan_from` with bounded overtaking (issue #23): a waiting order its warehouse can't serve whole yet lets
    later orders take the stock it waits for, until it has been overtaken `limit` times (overtaken: {order_no:
    times so far}); from then on that stock is held for it. limit 0: strict first come, first served.

    Returns (served, short, [(earlier order_no, later order_no)]: each overtaking).
    """
    bins = {w: {sku: [[code, qty] for code, qty in found] for sku, found in skus.items()} for w, skus in shelves.items()}
    left = {w: {sku: sum(qty for _, qty in found) for sku, found in skus.items()} for w, skus in shelves.items()}
    times = dict(overtaken or {})
    served, short, passing, overtakes = [], {}, [], []
    for order_no, needs, province in waiting:
        order = [w for w in nearest(province) if w in left]
        claim = next((w for w in order if all(left[w].get(sku, 0) >= qty for sku, qty in needs.items())), None)
        if claim is not None:
            served.append((order_no, claim, _takes(bins[claim], needs)))
            _hold(left[claim], needs)
            for earlier in [p for p in passing if p[1] == claim and set(p[2]) & set(needs)]:
                overtakes.append((earlier[0], order_no))
                times[earlier[0]] = times.get(earlier[0], 0) + 1
                if times[earlier[0]] >= limit:   # the bound: its stock is held for it from now on
                    passing.remove(earlier)
                    _hold(left[claim], earlier[2])
            continue
        claim = _most(order, left, needs)
        there = left.get(claim, {})
        short[order_no] = [{"sku": sku, "needed": qty, "available": max(0, there.get(sku, 0))}
                           for sku, qty in sorted(needs.items()) if there.get(sku, 0) < qty]
        if claim is not None and times.get(order_no, 0) < limit:
            passing.append((order_no, claim, needs))   # later orders may pass it
        elif claim is not None:
            _hold(left[claim], needs)
    return served, short, overtakes


def _hold(left, needs):
    for sku, qty in needs.items():
        left[sku] = left.get(sku, 0) - qty


def _most(order, left, needs):
    """The warehouse holding the most of the order (the nearest on a tie); None when none is known."""
    best, most = None, -1
    for warehouse in order:
        held = sum(min(qty, max(0, left[warehouse].get(sku, 0))) for sku, qty in needs.items())
        if held > most:
            best, most = warehouse, held
    return best


def _takes(bins, needs):
    """[(bin, sku, qty)]: each line from the first bin holding all of it, else from its bins in route order."""
    takes = []
    for sku, qty in sorted(needs.items()):
        found = bins.get(sku, [])
        whole = next((place for place in found if place[1] >= qty), None)
        for place in [whole] if whole else found:
            take = min(qty, place[1])
            if take > 0:
                takes.append((place[0], sku, take))
                place[1] -= take
                qty -= take
    return takes


def needs_of(pick_list):
    return {line.sku: line.qty for line in pick_list.lines}


def nearest(session, shelves, provinces):
    """nearest(province) for the warehouses on the shelves (one warehouse: no question to ask)."""
    if len(shelves) <= 1:
        return lambda province: list(shelves)
    ranks, near = stored_stock.warehouse_ranks(session, provinces)
    return lambda province: sorted(ranks, key=lambda w: (near.get((w, province), ranks[w]), w))


def serve_waiting(uow, settings, new_order_no=None):
    """Reserve stock for every waiting order it now suffices for, in order; returns who is still short."""
    session = uow.session
    waiting = stored_lists.in_status(session, WAITING)
    if not waiting:
        return {}
    needs = {pick_list.order_no: needs_of(pick_list) for pick_list in waiting}
    skus = set().union(*needs.values())
    levels, shelves = stored_stock.locked_stock(session, skus)
    served, short, overtakes = plan_overtaking(
        [(p.order_no, needs[p.order_no], p.province) for p in waiting], shelves,
        nearest(session, shelves, {p.province for p in waiting}),
        stored_lists.overtaken(session, list(needs)), settings.fifo_overtake_limit)
    moved = set()
    for order_no, warehouse, takes in served:
        # Another worker may have served it since we looked: the status guard decides.
        if stored_lists.transition(session, order_no, [WAITING], READY, warehouse=warehouse):
            moved.add(order_no)
            stock.reserve(session, needs[order_no], order_no, warehouse, takes)
            announce_reserved(uow, order_no, needs[order_no], was_waiting=order_no != new_order_no)
    stored_lists.count_overtaken(session, [earlier for earlier, later in overtakes if later in moved])
    stock.check_low(uow, skus, settings.low_stock_threshold)
    return short


def announce_reserved(uow, order_no, needs, was_waiting):
    uow.publish("stock_reserved", {
        "order_no": order_no, "was_waiting": was_waiting,
        "lines": [{"sku": sku, "qty": qty} for sku, qty in sorted(needs.items())],
    }, aggregate_id=order_no)
