"""Issue #10 items 5 and 6 on the real broker and database, with after_sales as the consumer of
the storefront's orders: poison mixed into good traffic, and consumers that start late."""
import importlib
import json
import random

import sqlalchemy as sa

from shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from shared.messaging.deploy import declare_service
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.reliability.harness import say
from tools import storefront

models = importlib.import_module("services.after_sales.models")
RETRIES = [50, 100]                 # two retries: at most three attempts
GOOD_ORDERS = 40
LATE_ORDERS = 100


def known_orders(service, order_nos):
    with service.db.read() as session:
        return set(session.scalars(sa.select(models.SalesOrder.order_no)
                                   .where(models.SalesOrder.order_no.in_(list(order_nos)))).all())


def poison_bodies():
    """{name: raw body} of storefront messages no consumer can take."""
    def changed(change):
        event = storefront.make_order()
        change(event)
        return json.dumps(event).encode()
    return {
        "malformed JSON": b'{"event_id": "0b8f", "order": {"order_no": ',
        "not UTF-8": b'{"event_id": "\xff\xfe", "order": {}}',
        "wrong types": changed(lambda e: e["order"].update(total=59, lines="two cups")),
        "unknown field": changed(lambda e: e.update(discount_code="FREE")),
        "missing event_id": changed(lambda e: e.pop("event_id")),
        "huge body (2 MB)": changed(lambda e: e["order"].update(buyer_remark="长" * 700_000)),
        "a JSON list": b"[1, 2, 3]",
    }


def test_poison_messages_are_dead_lettered_while_good_traffic_flows_and_a_fixed_one_replays(
        start_service, publish_order, rabbit_config, record_property):
    uri = rabbit_config["AMQP_URI"]
    service = start_service("after_sales", RETRY_DELAYS_MS=RETRIES)
    good = [storefront.make_order() for _ in range(GOOD_ORDERS)]
    poison = poison_bodies()
    # An order_shipped that overtook its order: the handler fails until the order is known.
    early = storefront.make_order()
    traffic = [("good", event) for event in good] + [("poison", name) for name in poison]
    random.Random(10).shuffle(traffic)
    for kind, item in traffic:
        if kind == "good":
            publish_order(event=item)
        else:
            publish_order(raw_body=poison[item])
    early_no = early["order"]["order_no"]
    publish_event(uri, "shipping_labels", "order_shipped", {
        "order_no": early_no, "carrier": "EMS", "tracking_no": "EE123456789CN", "shipper": "S-ship",
        "shipped_at": utcnow()})

    good_nos = {event["order"]["order_no"] for event in good}
    wait_for(lambda: known_orders(service, good_nos) == good_nos, timeout=30)
    letters = wait_for(lambda: (lambda found: found if len(found) == len(poison) + 1 else None)(
        list_dead_letters(uri, "after_sales")), timeout=30)
    by_attempts = sorted((letter.attempts, letter.reason[:60]) for letter in letters)
    failing = [letter for letter in letters if letter.event_id and "OrderNotYetKnown" in letter.reason]
    say(record_property, f"{len(good)} good + {len(poison)} poison + 1 failing: {len(known_orders(service, good_nos))} "
                         f"good processed, {len(letters)} dead letters, attempts {[a for a, _ in by_attempts]}, "
                         f"reasons {[r for _, r in by_attempts]}")
    assert all(letter.reason and letter.attempts <= len(RETRIES) + 1 for letter in letters)
    assert sum(1 for letter in letters if letter.attempts == 1) == len(poison)   # refused at once
    assert len(failing) == 1 and failing[0].attempts == len(RETRIES) + 1

    publish_order(event=early)                                      # the fix: the order arrives
    wait_for(lambda: known_orders(service, {early_no}), timeout=20)
    replayed = replay_dead_letters(uri, "after_sales", ids={failing[0].id})

    def shipped():
        with service.db.read() as session:
            return session.get(models.SalesOrder, early_no).status == "shipped"
    wait_for(shipped, timeout=20)
    left = list_dead_letters(uri, "after_sales")
    say(record_property, f"replayed {len(replayed)} fixed letter: order {early_no} shipped; "
                         f"{len(left)} poison letters left in the queue")
    assert len(replayed) == 1 and len(left) == len(poison)


def test_consumers_started_after_the_orders_were_published_process_them_all(
        start_service, make_config, publish_order, rabbit_config, record_property):
    config = make_config("after_sales")
    service_cls = importlib.import_module("services.after_sales.service").SERVICE
    declare_service(rabbit_config["AMQP_URI"], "after_sales", service_cls, config["RETRY_DELAYS_MS"])  # deploy
    orders = [publish_order() for _ in range(LATE_ORDERS)]
    nos = {event["order"]["order_no"] for event in orders}
    service = start_service("after_sales", config=config)
    wait_for(lambda: known_orders(service, nos) == nos, timeout=60)
    say(record_property, f"{len(nos)} orders published before the consumer started: "
                         f"{len(known_orders(service, nos))} processed")
    assert known_orders(service, nos) == nos
