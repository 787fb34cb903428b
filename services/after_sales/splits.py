"""A backorder split off an order (拆单, `order_review.order_split`; no nameko here). After-sales keeps its copy of
orders from `order_placed`, which knows nothing of backorders: without this, every shipping event of a backorder
waited for an order that never came and was dead-lettered, and the order's copy still counted the backorder's
goods and money as its own.

The backorder becomes an order of its own here too, as in review: the goods that moved and their worth (its total
and paid amount; the shipping fee stays with the order). Its own parcel's news then applies to it alone, and a
case about its goods is opened on its number."""
from decimal import Decimal

from contracts.base import schema
from contracts.order_review import ApprovedLine
from services.after_sales import orders, storage


def remaining(lines, taken):
    """`lines` (dicts with sku and qty, a SKU possibly twice) less `taken` ({sku: qty}), first lines first; lines
    left with nothing are dropped. What the order no longer has can't be taken twice: at most to zero."""
    taken, kept = dict(taken), []
    for line in lines:
        off = min(line["qty"], taken.get(line["sku"], 0))
        taken[line["sku"]] = taken.get(line["sku"], 0) - off
        if line["qty"] > off:
            kept.append({**line, "qty": line["qty"] - off})
    return kept


def money_split(paid, refunded, moved):
    """(the order's paid, its refunded; the backorder's paid, its refunded). The backorder was paid `moved`. A
    refund paid on the order before the split beyond what the order keeps went for the backorder's goods, and
    moves with them: the two add up to what they were, and neither has refunded more than it was paid."""
    kept = paid - moved
    return kept, min(refunded, kept), moved, max(Decimal("0.00"), refunded - kept)


def by_sku(lines):
    taken = {}
    for line in lines:
        taken[line["sku"]] = taken.get(line["sku"], 0) + line["qty"]
    return taken


def record_split(uow, event):
    """The backorder as an order of its own, and the order without its goods and money. Told twice, once."""
    session = uow.session
    order = orders.locked(session, event["order_no"])   # retried until its order_placed is here
    if storage.order(session, event["backorder_no"]) is not None:
        return None
    moved, taken = Decimal(event["goods_amount"]), by_sku(event["lines"])
    paid, refunded, backorder_paid, backorder_refunded = money_split(order.paid_amount, order.refunded, moved)
    lines = schema(ApprovedLine).dump(event["lines"], many=True)
    copy = {**order.order, "order_no": event["backorder_no"], "lines": lines, "shipping_fee": "0.00",
            "total": f"{moved:.2f}", "payment": {**order.order["payment"], "paid_amount": f"{moved:.2f}"}}
    storage.insert_order(session, {
        "order_no": event["backorder_no"], "customer_id": order.customer_id, "order": copy,
        "shipping_fee": Decimal("0.00"), "total": moved, "paid_amount": backorder_paid,
        "refunded": backorder_refunded, "payment_method": order.payment_method, "placed_at": order.placed_at,
        "status": orders.PLACED}, [
        {"order_no": event["backorder_no"], "shipped_qty": 0, "delivered_qty": 0, "returned_qty": 0, **line}
        for line in orders.merged_lines(event["lines"])])
    order.refunded, order.paid_amount, order.total = refunded, paid, order.total - moved
    order.order = {**order.order, "lines": remaining(order.order["lines"], taken), "total": f"{order.total:.2f}",
                   "payment": {**order.order["payment"], "paid_amount": f"{paid:.2f}"}}
    _take_lines(session, order.order_no, taken)
    return order


def _take_lines(session, order_no, taken):
    for line in storage.order_lines(session, order_no):
        line.qty -= min(line.qty, taken.get(line.sku, 0))
        if line.qty == 0:
            session.delete(line)
            continue
        # The order's own hand-over may have been told first, with every line shipped whole.
        line.shipped_qty, line.delivered_qty = min(line.shipped_qty, line.qty), min(line.delivered_qty, line.qty)
        line.returned_qty = min(line.returned_qty, line.qty)
