"""First come, first served: which orders waiting for stock the shelves can serve now.

An order that cannot be served keeps its claim on the goods it needs, so a
later order never takes stock an earlier one is waiting for (business rules
§2: out-of-stock orders are held, then served in turn).
"""
from services.picking_packing import stock
from services.picking_packing.status import READY, WAITING
from services.picking_packing.storage import pick_lists as stored_lists
from services.picking_packing.storage import stock as stored_stock


def plan(waiting, available):
    """waiting: [(order_no, {sku: qty})], oldest first; available: {sku: qty}.

    Returns (order_nos to serve, {order_no: [{sku, needed, available}]} still short).
    """
    left = dict(available)
    served, short = [], {}
    for order_no, needs in waiting:
        missing = [{"sku": sku, "needed": qty, "available": max(0, left.get(sku, 0))}
                   for sku, qty in sorted(needs.items()) if left.get(sku, 0) < qty]
        if missing:
            short[order_no] = missing
        else:
            served.append(order_no)
        for sku, qty in needs.items():
            left[sku] = left.get(sku, 0) - qty
    return served, short


def needs_of(pick_list):
    return {line.sku: line.qty for line in pick_list.lines}


def serve_waiting(uow, settings, new_order_no=None):
    """Reserve stock for every waiting order it now suffices for, in order; returns who is still short."""
    session = uow.session
    waiting = stored_lists.in_status(session, WAITING)
    if not waiting:
        return {}
    needs = {pick_list.order_no: needs_of(pick_list) for pick_list in waiting}
    skus = set().union(*needs.values())
    available = {sku: row.available for sku, row in stored_stock.lock(session, skus).items()}
    served, short = plan([(p.order_no, needs[p.order_no]) for p in waiting], available)
    for order_no in served:
        # Another worker may have served it since we looked: the status guard decides.
        if stored_lists.transition(session, order_no, [WAITING], READY):
            stock.reserve(session, needs[order_no])
            announce_reserved(uow, order_no, needs[order_no], was_waiting=order_no != new_order_no)
    stock.check_low(uow, skus, settings.low_stock_threshold)
    return short


def announce_reserved(uow, order_no, needs, was_waiting):
    uow.publish("stock_reserved", {
        "order_no": order_no, "was_waiting": was_waiting,
        "lines": [{"sku": sku, "qty": qty} for sku, qty in sorted(needs.items())],
    }, aggregate_id=order_no)
