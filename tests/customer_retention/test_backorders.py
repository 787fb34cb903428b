"""A split's backorder (拆单, order_review's `order_split`) is the same purchase: its parcel's news lands on the
order it was split from (before, every such event was retried as an order not yet placed, then dead-lettered),
and the buyer's counters count one order."""
from datetime import timedelta

import pytest

from services.customer_retention import analytics, pool
from services.customer_retention.customers import OrderNotKnownYet
from services.customer_retention.models import Customer, CustomerOrder
from tests.customer_retention.conftest import T0, uid
from tests.customer_retention.test_care import place, react, tasks


def split(db, settings, order_no, n=1):
    react(db, settings, "order_review", "order_split", {
        "order_no": order_no, "backorder_no": f"{order_no}-B{n}", "customer_id": "C-1", "goods_amount": "40.00",
        "split_at": T0.isoformat(), "lines": [
            {"sku": "SKU-001", "name": "保温杯", "qty": 1, "unit_price": "40.00", "unit_weight_g": 420}]})
    return f"{order_no}-B{n}"


def parcel(db, settings, order_no, event_type, at, **fields):
    react(db, settings, "shipping_labels", event_type, {"order_no": order_no, "tracking_no": "EE123456785CN",
                                                        **fields})


def test_a_backorders_parcel_is_news_of_the_order_it_was_split_from(db, settings):
    order = place(db, settings, total="100.00")
    order_no = order["order_no"]
    backorder_no = split(db, settings, order_no)
    split(db, settings, order_no)   # told again: once
    parcel(db, settings, backorder_no, "order_shipped", T0, carrier="EMS", shipper="W-1",
           shipped_at=(T0 + timedelta(days=1)).isoformat())
    parcel(db, settings, backorder_no, "parcel_delivered", T0, delivered_at=(T0 + timedelta(days=3)).isoformat())
    with db.read() as session:
        kept = session.get(CustomerOrder, order_no)
        assert (kept.status, kept.total, kept.delivered_at) == ("delivered", 100, T0 + timedelta(days=3))
        assert session.get(CustomerOrder, backorder_no) is None   # not another order
        buyer = session.get(Customer, order["customer"]["customer_id"])
        assert (buyer.orders_count, buyer.deliveries_count) == (1, 1)
        record = analytics.customer_record(session, buyer.customer_key, T0 + timedelta(days=4))
    assert [(e["kind"], e["order_no"]) for e in record["timeline"] if e["kind"] != "order_placed"] == [
        ("order_split", order_no), ("order_shipped", backorder_no), ("parcel_delivered", backorder_no)]
    assert [o["order_no"] for o in record["orders"]] == [order_no]


def test_a_case_about_a_backorder_not_received_disputes_its_orders_delivery(db, settings):
    order_no = place(db, settings)["order_no"]
    backorder_no = split(db, settings, order_no)
    react(db, settings, "after_sales", "case_opened", {
        "case_id": 7, "order_no": backorder_no, "customer_id": "C-1", "case_type": "refund_only",
        "reason": "not_received", "amount": "40.00", "agent": "A-1", "difficult": False})
    with db.read() as session:
        assert session.get(CustomerOrder, order_no).delivery_disputed


def test_news_of_an_order_neither_placed_nor_split_here_is_still_retried(db, settings):
    order_no = place(db, settings)["order_no"]
    split(db, settings, order_no)
    with pytest.raises(OrderNotKnownYet):
        parcel(db, settings, f"{order_no}-B2", "order_shipped", T0, carrier="EMS", shipper="W-1",
               shipped_at=T0.isoformat())
    with pytest.raises(OrderNotKnownYet):   # a split that overtook its order's order_placed
        split(db, settings, uid("SO"))


def test_a_split_order_delivered_in_two_parcels_is_visited_once(db, settings):
    order_no = place(db, settings, company="苏州（工业园区）恒通机电有限公司")["order_no"]
    with db.unit_of_work() as uow:
        pool.claim(uow, settings, "R1", "co:苏州工业园区恒通机电有限公司", T0)
    backorder_no = split(db, settings, order_no)
    for number, days in ((order_no, 2), (backorder_no, 5)):
        parcel(db, settings, number, "parcel_delivered", T0, delivered_at=(T0 + timedelta(days=days)).isoformat())
    [task] = tasks(db, settings, assignee="R1")
    assert (task["kind"], task["order_no"]) == ("follow_up_visit", order_no)
