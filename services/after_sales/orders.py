"""Keeping after-sales' copy of each order from the bus (no nameko here): what was bought,
paid, shipped and delivered — the ground the refund and return caps stand on."""
from contracts.base import schema
from contracts.storefront import Order
from services.after_sales import storage

# Where an order stands, as after-sales knows it from the bus.
PLACED, CANCELLED, REJECTED = "placed", "cancelled", "rejected"
SHIPPED, DELIVERED = "shipped", "delivered"
RETURNED = "returned"   # a prepaid parcel back with us (undeliverable or refused)
REFUSED = "refused"     # a COD parcel back with us: refused by the buyer (拒收), nothing was paid
HANDED_OVER = (SHIPPED, DELIVERED, RETURNED, REFUSED)


class OrderNotYetKnown(Exception):
    """A shipping event overtook its order_placed (other queue): retried until the order is here."""


def record_order(uow, order):
    """The first copy stands: an order published again must not reset what was refunded or returned."""
    storage.insert_order(uow.session, {
        "order_no": order["order_no"], "customer_id": order["customer"]["customer_id"],
        "order": schema(Order).dump(order), "shipping_fee": order["shipping_fee"], "total": order["total"],
        "paid_amount": order["payment"]["paid_amount"], "refunded": 0, "payment_method": order["payment"]["method"],
        "placed_at": order["placed_at"], "status": PLACED}, [
        {"order_no": order["order_no"], "shipped_qty": 0, "delivered_qty": 0, "returned_qty": 0, **line}
        for line in merged_lines(order["lines"])])


def merged_lines(lines):
    """One row per SKU (a storefront may list a SKU twice); the first line's price stands."""
    merged = {}
    for line in lines:
        row = merged.setdefault(line["sku"], {"sku": line["sku"], "name": line["name"], "qty": 0,
                                              "unit_price": line["unit_price"],
                                              "unit_weight_g": line["unit_weight_g"]})
        row["qty"] += line["qty"]
    return merged.values()


def locked(session, order_no):
    """The order, locked for this transaction; retried until its order_placed has arrived."""
    order = storage.order_for_update(session, order_no)
    if order is None:
        raise OrderNotYetKnown(order_no)
    return order


def record_shipped(uow, event):
    """Handed to the carrier: every line goes out whole."""
    if not storage.mark_shipped(uow.session, event["order_no"], SHIPPED, event["tracking_no"], event["shipped_at"]):
        raise OrderNotYetKnown(event["order_no"])


def record_delivered(uow, event):
    order = locked(uow.session, event["order_no"])
    order.status, order.delivered_at = DELIVERED, event["delivered_at"]
    order.tracking_no = order.tracking_no or event["tracking_no"]
    if order.payment_method == "cod":   # the courier collected the money on delivery
        order.paid_amount = order.total
    for line in storage.order_lines(uow.session, order.order_no):
        line.shipped_qty = line.delivered_qty = line.qty
    return order


def record_secured(uow, order_no, how, at):
    """The carrier has the parcel coming back: the first word of it stands."""
    order = locked(uow.session, order_no)
    if order.goods_secured_at is None:
        order.goods_secured_at, order.goods_secured_how = at, how
    return order


def record_back(order):
    """The parcel is back with us: a COD order was refused by the buyer, a prepaid one just returned."""
    order.status = REFUSED if order.payment_method == "cod" else RETURNED


def record_rejected(uow, event):
    locked(uow.session, event["order_no"]).status = REJECTED


def handed_over(order):
    return order.status in HANDED_OVER
