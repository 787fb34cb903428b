"""Issue #16, "The bus" (items 1 to 5): crafted messages on the real broker, against real services
and databases. Nothing a publisher sends may stop a consumer: at worst it is dead-lettered with the
true reason, with its original bytes, and every good message around it is processed."""
import bz2
import json
import uuid
import zlib

import pytest
import sqlalchemy as sa
from kombu import Connection, Producer

from shared.messaging.dead_letters import list_dead_letters, list_unrouted, replay_unrouted
from shared.messaging.topology import declare, events_exchange
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.reliability.harness import say
from tools import dead_letters as dead_letters_cli
from tools import storefront

CRAFTED_ATTEMPTS = ["zzz", -100, 10 ** 18, "", [1, 2], {"a": 1}, True, 1.5]


def publish_raw(uri, exchange, routing_key, body, headers=None, content_type="application/json",
                content_encoding="utf-8", **properties):
    """Publish bytes exactly as given, with confirms, to an exchange the services declared."""
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        Producer(connection.default_channel).publish(
            body, exchange=exchange, routing_key=routing_key, headers=headers or {}, content_type=content_type,
            content_encoding=content_encoding, delivery_mode=2, **properties)


def order_body(event=None, **changes):
    event = event or storefront.make_order(remark_share=0, bad_phone_share=0, incomplete_share=0)
    event["order"].update(changes)
    return event, json.dumps(event, ensure_ascii=False).encode("utf-8")


def stored_orders(service, model_name="SalesOrder"):
    import importlib
    model = getattr(importlib.import_module(f"services.{service.name}.models"), model_name)
    with service.db.read() as session:
        return set(session.scalars(sa.select(model.order_no)).all())


def alive(service):
    return not service.container._died.ready()


def letters_of(uri, service, count):
    return wait_for(lambda: (found := list_dead_letters(uri, service)) and len(found) >= count and found,
                    timeout=30, message=f"{count} dead letters expected in {service}")


# -- item 1 (and 5): headers from outside are input ------------------------------------------------

def test_crafted_attempt_headers_on_a_failing_message_end_in_dead_letters_not_in_a_dead_service(
        start_service, publish_order, rabbit_config, record_property, capsys):
    """Failed before the fix: `int("zzz")` in nameko's result callback killed the container, and the
    good order behind the crafted ones was never processed."""
    uri = rabbit_config["AMQP_URI"]
    service = start_service("after_sales", RETRY_DELAYS_MS=[50, 100])
    for value in CRAFTED_ATTEMPTS:
        # An order_shipped for an order after-sales has never seen: its handler raises every time.
        body = json.dumps({"event_id": str(uuid.uuid4()), "occurred_at": "2026-12-01T08:00:00Z",
                           "order_no": f"SO-NEVER-{uuid.uuid4().hex[:8]}", "tracking_no": "EE123456789CN",
                           "carrier": "EMS", "shipper": "S-1", "shipped_at": "2026-12-01T08:00:00Z"}).encode()
        publish_raw(uri, "shipping_labels.events", "order_shipped", body, headers={"x-attempts": value})
    # nameko would take `nameko.*` headers as the worker's context: a crafted call stack broke it.
    event, body = order_body()
    publish_raw(uri, "storefront.events", "order_placed", body, headers={"nameko.call_id_stack": 5})
    good = publish_order(remark_share=0)

    wanted = {event["order"]["order_no"], good["order"]["order_no"]}
    wait_for(lambda: wanted <= stored_orders(service), timeout=30, message="good orders not processed")
    letters = letters_of(uri, "after_sales", len(CRAFTED_ATTEMPTS))
    say(record_property, f"{len(CRAFTED_ATTEMPTS)} crafted x-attempts: {len(letters)} dead letters with attempts "
                         f"{sorted(letter.attempts for letter in letters)}; service alive: {alive(service)}")
    assert alive(service)
    assert len(letters) == len(CRAFTED_ATTEMPTS)
    assert all(letter.attempts == 3 and "OrderNotYetKnown" in letter.reason for letter in letters)

    # Item 5: the dead-letter command reads and replays letters whatever their headers say.
    publish_raw(uri, "", "after_sales.dead-letters", b'{"not": "an event"}', headers={
        "x-attempts": "zzz", "x-dead-letter-reason": 12, "x-original-queue": ["odd"]})
    assert dead_letters_cli.main(["--amqp-uri", uri, "list", "after_sales"]) == 0
    listed = capsys.readouterr().out
    assert f"{len(CRAFTED_ATTEMPTS) + 1} dead letter(s)" in listed
    assert dead_letters_cli.main(["--amqp-uri", uri, "replay", "after_sales", "--all"]) == 0
    # The crafted letter names no queue that exists: it stays, the others fail again and come back.
    assert f"{len(CRAFTED_ATTEMPTS)} replayed, 1 left" in capsys.readouterr().out
    letters = letters_of(uri, "after_sales", len(CRAFTED_ATTEMPTS) + 1)
    assert alive(service)


# -- item 2: compression ---------------------------------------------------------------------------

@pytest.mark.parametrize("compression, packed", [
    ("application/x-bz2", lambda raw: bz2.compress(raw)),
    ("application/x-gzip", lambda raw: zlib.compress(raw)),
    ("application/x-made-up", lambda raw: raw),
])
def test_a_compressed_message_is_refused_before_anything_and_dead_lettered_as_sent(
        start_service, publish_order, rabbit_config, record_property, compression, packed):
    """Failed before the fix: kombu inflated the body (here 20 MB of zeros from a few dozen bytes)
    before any check, and the dead letter kept the inflated body, not the bytes that were sent."""
    uri = rabbit_config["AMQP_URI"]
    service = start_service("after_sales")
    bomb = packed(b"\0" * 20_000_000)
    publish_raw(uri, "storefront.events", "order_placed", bomb, headers={"compression": compression})
    good = publish_order(remark_share=0)
    wait_for(lambda: good["order"]["order_no"] in stored_orders(service), timeout=30)
    [letter] = letters_of(uri, "after_sales", 1)
    say(record_property, f"{compression}: {len(bomb)} bytes sent; dead letter of {len(letter.body)} bytes: "
                         f"{letter.reason}")
    assert letter.body == bomb
    assert "compress" in letter.reason and compression in letter.reason
    assert "compression" not in letter.headers   # listing or replaying it never inflates it
    assert alive(service)


# -- item 3: nothing lost without a trace ----------------------------------------------------------

@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-python-serialize"])
def test_a_valid_order_is_read_whatever_its_content_type_says(start_service, rabbit_config, content_type):
    """Failed before the fix: without a content type kombu refused the body ('Invalid input type')."""
    uri = rabbit_config["AMQP_URI"]
    service = start_service("after_sales")
    event, body = order_body()
    publish_raw(uri, "storefront.events", "order_placed", body, content_type=content_type, content_encoding=None)
    wait_for(lambda: event["order"]["order_no"] in stored_orders(service), timeout=20)


def test_a_body_that_is_not_json_is_dead_lettered_with_the_true_reason(start_service, rabbit_config):
    uri = rabbit_config["AMQP_URI"]
    start_service("after_sales")
    publish_raw(uri, "storefront.events", "order_placed", b"\x80\x03}q\x00.", content_type="application/json")
    publish_raw(uri, "storefront.events", "order_placed", b"order=1", content_type=None, content_encoding=None)
    letters = letters_of(uri, "after_sales", 2)
    reasons = sorted(letter.reason for letter in letters)
    assert "not UTF-8" in reasons[0] or "not UTF-8" in reasons[1]
    assert any("not JSON" in reason for reason in reasons)


def test_a_mistyped_routing_key_is_kept_as_unrouted_and_replays_with_the_right_key(
        start_service, rabbit_config, record_property, capsys):
    """Failed before the fix: the broker dropped a message nobody was bound for, silently."""
    uri = rabbit_config["AMQP_URI"]
    service = start_service("after_sales")
    event, body = order_body()
    publish_raw(uri, events_exchange("storefront").name, "order-placed", body)
    [kept] = wait_for(lambda: list_unrouted(uri, "storefront"), timeout=10)
    say(record_property, f"unrouted: {kept.routing_key} {kept.event_id}")
    assert kept.routing_key == "order-placed" and kept.event_id == event["event_id"]
    assert dead_letters_cli.main(["--amqp-uri", uri, "list", "storefront"]) == 0
    assert "order-placed" in capsys.readouterr().out

    replayed = replay_unrouted(uri, "storefront", ids={kept.id}, routing_key="order_placed")
    assert [letter.id for letter in replayed] == [kept.id]
    wait_for(lambda: event["order"]["order_no"] in stored_orders(service), timeout=20)
    assert list_unrouted(uri, "storefront") == []


def test_an_event_nobody_consumes_is_not_kept_only_an_unknown_routing_key_is(rabbit_config):
    """Events of the catalogue that no queue is bound for (stock_low, fine_issued...) would fill the
    unrouted queue for ever; only a routing key that is no event type of the publisher is kept."""
    uri = rabbit_config["AMQP_URI"]
    with Connection(uri) as connection:   # as the relay or deploy declares it
        declare(connection, [], exchanges=[events_exchange("picking_packing")])
    body = json.dumps({"event_id": str(uuid.uuid4()), "occurred_at": "2026-12-01T08:00:00Z", "sku": "SKU-001",
                       "available": 1, "threshold": 5}).encode()
    publish_raw(uri, "picking_packing.events", "stock_low", body)
    publish_raw(uri, "picking_packing.events", "stock-low", body)
    [kept] = wait_for(lambda: list_unrouted(uri, "picking_packing"), timeout=10)
    assert kept.routing_key == "stock-low"
    assert [letter.routing_key for letter in list_unrouted(uri, "picking_packing")] == ["stock-low"]


def test_an_event_id_reused_with_different_content_is_a_dead_letter_not_a_silent_skip(
        start_service, rabbit_config, record_property):
    """Failed before the fix: the second order was acked as 'already processed' and lost."""
    uri = rabbit_config["AMQP_URI"]
    service = start_service("after_sales")
    first, body = order_body()
    publish_raw(uri, "storefront.events", "order_placed", body)
    wait_for(lambda: first["order"]["order_no"] in stored_orders(service), timeout=20)
    publish_raw(uri, "storefront.events", "order_placed", body)          # the same event again: skipped
    second, other = order_body()
    second["event_id"] = first["event_id"]
    _, other = order_body(second)
    publish_raw(uri, "storefront.events", "order_placed", other)
    [letter] = letters_of(uri, "after_sales", 1)
    say(record_property, f"reused event_id: {letter.reason}")
    assert "event_id reused with different content" in letter.reason
    assert letter.body == other
    assert second["order"]["order_no"] not in stored_orders(service)


# -- item 4: one contract, one verdict -------------------------------------------------------------

def hostile_orders():
    """{name: raw body} of orders every consumer must refuse the same way."""
    def body(change):
        event = storefront.make_order(remark_share=0)
        change(event["order"])
        return json.dumps(event).encode("ascii")   # escapes: "\\ud800" is how a lone surrogate travels
    return {
        "placed in year 9999": body(lambda o: o.update(placed_at="9999-12-31T23:00:00Z")),
        "placed in 1970": body(lambda o: o.update(placed_at="1970-01-01T00:00:00Z")),
        "a lone surrogate in the remark": body(lambda o: o.update(buyer_remark="\ud800 送人的")),
        "a quantity of 2**40": body(lambda o: o["lines"][0].update(qty=1_099_511_627_776)),
        "an order number with a slash": body(lambda o: o.update(order_no="SO-1/../2")),
        "an order number with a space": body(lambda o: o.update(order_no="SO 1")),
        "a unit weight of 10 t": body(lambda o: o["lines"][0].update(unit_weight_g=10_000_000)),
        "full-width digits as money": body(lambda o: o.update(shipping_fee="\uff18.\uff10\uff10")),
        "Arabic-Indic digits as money": body(lambda o: o.update(total="\u0663.\u0660\u0660")),
    }


CONSUMERS_OF_ORDERS = {"order_review": "ReviewOrder", "after_sales": "SalesOrder", "customer_retention": "CustomerOrder"}


def test_every_consumer_of_an_order_gives_the_same_verdict(start_service, publish_order, rabbit_config,
                                                           record_property):
    """Failed before the fix: order review dead-lettered year 9999 and the lone surrogate, while
    after-sales and customer retention stored them; the huge quantity and the slash passed everywhere."""
    uri = rabbit_config["AMQP_URI"]
    services = {name: start_service(name) for name in CONSUMERS_OF_ORDERS}
    hostile = hostile_orders()
    for raw in hostile.values():
        publish_raw(uri, "storefront.events", "order_placed", raw, headers={"x-attempts": "zzz"})
    good = publish_order(remark_share=0, bad_phone_share=0, incomplete_share=0)
    verdicts = {}
    for name in CONSUMERS_OF_ORDERS:
        letters = letters_of(uri, name, len(hostile))
        verdicts[name] = sorted((letter.body, letter.attempts) for letter in letters)
    say(record_property, f"{len(hostile)} hostile orders: dead letters per consumer "
                         f"{ {name: len(v) for name, v in verdicts.items()} }")
    expected = sorted((raw, 1) for raw in hostile.values())
    assert all(verdict == expected for verdict in verdicts.values()), verdicts
    for name, model in CONSUMERS_OF_ORDERS.items():
        assert alive(services[name])
        if model:
            wait_for(lambda: stored_orders(services[name], model) == {good["order"]["order_no"]}, timeout=20)


def test_dates_refused_by_the_contract_are_refused_at_the_edges_of_the_window():
    from marshmallow import ValidationError
    from contracts import schema_for

    schema = schema_for("storefront", "order_placed")
    event = storefront.make_order()
    for placed_at in ("2000-01-01T00:00:00Z", "2099-12-31T23:59:59Z"):
        event["order"]["placed_at"] = placed_at
        schema.load(json.loads(json.dumps(event)))
    for placed_at in ("1999-12-31T23:59:59Z", "2100-01-01T00:00:00Z"):
        event["order"]["placed_at"] = placed_at
        with pytest.raises(ValidationError):
            schema.load(json.loads(json.dumps(event)))
    assert utcnow().year < 2100
