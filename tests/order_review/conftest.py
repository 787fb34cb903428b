"""Helpers for order review's tests: storefront orders with chosen details, and what the
service stored and published."""
import json
import uuid

import pytest
import requests
import sqlalchemy as sa

from contracts.storefront import Order
from services.order_review import intake
from services.order_review.models import Base, OrderHold, ReviewOrder
from services.order_review.settings import Settings as ReviewPolicy
from shared.db.dependency import standalone
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tools import storefront

CHEAP_GOODS = (
    {"sku": "SKU-001", "name": "保温杯", "qty": 2, "unit_price": "59.00", "unit_weight_g": 420},
    {"sku": "SKU-006", "name": "数据线", "qty": 1, "unit_price": "19.90", "unit_weight_g": 60},
)


def storefront_order(**changes):
    """A clean `order_placed` event (passes every rule); `changes` override fields of `order`,
    nested dicts (customer, shipping_address, payment) merged."""
    event = storefront.make_order(cod_share=0, remark_share=0, bad_phone_share=0, incomplete_share=0,
                                  lines=changes.pop("lines", None) or list(CHEAP_GOODS))
    order = event["order"]
    order["customer"]["customer_id"] = f"C-{uuid.uuid4().hex[:10]}"
    for key, value in changes.items():
        if isinstance(value, dict):
            order[key] = {**order[key], **value}
        else:
            order[key] = value
    return event


def cod_order(**changes):
    return storefront_order(payment={"method": "cod", "paid_amount": "0.00"}, **changes)


class Reviewing:
    """The running order review service, seen from a test."""

    def __init__(self, service, amqp_uri, publish_order):
        self.service, self.amqp_uri, self._publish_order = service, amqp_uri, publish_order

    def place(self, event):
        self._publish_order(event=event)
        return event["order"]["order_no"]

    def publish(self, source, event_type, payload, event_id=None):
        return publish_event(self.amqp_uri, source, event_type, payload, event_id=event_id)

    def replace(self, order, case_id=1):
        """after_sales sends `order` (storefront shape, JSON) as an exchange's replacement."""
        self.publish("after_sales", "replacement_ordered", {
            "case_id": case_id, "original_order_no": order["replacement_of"], "order": Order().load(order),
            "by": "A-1"})
        return order["order_no"]

    def order(self, order_no, status=None):
        def stored():
            with self.service.db.read() as session:
                record = session.get(ReviewOrder, order_no)
                return record if record and (status is None or record.status == status) else None
        return wait_for(stored, message=f"order {order_no} not stored with status {status}")

    def open_hold_codes(self, order_no):
        with self.service.db.read() as session:
            return sorted(session.scalars(sa.select(OrderHold.code).where(
                OrderHold.order_no == order_no, OrderHold.released_at.is_(None))))

    def wait_consumed(self, handler, count):
        """Wait until `handler` has processed `count` events (its inbox rows)."""
        inbox = self.service.base.metadata.tables["inbox"]

        def consumed():
            with self.service.db.read() as session:
                return session.scalar(sa.select(sa.func.count()).select_from(inbox).where(
                    inbox.c.consumer == f"order_review.{handler}")) >= count
        wait_for(consumed, message=f"{handler} did not process {count} events")

    def events(self, event_type, order_no=None):
        """Payloads this service wrote to its outbox, oldest first."""
        with self.service.db.read() as session:
            outbox = self.service.base.metadata.tables["outbox"]
            rows = session.execute(sa.select(outbox.c.payload).where(outbox.c.event_type == event_type)
                                   .order_by(outbox.c.id)).scalars()
            payloads = [json.loads(row) for row in rows]
        return [p for p in payloads if order_no is None or p["order_no"] == order_no]

    def http(self, method, path, staff="R-1", role="reviewer", headers_extra=None, **kwargs):
        headers = self.service.headers(role, staff, **(headers_extra or {}))
        return requests.request(method, self.service.url(path), headers=headers, timeout=10, **kwargs)


@pytest.fixture
def reviewing(start_service, rabbit_config, publish_order):
    def start(**config):
        return Reviewing(start_service("order_review", **config), rabbit_config["AMQP_URI"], publish_order)
    return start


@pytest.fixture
def review_db(fresh_database_url):
    """Order review's database without a running service: use cases called with an explicit `now`."""
    return standalone(Base, fresh_database_url("order_review"), "order_review")


def arrive(db, event, now, policy=ReviewPolicy()):
    """The order in `event` arrives at `now` (no broker)."""
    with db.unit_of_work() as uow:
        return intake.receive_order(uow, Order().load(event["order"]), policy, now)
