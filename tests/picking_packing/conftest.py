"""Helpers for picking & packing's tests: approved orders, scans, stock calls, and what the
service stored and published."""
import json
import uuid
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from services.picking_packing.models import Base, PickList, StockItem
from services.picking_packing.settings import Settings
from shared.db.dependency import standalone
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow

ADDRESS = {"recipient": "王芳", "phone": "13812345678", "province": "江苏省", "city": "南京市",
           "district": "鼓楼区", "line1": "中山北路 1 号", "postcode": "210008"}


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


def line(sku, qty=1, unit_weight_g=400, name="保温杯"):
    return {"sku": sku, "name": name, "qty": qty, "unit_price": "59.00", "unit_weight_g": unit_weight_g}


def approved(*lines, order_no=None, approved_at=None):
    """An `order_approved` payload as order review sends it."""
    moment = approved_at or utcnow()
    return {"order_no": order_no or unique("SO"), "customer_id": unique("C"), "placed_at": moment,
            "approved_at": moment, "reviewer": "auto", "seconds_to_decision": 1.0, "replacement_of": None,
            "lines": list(lines), "shipping_address": ADDRESS, "payment_method": "prepaid",
            "cod_amount": "0.00", "total": "59.00"}


def events_in(db, event_type, **match):
    """Payloads written to the outbox, oldest first, filtered on fields."""
    outbox = Base.metadata.tables["outbox"]
    with db.read() as session:
        rows = session.execute(sa.select(outbox.c.payload).where(outbox.c.event_type == event_type)
                               .order_by(outbox.c.id)).scalars()
        payloads = [json.loads(row) for row in rows]
    return [p for p in payloads if all(p.get(k) == v for k, v in match.items())]


def stock_of(db, sku):
    with db.read() as session:
        item = session.get(StockItem, sku)
        return (item.on_hand, item.reserved) if item else None


class Warehouse:
    """The running service, seen from a test: publish events, call HTTP, scan, look at the database."""

    def __init__(self, service, amqp_uri):
        self.service, self.amqp_uri, self.db = service, amqp_uri, service.db

    def publish(self, source, event_type, payload):
        return publish_event(self.amqp_uri, source, event_type, payload)

    def approve(self, *lines, **kwargs):
        event = approved(*lines, **kwargs)
        self.last_event = self.publish("order_review", "order_approved", event)
        return event["order_no"]

    def handled(self, event):
        """Wait until the service has consumed the event (its inbox holds the id)."""
        inbox = Base.metadata.tables["inbox"]

        def seen():
            with self.db.read() as session:
                return session.scalar(sa.select(sa.func.count()).select_from(inbox)
                                      .where(inbox.c.event_id == event["event_id"]))
        return wait_for(seen, message=f"event {event['event_id']} not consumed")

    def http(self, method, path, role="warehouse", staff="W-1", headers=None, **kwargs):
        return requests.request(method, self.service.url(path), timeout=10,
                                headers=self.service.headers(role, staff, **(headers or {})), **kwargs)

    def receive(self, *lines, staff="W-1"):
        answer = self.http("POST", "/stock/receipts", staff=staff,
                           json={"lines": [{"sku": sku, "qty": qty} for sku, qty in lines]})
        assert answer.status_code == 201, answer.text
        return answer.json()

    def scan(self, type_, role="scanner", staff="P-1", scan_id=None, station_id="ST-1", **fields):
        body = {"scan_id": scan_id or str(uuid.uuid4()), "station_id": station_id, "type": type_, **fields}
        return self.http("POST", "/scans", role=role, staff=staff, json=body)

    def pick_list(self, order_no, status=None):
        def stored():
            with self.db.read() as session:
                found = session.get(PickList, order_no)
                return found if found and (status is None or found.status == status) else None
        return wait_for(stored, message=f"pick list {order_no} not {status or 'stored'}")

    def events(self, event_type, **match):
        return events_in(self.db, event_type, **match)

    def wait_event(self, event_type, **match):
        return wait_for(lambda: self.events(event_type, **match), message=f"no {event_type} {match}")


@pytest.fixture
def warehouse(start_service, rabbit_config):
    def start(**config):
        return Warehouse(start_service("picking_packing", **config), rabbit_config["AMQP_URI"])
    return start


@pytest.fixture
def db(fresh_database_url):
    """The service's database without a container: use cases driven directly (no broker)."""
    return standalone(Base, fresh_database_url("picking_packing"), "picking_packing")


@pytest.fixture
def settings():
    return Settings()


def earlier(minutes):
    return utcnow() - timedelta(minutes=minutes)
