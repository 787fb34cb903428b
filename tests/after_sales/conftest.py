"""Helpers for after-sales tests: orders with known lines and money, shipped and delivered on the
bus; a running service spoken to over HTTP; the events it published, read from the broker."""
import json
import uuid
from datetime import datetime, timezone

import pytest
import requests
from kombu import Connection, Queue

from contracts.storefront import OrderPlaced
from services.after_sales import orders
from services.after_sales.models import Base, SalesOrder
from shared.db.dependency import standalone
from shared.messaging.topology import events_exchange
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import to_iso
from tests.shipping_labels.factories import approved, hand_over_at, packed
from tools import storefront

# Goods 2 × 59.00 + 1 × 19.90 = 137.90, free shipping; with a fee stated separately in some tests.
GOODS = (
    {"sku": "SKU-001", "name": "保温杯", "qty": 2, "unit_price": "59.00", "unit_weight_g": 420},
    {"sku": "SKU-006", "name": "数据线", "qty": 1, "unit_price": "19.90", "unit_weight_g": 60},
)


def storefront_order(shipping_fee="0.00", lines=GOODS, method="prepaid"):
    event = storefront.make_order(cod_share=0, remark_share=0, bad_phone_share=0, incomplete_share=0,
                                  lines=[dict(line) for line in lines],
                                  order_no=f"SO-AS-{uuid.uuid4().hex[:12].upper()}")
    order = event["order"]
    goods = sum(float(l["unit_price"]) * l["qty"] for l in lines)
    order["shipping_fee"] = shipping_fee
    order["total"] = f"{goods + float(shipping_fee):.2f}"
    order["payment"] = {"method": method, "paid_amount": "0.00" if method == "cod" else order["total"]}
    return event


class EventTap:
    """A queue bound to every after_sales event in the test's vhost."""

    def __init__(self, amqp_uri):
        self.connection = Connection(amqp_uri)
        exchange = events_exchange("after_sales")
        self.queue = Queue(f"test-tap-{uuid.uuid4().hex[:8]}", exchange=exchange, routing_key="#",
                           auto_delete=True)(self.connection.default_channel)
        self.queue.declare()
        self.seen = []

    def drain(self):
        while (message := self.queue.get(no_ack=True)) is not None:
            self.seen.append((message.delivery_info["routing_key"], json.loads(message.body)))
        return self.seen

    def of(self, event_type):
        return [body for kind, body in self.drain() if kind == event_type]

    def wait(self, event_type, count=1, timeout=10):
        return wait_for(lambda: (found := self.of(event_type)) and len(found) >= count and found,
                        timeout=timeout, message=f"{count} × {event_type} not published")


class Desk:
    """The running after-sales service, seen from a test."""

    def __init__(self, service, amqp_uri, publish_order):
        self.service, self.amqp_uri, self._publish_order = service, amqp_uri, publish_order

    def call(self, method, path, role="agent", staff="A-1", body=None, key=None, params=None):
        headers = self.service.headers(role, staff, **({"Idempotency-Key": key} if key else {}))
        return requests.request(method, self.service.url(path), json=body, headers=headers, params=params,
                                timeout=30)

    def post(self, path, body=None, role="agent", staff="A-1", key=None):
        return self.call("POST", path, role, staff, body if body is not None else {}, key or uuid.uuid4().hex)

    def act(self, case_id, action, body=None, role="supervisor", staff=None, expect=200):
        """An action by S-1, or by A-1 (the agent who opened the case and has it) when role is agent."""
        staff = staff or ("A-1" if role == "agent" else "S-1")
        response = self.post(f"/cases/{case_id}/{action}", body, role, staff)
        assert response.status_code == expect, response.text
        return response.json()

    def case(self, case_id):
        response = self.call("GET", f"/cases/{case_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def place(self, **kwargs):
        event = self._publish_order(event=storefront_order(**kwargs))
        order_no = event["order"]["order_no"]
        self.wait_order(order_no, "placed")
        return order_no

    def ship(self, order_no):
        publish_event(self.amqp_uri, "shipping_labels", "order_shipped", {
            "order_no": order_no, "carrier": "EMS", "tracking_no": "EE123456785CN", "shipper": "W-9",
            "shipped_at": datetime.now(timezone.utc)})
        self.wait_order(order_no, "shipped")

    def deliver(self, order_no):
        self.ship(order_no)
        publish_event(self.amqp_uri, "shipping_labels", "parcel_delivered", {
            "order_no": order_no, "tracking_no": "EE123456785CN", "delivered_at": datetime.now(timezone.utc)})
        self.wait_order(order_no, "delivered")

    def pay(self, case_id, staff="S-1"):
        """The refund asked of the platform by `staff` (the case waits, 待平台退款) and executed by it: the
        storefront's answer on the bus. -> the case, refunded."""
        asked = self.act(case_id, "refund", staff=staff)
        assert asked["status"] == "refund_pending" and asked["platform"]["state"] == "waiting", asked
        self.platform_answers(case_id, "refund_executed", amount=asked["amount"])
        return self.wait_case(case_id, "refunded")

    def platform_answers(self, case_id, answer, **fields):
        """The storefront tells the platform's answer to the refund asked for the case."""
        now = datetime.now(timezone.utc)
        payload = {"case_id": case_id, "order_no": fields.pop("order_no", None) or self.case(case_id)["order_no"]}
        if answer == "refund_executed":
            payload.update(platform_refund_id=f"TB-RF-{case_id}", executed_at=now)
        else:
            payload.update(code="buyer_withdrew", text="", refused_at=now)
        payload.update(fields)
        publish_event(self.amqp_uri, "storefront", answer, payload)

    def wait_case(self, case_id, status):
        return wait_for(lambda: (case := self.case(case_id))["status"] == status and case,
                        message=f"case {case_id} never {status}")

    def wait_order(self, order_no, status):
        def arrived():
            with self.service.db.read() as session:
                order = session.get(SalesOrder, order_no)
                return order is not None and order.status == status and order
        return wait_for(arrived, message=f"{order_no} never {status}")

    def open(self, order_no, case_type="refund_only", lines=None, amount="59.00", expect=201, **extra):
        body = {"order_no": order_no, "case_type": case_type, "reason": extra.pop("reason", "not_received"),
                "lines": lines or [{"sku": "SKU-001", "qty": 1}], **extra}
        if amount is not None:
            body["amount"] = amount
        response = self.post("/cases", body)
        assert response.status_code == expect, response.text
        return response.json()


@pytest.fixture
def desk(start_service, rabbit_config, publish_order):
    service = start_service("after_sales")
    return Desk(service, rabbit_config["AMQP_URI"], publish_order)


@pytest.fixture
def green_postgres():
    """PostgreSQL calls yield to other green threads, as in production (shared/run.py), so that
    concurrent requests really interleave in the database. The root conftest.py patches psycopg2
    for the whole session; this only checks it is so."""
    from psycopg2 import extensions

    assert extensions.get_wait_callback() is not None, "psycogreen is not active"
    yield


@pytest.fixture
def tap(rabbit_config):
    tap = EventTap(rabbit_config["AMQP_URI"])
    yield tap
    tap.connection.release()


@pytest.fixture
def after_sales_db(fresh_database_url):
    """The service's database without a container, for use cases driven with chosen times."""
    return standalone(Base, fresh_database_url("after_sales"), "after_sales")


def store_order(db, delivered=True, **kwargs):
    """An order as the bus would have left it (placed, and delivered unless told otherwise)."""
    order = OrderPlaced().load(storefront_order(**kwargs))["order"]
    with db.unit_of_work() as uow:
        orders.record_order(uow, order)
        uow.session.flush()
        if delivered:
            orders.record_delivered(uow, {"order_no": order["order_no"], "tracking_no": "EE123456785CN",
                                          "delivered_at": datetime.now(timezone.utc)})
    return order["order_no"]


class Shipping:
    """The running shipping labels service beside after-sales: a ZTO parcel labelled through the bus and handed
    over at a chosen moment (the hand-over scan's use case, in the service's database), and the courier's scans
    posted to it."""

    def __init__(self, service, desk):
        self.service, self.desk = service, desk
        assert self.call("POST", "/waybill-ranges", "warehouse", "W-1", {
            "carrier": "ZTO", "first_number": "735000000001", "last_number": "735000000100"}).status_code == 201

    def call(self, method, path, role="agent", staff="A-1", body=None):
        return requests.request(method, self.service.url(path), json=body, timeout=10, headers=self.service.headers(
            role, staff, **{"Idempotency-Key": str(uuid.uuid4())}))

    def hand_over(self, handed_over_at):
        """-> (order_no, tracking_no) of an order placed, labelled and handed over at `handed_over_at`."""
        order_no = self.desk.place()
        publish_event(self.desk.amqp_uri, "order_review", "order_approved", approved(order_no))
        publish_event(self.desk.amqp_uri, "picking_packing", "parcel_packed", packed(order_no))
        tracking_no = wait_for(lambda: self.shipment(order_no).get("tracking_no"), message="no label")
        assert hand_over_at(self.service.db, tracking_no, at=handed_over_at)[0] == 200
        return order_no, tracking_no

    def shipment(self, order_no):
        return self.call("GET", f"/shipments/{order_no}").json()

    def scan(self, tracking_no, status, at):
        answer = self.call("POST", "/tracking-events", "carrier", "ZTO", {
            "event_id": str(uuid.uuid4()), "tracking_no": tracking_no, "status": status,
            "occurred_at": to_iso(at), "location": "杭州"})
        assert answer.status_code == 201, answer.text
