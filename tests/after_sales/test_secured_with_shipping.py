"""Across the boundary (issue 18 item 1): shipping labels and after-sales running together on one
broker. The refund waits for the carrier: the courier's own 'intercepted' scan, posted to shipping
labels, lets it through; its later 'delivered' scan opens the recovery case."""
from datetime import timedelta

from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.after_sales.conftest import Desk, Shipping


def test_the_couriers_scans_secure_the_refund_and_then_open_the_recovery(start_service, rabbit_config, publish_order):
    desk = Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)
    shipping = Shipping(start_service("shipping_labels"), desk)

    def scan(status, minutes_ago):
        shipping.scan(tracking_no, status, utcnow() - timedelta(minutes=minutes_ago))

    order_no, tracking_no = shipping.hand_over(utcnow() - timedelta(hours=2))
    desk.wait_order(order_no, "shipped")   # told by shipping labels' order_shipped

    case_id = desk.open(order_no, amount="59.00")["id"]
    assert desk.act(case_id, "approve")["status"] == "awaiting_secured"
    wait_for(lambda: "interception_requested" in [h["kind"] for h in shipping.shipment(order_no)["history"]],
             message="shipping labels never heard of the interception")
    assert desk.act(case_id, "refund", expect=409)["error"] == "goods_not_secured"

    scan("intercepted", 30)
    assert wait_for(lambda: desk.case(case_id)["secured_how"] == "intercepted", message="not secured")
    assert desk.pay(case_id)["status"] == "refunded"

    scan("delivered", 10)   # the interception failed after all
    desk.wait_order(order_no, "delivered")
    recovery, = desk.call("GET", "/cases", params={"order_no": order_no, "case_type": "recovery"}).json()["cases"]
    assert (recovery["status"], recovery["amount"], recovery["sla"]["colour"]) == ("recovery_open", "59.00", "red")
