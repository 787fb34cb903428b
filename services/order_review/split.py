"""Split an order waiting for stock (拆单, issue #23): what is in stock ships now, the rest follows as a backorder.

Only an approved, prepaid order waiting for its goods (an open OUT_OF_STOCK hold: the warehouse has not started)
with something in stock, by what picking told review (`order_out_of_stock`'s `short`). The order keeps the goods
in stock through the goods-change path (`order_goods_changed`, so the pick list takes it while nothing is picked);
the rest becomes the backorder `<order_no>-B<n>`, approved (`order_approved` with `split_from`) only once picking
confirms it took the change (`order_goods_change_taken`). If picking refused it (a scan came first) the order
keeps all its goods and no backorder is made. Money: the order was paid in full; the backorder's goods' worth
moves with them (its total and paid amount; the shipping fee stays with the order), so the two add up to what
was paid. A backorder keeps the order's turn in first come, first served (its `approved_at` is the order's).
"""
from decimal import Decimal

from contracts.base import schema
from contracts.storefront import Order
from services.order_review import decisions, events, intake, rules, storage
from services.order_review.models import (
    APPROVED, AUTO, SPLIT_DONE, SPLIT_PENDING, SPLIT_REFUSED, GoodsChange, OrderSplit)
from shared.errors import Conflict

BACKORDER_NO_MAX = 64   # an order number's length (contracts.storefront.ORDER_NO, order_splits.backorder_no)


def parcels(lines, short):
    """(the lines in stock now, the backorder's lines): of a SKU picking reported short, what it has available
    (at most what is needed); of any other, all of it. Lines keep their order; empty ones are left out."""
    available = {s["sku"]: max(0, min(s["available"], s["needed"])) for s in short}
    now, later = [], []
    for line in lines:
        have = min(line["qty"], available.get(line["sku"], line["qty"]))
        if line["sku"] in available:
            available[line["sku"]] -= have
        if have:
            now.append({**line, "qty": have})
        if line["qty"] > have:
            later.append({**line, "qty": line["qty"] - have})
    return now, later


def worth(lines):
    return sum((Decimal(str(line["unit_price"])) * line["qty"] for line in lines), Decimal("0.00"))


def _money(amount):
    return f"{amount:.2f}"


def moved(order, lines, sign):
    """The order with `lines`' worth taken out of (sign -1) or put back into (sign 1) its total and paid amount."""
    amount = worth(lines) * sign
    payment = order["payment"]
    return {**order, "total": _money(Decimal(order["total"]) + amount),
            "payment": {**payment, "paid_amount": _money(Decimal(payment["paid_amount"]) + amount)}}


def check(record, open_holds, pending):
    """The short report the split follows, or the refusal (409 with its code)."""
    order_no = record.order_no
    if record.status != APPROVED:
        raise Conflict(f"order {order_no} is {record.status}: only an approved order waiting for stock is split",
                       code="not_waiting", order_status=record.status)
    hold = next((hold for hold in open_holds if hold.code == rules.OUT_OF_STOCK), None)
    if hold is None:
        raise Conflict(f"order {order_no} is with the warehouse: it can't be split now", code="warehouse_started")
    if record.order["payment"]["method"] == "cod":
        raise Conflict(f"order {order_no} is cash on delivery: one parcel collects the cash, it isn't split",
                       code="split_cod")
    if pending:
        raise Conflict(f"order {order_no} is being split already: the warehouse has not answered yet",
                       code="split_pending")
    return (hold.params or {}).get("short", [])


def split(uow, order_no, staff_id, now, settings):
    """A reviewer splits the order (POST /orders/<no>/split): their claim first, as for any decision."""
    record = decisions.claim(uow, order_no, staff_id, now, settings)
    return split_record(uow, record, staff_id, now)


def split_record(uow, record, by, now):
    session, order_no = uow.session, record.order_no
    short = check(record, storage.open_holds(session, order_no), storage.split_pending(session, order_no))
    keep, later = parcels(record.order["lines"], short)
    if not keep:
        raise Conflict(f"nothing of order {order_no} is in stock: there is nothing to ship now",
                       code="nothing_in_stock", short=short)
    if not later:
        raise Conflict(f"order {order_no} is not short of anything", code="not_waiting", order_status=record.status)
    backorder_no = f"{order_no}-B{len(storage.splits(session, order_no)) + 1}"
    if len(backorder_no) > BACKORDER_NO_MAX:
        raise Conflict(f"order {order_no}'s backorder number {backorder_no} would be longer than "
                       f"{BACKORDER_NO_MAX} characters", code="backorder_no_too_long", backorder_no=backorder_no)
    change = GoodsChange(order_no=order_no, before=record.order["lines"], after=keep, reviewer=by, changed_at=now,
                         reason=f"split: {backorder_no}")
    session.add(change)
    record.order = {**moved(record.order, later, -1), "lines": keep}   # a new dict: JSON columns track assignment
    record.total, record.goods_key = Decimal(record.order["total"]), rules.goods_key(keep)
    session.flush()
    session.add(OrderSplit(order_no=order_no, backorder_no=backorder_no, change_id=change.id, lines=later, by=by,
                           requested_at=now, status=SPLIT_PENDING))
    uow.publish("order_goods_changed", events.goods_changed(record, change), aggregate_id=order_no)
    return record


def auto_split(uow, record, settings, now):
    """SPLIT_WAITING_ORDERS: an order the warehouse reports short is split at once when it may be (else it
    waits, as before)."""
    if not settings.split_waiting_orders:
        return None
    try:
        return split_record(uow, record, AUTO, now)
    except Conflict:
        return None


def change_taken(uow, event, now):
    """Picking took the order's goods change (order_goods_change_taken): a split's backorder is approved now."""
    session = uow.session
    found = storage.split_of_change(session, event["change_id"])
    if found is None or found.status != SPLIT_PENDING:
        return None
    parent = storage.order(session, found.order_no, lock=True)
    goods = _money(worth(found.lines))
    order = {**parent.order, "order_no": found.backorder_no, "lines": found.lines, "shipping_fee": "0.00",
             "total": goods, "payment": {**parent.order["payment"], "paid_amount": goods}, "replacement_of": None}
    storage.insert_order(session, dict(
        order_no=found.backorder_no, customer_id=parent.customer_id, total=worth(found.lines),
        placed_at=parent.placed_at, received_at=now, order=order, goods_key=rules.goods_key(found.lines),
        content_hash=intake.content_hash(order), replacement_of=None, status=APPROVED, decided_at=now,
        claimed_by=None, claim_expires_at=None))
    storage.record_decision(session, found.backorder_no, APPROVED, found.by, now, 0.0,
                            f"split from {found.order_no}")
    found.status, found.settled_at = SPLIT_DONE, now
    # Before the backorder's approval: those keeping their own copy of orders learn its number from this.
    uow.publish("order_split", events.split(found, parent.customer_id, goods, now), aggregate_id=found.order_no)
    approved = events.approved(schema(Order).load(order), found.by, parent.decided_at or now, 0.0)
    uow.publish("order_approved", {**approved, "split_from": found.order_no}, aggregate_id=found.backorder_no)
    return found


def change_refused(session, record, change, now):
    """Picking refused a split's goods change (a scan came first): the order keeps all its goods and its money;
    no backorder. True if the change was a split's."""
    found = storage.split_of_change(session, change.id)
    if found is None or found.status != SPLIT_PENDING:
        return False
    found.status, found.settled_at = SPLIT_REFUSED, now
    if record.order["lines"] == change.after:
        record.order = {**moved(record.order, found.lines, 1), "lines": change.before}
        record.total = Decimal(record.order["total"])
    return True

