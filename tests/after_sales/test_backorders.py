"""A split's backorder (拆单, order_review's `order_split`) is an order of its own in after-sales: its parcel's
news finds it (before, every shipping event of a backorder was retried and dead-lettered), and the order keeps
only the goods and money that stayed with it."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from contracts.order_review import OrderSplit
from contracts.storefront import OrderPlaced
from services.after_sales import orders, splits, storage
from services.after_sales.models import SalesOrder
from services.after_sales.orders import OrderNotYetKnown
from shared.testing.bus import publish_event
from tests.after_sales.conftest import storefront_order

NOW = datetime(2026, 12, 4, 6, 0, tzinfo=timezone.utc)
CUP = {"sku": "SKU-001", "name": "保温杯", "qty": 1, "unit_price": "59.00", "unit_weight_g": 420}


def split_event(order_no, lines=(CUP,), amount="59.00", n=1):
    return {"order_no": order_no, "backorder_no": f"{order_no}-B{n}", "customer_id": "C-1", "lines": list(lines),
            "goods_amount": amount, "split_at": NOW}


def record(db, order_no, **kwargs):
    with db.unit_of_work() as uow:
        return splits.record_split(uow, OrderSplit().load({
            "event_id": "5e0b1c8e-2f4a-4c1b-9a53-0d4e8f0a7b2c", "occurred_at": NOW.isoformat(),
            **split_event(order_no, **kwargs), "split_at": NOW.isoformat()}))


def place(db, shipping_fee="10.00"):
    order = OrderPlaced().load(storefront_order(shipping_fee=shipping_fee))["order"]   # 2 × 59.00 + 19.90
    with db.unit_of_work() as uow:
        orders.record_order(uow, order)
    return order["order_no"]


def copy(db, order_no):
    with db.read() as session:
        order = session.get(SalesOrder, order_no)
        lines = {line.sku: (line.qty, line.shipped_qty) for line in storage.order_lines(session, order_no)}
        return order, lines


@pytest.mark.parametrize("taken, kept", [
    ({"A": 2}, []),                               # all of it: the line goes
    ({"A": 1}, [("A", 1)]),                       # one less than all: one stays
    ({"A": 3}, []),                               # more than it has: none left, never below
    ({"B": 1}, [("A", 2)]),                       # another SKU's: nothing
])
def test_what_remains_of_a_line(taken, kept):
    assert [(l["sku"], l["qty"]) for l in splits.remaining([{"sku": "A", "qty": 2}], taken)] == kept


def test_a_sku_listed_twice_loses_its_first_lines_first():
    lines = [{"sku": "A", "qty": 1, "n": 1}, {"sku": "B", "qty": 1, "n": 2}, {"sku": "A", "qty": 2, "n": 3}]
    assert splits.remaining(lines, {"A": 2}) == [{"sku": "B", "qty": 1, "n": 2}, {"sku": "A", "qty": 1, "n": 3}]


@pytest.mark.parametrize("refunded, order_refunded, backorder_refunded", [
    ("78.90", "78.90", "0.00"),     # no more than the order keeps: it stays with the order
    ("78.91", "78.90", "0.01"),     # a cent beyond: the cent moves with the goods
    ("0.00", "0.00", "0.00"),
])
def test_a_refund_paid_before_the_split_stays_within_what_each_was_paid(refunded, order_refunded, backorder_refunded):
    paid, refunded, backorder_paid, moved_refund = splits.money_split(Decimal("137.90"), Decimal(refunded),
                                                                      Decimal("59.00"))
    assert (paid, backorder_paid) == (Decimal("78.90"), Decimal("59.00"))
    assert (refunded, moved_refund) == (Decimal(order_refunded), Decimal(backorder_refunded))


def test_the_backorder_becomes_an_order_of_its_own_with_the_goods_and_money_that_moved(after_sales_db):
    db = after_sales_db
    order_no = place(db)
    record(db, order_no)
    order, lines = copy(db, order_no)
    assert (order.total, order.paid_amount, order.shipping_fee) == (Decimal("88.90"), Decimal("88.90"),
                                                                     Decimal("10.00"))
    assert lines == {"SKU-001": (1, 0), "SKU-006": (1, 0)}
    assert [(l["sku"], l["qty"]) for l in order.order["lines"]] == [("SKU-001", 1), ("SKU-006", 1)]
    assert (order.order["total"], order.order["payment"]["paid_amount"]) == ("88.90", "88.90")
    backorder, lines = copy(db, f"{order_no}-B1")
    assert (backorder.total, backorder.paid_amount, backorder.shipping_fee, backorder.refunded) == (
        Decimal("59.00"), Decimal("59.00"), Decimal("0.00"), Decimal("0.00"))
    assert (backorder.customer_id, backorder.placed_at, backorder.status) == (order.customer_id, order.placed_at,
                                                                               "placed")
    assert lines == {"SKU-001": (1, 0)}
    assert backorder.order["order_no"] == f"{order_no}-B1" and backorder.order["customer"] == order.order["customer"]

    assert record(db, order_no) is None   # told again (another event id): once
    assert copy(db, order_no)[0].total == Decimal("88.90")


def test_a_line_that_moved_whole_leaves_the_order(after_sales_db):
    db = after_sales_db
    order_no = place(db)
    record(db, order_no, lines=({**CUP, "qty": 2},), amount="118.00")
    assert copy(db, order_no)[1] == {"SKU-006": (1, 0)}
    assert copy(db, f"{order_no}-B1")[1] == {"SKU-001": (2, 0)}


def test_the_orders_hand_over_told_before_the_split_ships_only_what_stayed(after_sales_db):
    db = after_sales_db
    order_no = place(db)
    with db.unit_of_work() as uow:
        orders.record_shipped(uow, {"order_no": order_no, "tracking_no": "EE123456785CN", "shipped_at": NOW})
    record(db, order_no)
    assert copy(db, order_no)[1] == {"SKU-001": (1, 1), "SKU-006": (1, 1)}
    assert copy(db, f"{order_no}-B1")[1] == {"SKU-001": (1, 0)}


def test_a_split_of_an_order_not_here_yet_is_retried(after_sales_db):
    with pytest.raises(OrderNotYetKnown):
        record(after_sales_db, "SO-NOT-HERE")


def test_over_the_bus_a_backorders_parcel_is_shipped_and_delivered_on_its_own(desk):
    order_no = desk.place()
    publish_event(desk.amqp_uri, "order_review", "order_split", split_event(order_no))
    backorder_no = f"{order_no}-B1"
    desk.deliver(backorder_no)   # before: retried as an order not yet known, then dead-lettered
    assert desk.wait_order(order_no, "placed").paid_amount == Decimal("78.90")
    delivered = desk.wait_order(backorder_no, "delivered")
    assert delivered.paid_amount == Decimal("59.00")
