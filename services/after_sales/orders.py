"""Keeping after-sales' copy of each order from the bus (no nameko here): what was bought,
paid, shipped and delivered — the ground the refund and return caps stand on."""
from contracts.storefront import Order
from services.after_sales.models import SalesOrder, SalesOrderLine


class OrderNotYetKnown(Exception):
    """A shipping event overtook its order_placed (other queue): retried until the order is here."""


def record_order(uow, order):
    """The first copy stands: an order published again must not reset what was refunded or returned."""
    existing = uow.session.get(SalesOrder, order["order_no"])
    if existing is not None:
        return existing
    record = SalesOrder(order_no=order["order_no"], customer_id=order["customer"]["customer_id"],
                        order=Order().dump(order), shipping_fee=order["shipping_fee"], total=order["total"],
                        paid_amount=order["payment"]["paid_amount"], refunded=0,
                        payment_method=order["payment"]["method"], placed_at=order["placed_at"], status="placed")
    uow.session.add(record)
    for line in _merged_lines(order["lines"]):
        uow.session.add(SalesOrderLine(order_no=order["order_no"], shipped_qty=0, delivered_qty=0,
                                       returned_qty=0, **line))
    return record


def _merged_lines(lines):
    """One row per SKU (a storefront may list a SKU twice); the first line's price stands."""
    merged = {}
    for line in lines:
        row = merged.setdefault(line["sku"], {"sku": line["sku"], "name": line["name"], "qty": 0,
                                              "unit_price": line["unit_price"],
                                              "unit_weight_g": line["unit_weight_g"]})
        row["qty"] += line["qty"]
    return merged.values()


def _order(session, order_no):
    order = session.get(SalesOrder, order_no, with_for_update=True)
    if order is None:
        raise OrderNotYetKnown(order_no)
    return order


def _lines(session, order_no):
    return session.query(SalesOrderLine).filter_by(order_no=order_no).all()


def record_shipped(uow, event):
    order = _order(uow.session, event["order_no"])
    order.status, order.tracking_no, order.shipped_at = "shipped", event["tracking_no"], event["shipped_at"]
    for line in _lines(uow.session, order.order_no):
        line.shipped_qty = line.qty


def record_delivered(uow, event):
    order = _order(uow.session, event["order_no"])
    order.status, order.delivered_at = "delivered", event["delivered_at"]
    order.tracking_no = order.tracking_no or event["tracking_no"]
    if order.payment_method == "cod":   # the courier collected the money on delivery
        order.paid_amount = order.total
    for line in _lines(uow.session, order.order_no):
        line.shipped_qty = line.delivered_qty = line.qty


def record_rejected(uow, event):
    _order(uow.session, event["order_no"]).status = "rejected"


def handed_over(order):
    return order.status in ("shipped", "delivered")
