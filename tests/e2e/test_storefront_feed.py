"""Issue #23, "The shop's front": what comes back to the storefront, end to end on the real broker and databases.

Every part signs in as its own broker user as deploy made it; the storefront is a stand-in written with pika
(tests/support/storefront_standin.py), reading only its own queue `storefront.feed`. It places an order; review,
the warehouse and shipping take it through; the storefront sees the order's goods leave what it may sell (stock
levels, debounced) and the waybill arrive once the parcel is handed over (物流回传), then the carrier's scans.
The buyer applies for a refund on the platform (买家申请退款), after-sales asks the platform to execute it once a
supervisor pays it, and the case is refunded when the storefront says the platform did (在淘宝后台操作)."""
import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pika
import pytest
from pika.exceptions import ChannelClosedByBroker

from shared.bus_credentials import STOREFRONT
from shared.messaging.topology import consumer_queue_name
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.e2e.test_order_to_shipped import Desk, scan, stock_the_warehouse_and_load_waybill_numbers
from tests.support.deployed_bus import admin, bus, deployed  # noqa: F401 (fixtures)
from tests.support.storefront_standin import StorefrontStandIn, parameters
from tools.storefront import CATALOGUE, make_order

STOCKED = 50   # of each SKU (stock_the_warehouse_and_load_waybill_numbers)
PICKING_APPROVALS = consumer_queue_name("order_review", "order_approved", "picking_packing", "on_order_approved")


@pytest.fixture
def storefront(deployed):
    shop = StorefrontStandIn(deployed.uri(STOREFRONT))
    yield shop
    shop.close()


def test_the_storefront_sees_stock_fall_and_the_waybill_arrive_after_the_hand_over(deployed, storefront,
                                                                                    start_service):
    bus = deployed
    start_service("order_review", AMQP_URI=bus.uri("order_review"))
    warehouse = start_service("picking_packing", AMQP_URI=bus.uri("picking_packing"),
                              STOCK_LEVELS_DEBOUNCE_SECONDS=0.3)
    shipping = start_service("shipping_labels", AMQP_URI=bus.uri("shipping_labels"))
    stock_the_warehouse_and_load_waybill_numbers(Desk(warehouse, "warehouse", "W-1"),
                                                 Desk(shipping, "warehouse", "W-1"))

    # The first round tells the shop every SKU on the shelves.
    skus = [sku for sku, *_ in CATALOGUE]
    storefront.wait_until(lambda: all(storefront.available(sku) == STOCKED for sku in skus),
                          message="the first stock levels never came")

    # The shop places an order (published with pika); once reserved, its goods are no longer for sale.
    event = make_order(remark_share=0, bad_phone_share=0, incomplete_share=0, cod_share=0)
    order = event["order"]
    order_no = order["order_no"]
    storefront.publish_order(event)
    ordered = Counter()
    for line in order["lines"]:
        ordered[line["sku"]] += line["qty"]
    storefront.wait_until(lambda: all(storefront.available(sku) == STOCKED - qty for sku, qty in ordered.items()),
                          message="the stock levels never fell by the order")
    untouched = set(skus) - set(ordered)
    assert all(storefront.available(sku) == STOCKED for sku in untouched)
    assert not storefront.tracking                                  # nothing handed over yet

    # Picked, packed, labelled, handed over at the dock.
    picker = Desk(warehouse, "picker", "P-101")
    pick_list = picker.json_when(f"/pick-lists/{order_no}", lambda p: p["status"] == "ready")
    for line in order["lines"]:
        scan(picker, type="pick", order_no=order_no, barcode=line["sku"], qty=line["qty"])
    scan(Desk(warehouse, "packer", "K-202"), type="pack", order_no=order_no, weight_g=pick_list["expected_weight_g"])
    shipper = Desk(shipping, "shipper", "H-303")
    shipment = shipper.json_when(f"/shipments/{order_no}", lambda s: s.get("tracking_no"))
    before = utcnow()
    scan(shipper, tracking_no=shipment["tracking_no"], path="/handovers")

    (handed_over,) = storefront.wait_until(lambda: storefront.tracking.get(order_no),
                                           message="the waybill never reached the storefront")
    assert (handed_over["status"], handed_over["carrier"], handed_over["tracking_no"]) == (
        "handed_over", shipment["carrier"], shipment["tracking_no"])
    assert before <= handed_over["at"] <= utcnow()
    assert "shipper" not in handed_over                              # no staff id leaves the back office

    # A carrier's scan reaches the buyer too.
    scanned_at = handed_over["at"].replace(microsecond=0) + timedelta(seconds=1)   # whole seconds, after it
    pushed = Desk(shipping, "manager", "M-1").call("POST", "/tracking-events", json={
        "event_id": str(uuid.uuid4()), "tracking_no": shipment["tracking_no"], "status": "in_transit",
        "occurred_at": scanned_at.isoformat(), "location": "杭州转运中心"})
    assert pushed.status_code == 201, pushed.text
    storefront.wait_until(lambda: len(storefront.tracking[order_no]) == 2, message="the carrier scan never came")
    in_transit = storefront.tracking[order_no][1]
    assert (in_transit["status"], in_transit["at"], in_transit["location"]) == ("in_transit", scanned_at, "杭州转运中心")

    # The hand-over took reserved goods off the shelf: nothing sellable changed, so no level of them is told. A
    # receipt of another SKU after it proves a round ran since (each round tells everything due).
    warehouse_desk = Desk(warehouse, "warehouse", "W-1")
    sku, qty = next(iter(ordered.items()))
    wait_for(lambda: warehouse_desk.call("GET", f"/stock/{sku}").json()["on_hand"] == STOCKED - qty,
             message="the warehouse never heard of the hand-over")
    told_so_far = len(storefront.received)
    other = sorted(untouched)[0]
    assert warehouse_desk.call("POST", "/stock/receipts", json={"lines": [{"sku": other, "qty": 1}]}).status_code == 201
    storefront.wait_until(lambda: storefront.available(other) == STOCKED + 1, message="the receipt was never told")
    later = [level["sku"] for r in storefront.received[told_so_far:] if r.event_type == "stock_levels_changed"
             for level in r.event["levels"]]
    assert later == [other]
    assert storefront.unhandled == []


def test_the_buyer_applies_and_the_platform_executes_the_refund_over_the_bus(deployed, storefront, start_service):
    after_sales = start_service("after_sales", AMQP_URI=deployed.uri("after_sales"))
    event = make_order(remark_share=0, bad_phone_share=0, incomplete_share=0, cod_share=0)
    order_no, line = event["order"]["order_no"], event["order"]["lines"][0]
    amount = str(Decimal(line["unit_price"]) * line["qty"])
    storefront.publish_order(event)
    agent = Desk(after_sales, "agent", "A-1")
    agent.json_when(f"/orders/{order_no}", lambda order: order["status"] == "placed")

    request_id = storefront.apply_for_refund(order_no, amount, lines=[{"sku": line["sku"], "qty": line["qty"]}],
                                             reason_text="没收到货")
    (case,) = agent.json_when(f"/cases?order_no={order_no}", lambda found: found["cases"])["cases"]
    assert (case["status"], case["opened_by"], case["platform_request_id"]) == (
        "pending_approval", "storefront", request_id)

    for action, staff in (("approve", "S-1"), ("refund", "S-2")):
        answer = Desk(after_sales, "supervisor", staff).call(
            "POST", f"/cases/{case['id']}/{action}", json={"note": "ok"} if action == "approve" else None,
            headers={"Idempotency-Key": str(uuid.uuid4())})
        assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "refund_pending"

    (request,) = storefront.wait_until(lambda: storefront.refund_requests,
                                       message="the refund request never reached the storefront's feed")
    assert (request["case_id"], request["order_no"], request["amount"], request["platform_request_id"]) == (
        case["id"], order_no, Decimal(amount), request_id)
    refund_id = storefront.execute_refund(request)
    refunded = agent.json_when(f"/cases/{case['id']}", lambda shown: shown["status"] == "refunded")
    assert (refunded["refunded_amount"], refunded["platform"]["refund_id"]) == (amount, refund_id)
    assert storefront.unhandled == []


def test_the_storefront_user_reads_its_own_feed_and_nothing_else(deployed, storefront):
    """The least it needs: consume `storefront.feed` (the stand-in does), publish orders; not read another queue,
    not publish to a service's exchange (pika, as the stand-in signs in)."""
    connection = pika.BlockingConnection(parameters(deployed.uri(STOREFRONT)))
    try:
        assert connection.channel().basic_get("storefront.feed") == (None, None, None)
        for refused in (lambda channel: channel.basic_get("picking_packing.dead-letters"),
                        lambda channel: channel.basic_get(PICKING_APPROVALS),
                        lambda channel: channel.queue_declare("storefront.feed2", durable=True)):
            with pytest.raises(ChannelClosedByBroker, match="ACCESS_REFUSED"):
                refused(connection.channel())
        channel = connection.channel()
        channel.confirm_delivery()
        with pytest.raises(ChannelClosedByBroker, match="ACCESS_REFUSED"):
            channel.basic_publish("picking_packing.events", "stock_levels_changed", b"{}")
    finally:
        connection.close()
