"""Issue #10 item 4: every storefront message and every scan delivered twice and in shuffled
order ends in the same state as a clean run. The clean run gets its own vhost and databases;
both runs receive the same events. Compared: every business table (row ids and clock times
left out: they depend on arrival order), and the events each service wrote to its outbox."""
import copy
import json
import random
import uuid
from collections import Counter

import requests
import sqlalchemy as sa
from kombu import Connection

from shared.db.types import UtcDateTime
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.reliability.harness import say
from tests.reliability.test_races import _approved
from tools import storefront
from tools.bench.broker import Vhost

ORDERS = 30
STOREFRONT_CONSUMERS = ("after_sales", "customer_retention")
PLUMBING = {"inbox", "idempotent_requests"}


def business_state(service):
    """{table: Counter of rows}, without surrogate ids and clock times; outbox as (type, aggregate)."""
    state = {}
    with service.db.read() as session:
        for table in service.base.metadata.sorted_tables:
            if table.name in PLUMBING:
                continue
            if table.name == "outbox":
                rows = session.execute(sa.select(table.c.event_type, table.c.aggregate_id)).all()
            else:
                rows = session.execute(sa.select(*_comparable(table))).all()
            state[table.name] = Counter(json.dumps(list(row), sort_keys=True, default=str) for row in rows)
    return state


def _comparable(table):
    return [c for c in table.columns
            if not isinstance(c.type, (UtcDateTime, sa.DateTime, sa.Date))
            and not (isinstance(c.type, sa.Integer) and (c.primary_key or c.foreign_keys))] or list(table.columns)


def _publish_orders(amqp_uri, events):
    with Connection(amqp_uri, transport_options={"confirm_publish": True}) as connection:
        for event in events:
            storefront.publish(connection, event)


def _settle(services, order_nos):
    """Every service has every order and nothing left in its outbox."""
    def done():
        for service in services:
            outbox = service.base.metadata.tables["outbox"]
            with service.db.read() as session:
                if session.scalar(sa.select(sa.func.count()).select_from(outbox)
                                  .where(outbox.c.published_at.is_(None))):
                    return False
        return all(_orders_seen(service) >= len(order_nos) for service in services)
    wait_for(done, timeout=60, interval=0.2)


def _orders_seen(service):
    inbox = service.base.metadata.tables["inbox"]
    with service.db.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(inbox))


def duplicates_skipped(caplog):
    """Deliveries the inbox recognised and acked without effect (nameko logs each one)."""
    return sum(1 for r in caplog.records if r.exc_info and r.exc_info[0].__name__ == "AlreadyProcessed")


def test_storefront_messages_twice_and_shuffled_end_as_a_clean_run(start_service, rabbit_config, record_property,
                                                                  caplog):
    events = [storefront.make_order(random.Random(n)) for n in range(ORDERS)]
    nos = [e["order"]["order_no"] for e in events]
    with Vhost() as clean_vhost:
        clean = [start_service(name, AMQP_URI=clean_vhost.amqp_uri) for name in STOREFRONT_CONSUMERS]
        _publish_orders(clean_vhost.amqp_uri, events)
        _settle(clean, nos)
        clean_state = {s.name: business_state(s) for s in clean}
    dirty = [start_service(name) for name in STOREFRONT_CONSUMERS]
    twice = [copy.deepcopy(e) for e in events + events]
    random.Random(4).shuffle(twice)
    _publish_orders(rabbit_config["AMQP_URI"], twice)
    _settle(dirty, nos)
    wait_for(lambda: duplicates_skipped(caplog) >= ORDERS * len(dirty), timeout=30)   # the second copies too
    dirty_state = {s.name: business_state(s) for s in dirty}
    differing = {name: [t for t in clean_state[name] if clean_state[name][t] != dirty_state[name].get(t)]
                 for name in clean_state}
    say(record_property, f"{ORDERS} orders, {len(twice)} deliveries shuffled: tables differing from a clean run "
                         f"{differing}; {duplicates_skipped(caplog)} second copies skipped; rows {[(n, sum(sum(c.values()) for c in s.values())) for n, s in dirty_state.items()]}")
    assert dirty_state == clean_state


def _scans(pick_list_orders):
    """Each order's scans in its own order (a device scans one parcel at a time): pick each line, pack."""
    per_order = []
    for order in pick_list_orders:
        steps = [{"type": "pick", "order_no": order["order_no"], "barcode": line["sku"], "qty": line["qty"]}
                 for line in order["lines"]]
        weight = sum(line["qty"] * line["unit_weight_g"] for line in order["lines"])
        steps.append({"type": "pack", "order_no": order["order_no"], "weight_g": weight})
        per_order.append([{"scan_id": str(uuid.uuid4()), "station_id": "ST-01", **step} for step in steps])
    return per_order


def _interleave(per_order, rng, twice):
    """Orders interleaved at random; with `twice`, every scan sent again later (same scan_id)."""
    queues = [list(scans) for scans in per_order]
    if twice:
        queues = [[s for scan in scans for s in (scan, scan)] for scans in queues]
    out = []
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        out.append(queue.pop(0))
    return out


def _floor(service, approved, scans):
    for order in approved:
        publish_event(service.config["AMQP_URI"], "order_review", "order_approved", order)
    models = __import__("services.picking_packing.models", fromlist=["PickList"])

    def ready():
        with service.db.read() as session:
            return session.scalar(sa.select(sa.func.count()).select_from(models.PickList)
                                  .where(models.PickList.status == "ready")) == len(approved)
    wait_for(ready, timeout=30)
    headers = service.headers("scanner", "S-scan")
    return Counter(requests.post(service.url("/scans"), json=scan, headers=headers, timeout=30).status_code
                   for scan in scans)


def test_scans_twice_and_shuffled_end_as_a_clean_run(start_service, rabbit_config, record_property):
    skus = [f"SKU-DUP-{n}" for n in range(3)]
    approved = [_approved(random.Random(n).choice(skus), 1 + n % 3) for n in range(ORDERS)]
    per_order = _scans(approved)
    receipt = {"lines": [{"sku": sku, "qty": 1000} for sku in skus]}
    runs = {}
    with Vhost() as clean_vhost:
        for label, uri, twice in (("clean", clean_vhost.amqp_uri, False), ("dirty", rabbit_config["AMQP_URI"], True)):
            service = start_service("picking_packing", AMQP_URI=uri)
            requests.post(service.url("/stock/receipts"), json=receipt, timeout=10, headers=service.headers(
                "warehouse", "S-stock", **{"Idempotency-Key": "receipt-1"})).raise_for_status()
            answers = _floor(service, approved, _interleave(per_order, random.Random(label), twice))
            _settle([service], [])
            runs[label] = (business_state(service), answers)
    (clean_state, clean_answers), (dirty_state, dirty_answers) = runs["clean"], runs["dirty"]
    differing = [t for t in clean_state if clean_state[t] != dirty_state.get(t)]
    say(record_property, f"{ORDERS} orders, {sum(clean_answers.values())} scans once in order {dict(clean_answers)}, "
                         f"{sum(dirty_answers.values())} twice and interleaved {dict(dirty_answers)}: "
                         f"tables differing {differing}")
    assert dict(clean_answers) == {200: sum(clean_answers.values())}
    assert dirty_state == clean_state
