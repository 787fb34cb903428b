"""Across the boundary (issue 18 item 1): shipping labels and after-sales running together on one
broker. The refund waits for the carrier: the courier's own 'intercepted' scan, posted to shipping
labels, lets it through; its later 'delivered' scan opens the recovery case."""
import uuid
from datetime import timedelta

import requests

from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso, utcnow
from tests.after_sales.conftest import Desk
from tests.shipping_labels.factories import approved, handed_over, packed


def test_the_couriers_scans_secure_the_refund_and_then_open_the_recovery(start_service, rabbit_config, publish_order):
    shipping = start_service("shipping_labels")
    desk = Desk(start_service("after_sales"), rabbit_config["AMQP_URI"], publish_order)

    def ship_call(method, path, role, staff, body=None):
        return requests.request(method, shipping.url(path), json=body, timeout=10, headers=shipping.headers(
            role, staff, **{"Idempotency-Key": str(uuid.uuid4())}))

    def scan(status, minutes_ago):
        answer = ship_call("POST", "/tracking-events", "carrier", "ZTO", {
            "event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": status,
            "occurred_at": to_iso(utcnow() - timedelta(minutes=minutes_ago)), "location": "杭州"})
        assert answer.status_code == 201, answer.text

    assert ship_call("POST", "/waybill-ranges", "warehouse", "W-1", {
        "carrier": "ZTO", "first_number": "735000000001", "last_number": "735000000100"}).status_code == 201
    order_no = desk.place()
    publish_event(desk.amqp_uri, "order_review", "order_approved", approved(order_no))
    publish_event(desk.amqp_uri, "picking_packing", "parcel_packed", packed(order_no))
    tracking_no = wait_for(lambda: ship_call("GET", f"/shipments/{order_no}", "agent", "A-1").json().get("tracking_no"),
                           message="no label")
    publish_event(desk.amqp_uri, "picking_packing", "parcel_handed_over",
                  handed_over(order_no, tracking_no, at=utcnow() - timedelta(hours=2)))
    desk.wait_order(order_no, "shipped")   # told by shipping labels' order_shipped

    case_id = desk.open(order_no, amount="59.00")["id"]
    assert desk.act(case_id, "approve")["status"] == "awaiting_secured"
    wait_for(lambda: "interception_requested" in [
        h["kind"] for h in ship_call("GET", f"/shipments/{order_no}", "agent", "A-1").json()["history"]],
        message="shipping labels never heard of the interception")
    assert desk.act(case_id, "refund", expect=409)["error"] == "goods_not_secured"

    scan("intercepted", 30)
    assert wait_for(lambda: desk.case(case_id)["secured_how"] == "intercepted", message="not secured")
    assert desk.act(case_id, "refund")["status"] == "refunded"

    scan("delivered", 10)   # the interception failed after all
    desk.wait_order(order_no, "delivered")
    recovery, = desk.call("GET", "/cases", params={"order_no": order_no, "case_type": "recovery"}).json()["cases"]
    assert (recovery["status"], recovery["amount"], recovery["sla"]["colour"]) == ("recovery_open", "59.00", "red")
