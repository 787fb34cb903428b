"""What the consuming services did about each shipped order, counted against what it should be, exactly.

A redelivered or re-sent event applied twice shows here as a second row or a doubled counter:
after_sales keeps one copy of the order with every line shipped whole; staff_performance one
fact per person-step (a review, a picked line, a packing, a hand-over); customer_retention one
buyer with one order counted once, and one timeline entry per event.
"""
from collections import Counter
from decimal import Decimal

import sqlalchemy as sa

from services.after_sales.models import SalesOrder, SalesOrderLine
from services.customer_retention.models import Customer, CustomerEvent, CustomerOrder
from services.staff_performance.models import Fact
from tests.reliability.harness import ordered_quantities

CONSUMERS = ("after_sales", "staff_performance", "customer_retention")
AFTER_SALES = sa.select(SalesOrder.order_no, SalesOrder.status, SalesOrderLine.sku, SalesOrderLine.qty,
                        SalesOrderLine.shipped_qty) \
    .outerjoin(SalesOrderLine, SalesOrderLine.order_no == SalesOrder.order_no)
FACTS = sa.select(Fact.subject, Fact.kind, Fact.part)
CUSTOMERS = sa.select(Customer.customer_id, Customer.orders_count, Customer.total_spent)
CUSTOMER_ORDERS = sa.select(CustomerOrder.order_no, CustomerOrder.status)
TIMELINE = sa.select(CustomerEvent.order_no, CustomerEvent.kind)


def expected(event):
    """Per service, what one shipped order leaves behind (auto-approved, picked, packed, handed over)."""
    goods = ordered_quantities([event])
    return {
        "after_sales": Counter({("shipped", sku, qty, qty): 1 for sku, qty in goods.items()}),
        "staff_performance": Counter({("order_reviewed", ""): 1, ("order_approved", ""): 1, ("parcel_packed", ""): 1,
                                      ("parcel_handed_over", ""): 1, **{("line_picked", sku): 1 for sku in goods}}),
        "customer_retention": Counter({("customer", 1, Decimal(event["order"]["total"])): 1, ("order", "shipped"): 1,
                                       ("event", "order_placed"): 1, ("event", "order_shipped"): 1}),
    }


def _rows(engine, query):
    with engine.connect() as conn:
        return conn.execute(query).all()


def found(engines, events):
    """Per service, {order_no: Counter of what is stored about the order}, in the shape of `expected`."""
    got = {service: {event["order"]["order_no"]: Counter() for event in events} for service in CONSUMERS}
    for order_no, status, sku, qty, shipped in _rows(engines["after_sales"], AFTER_SALES):
        if order_no in got["after_sales"]:
            got["after_sales"][order_no][(status, sku, qty, shipped)] += 1
    for subject, kind, part in _rows(engines["staff_performance"], FACTS):
        if subject in got["staff_performance"]:
            got["staff_performance"][subject][(kind, part or "")] += 1
    retention = got["customer_retention"]
    buyers = {event["order"]["customer"]["customer_id"]: event["order"]["order_no"] for event in events}
    for customer_id, count, spent in _rows(engines["customer_retention"], CUSTOMERS):
        if customer_id in buyers:
            retention[buyers[customer_id]][("customer", count, spent)] += 1
    for order_no, status in _rows(engines["customer_retention"], CUSTOMER_ORDERS):
        if order_no in retention:
            retention[order_no][("order", status)] += 1
    for order_no, kind in _rows(engines["customer_retention"], TIMELINE):
        if order_no in retention:
            retention[order_no][("event", kind)] += 1
    return got


def differences(engines, events):
    """{service: {order_no: (found, expected)}} for every order whose effects are not exactly right
    (read once the suite is quiet: ChaosSuite.wait_quiet)."""
    got, wrong = found(engines, events), {}
    for event in events:
        order_no = event["order"]["order_no"]
        for service, wanted in expected(event).items():
            if got[service][order_no] != wanted:
                wrong.setdefault(service, {})[order_no] = (dict(got[service][order_no]), dict(wanted))
    return wrong
