"""Issue #17, "The bus": each part's own broker user, as deploy creates it, on the real broker.

In the test's own vhost, with users of unique names made through the management API as `guest` (the
tests may; nothing of the suite does) and deleted at the end: a forged `order_approved` is refused for
the storefront and for the warehouse and nothing moves downstream, while the same services, each
signed in as itself, take a real order from the storefront to the warehouse, retry and dead-letter."""
import json
import uuid
from urllib.parse import quote

import pytest
import requests
import sqlalchemy as sa
from amqp.exceptions import AccessRefused
from kombu import Connection, Producer

from contracts import dump_event
from services.picking_packing.models import PickList
from services.shipping_labels.models import Shipment
from shared.bus_credentials import CONSOLE, DEPLOY, STOREFRONT, bus_uri, password_file
from shared.messaging.broker_admin import Rabbitmqctl
from shared.messaging.bus_users import set_up_users, suite_permissions
from shared.messaging.dead_letters import list_dead_letters, list_unrouted, replay_dead_letters
from shared.messaging.topology import NotDeployed, consumer_queue_name
from shared.testing.polling import wait_for
from shared.timeutil import utcnow
from tests.picking_packing.conftest import Warehouse, approved, line
from tests.reliability.harness import say
from tests.support.deployed_bus import ADMIN_API, Bus, admin, bus, deployed, without_credentials  # noqa: F401 (fixtures)
from tools import bus_users as bus_users_cli
from tools import storefront

PICKING_APPROVALS = consumer_queue_name("order_review", "order_approved", "picking_packing", "on_order_approved")
SHIPPING_APPROVALS = consumer_queue_name("order_review", "order_approved", "shipping_labels", "on_order_approved")


def publish_as(uri, exchange, routing_key, body):
    """Publish bytes with confirms, declaring nothing: only the right to publish is asked for."""
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        Producer(connection.default_channel, auto_declare=False).publish(
            body, exchange=exchange, routing_key=routing_key, content_type="application/json",
            content_encoding="utf-8", delivery_mode=2, retry=False)


def forged_approval(order_no):
    """An `order_approved` as order review would send it, for an order review never saw."""
    event = {"event_id": str(uuid.uuid4()), "occurred_at": utcnow(),
             **approved(line("SKU-001", qty=2), order_no=order_no)}
    event["shipping_address"] = {**event["shipping_address"], "recipient": "某人", "line1": "收货点 88 号"}
    return event["event_id"], json.dumps(dump_event("order_review", "order_approved", event)).encode()


def waiting(vhost, queue):
    """Messages in the queue, ready or delivered and not yet acked (the management API's count)."""
    answer = requests.get(f"{ADMIN_API}api/queues/{quote(vhost, safe='')}/{quote(queue, safe='')}", timeout=10)
    answer.raise_for_status()
    return answer.json().get("messages", 0)


def stored(service, model, order_no):
    with service.db.read() as session:
        return session.get(model, order_no)


def processed(service, event_id):
    inbox = service.base.metadata.tables["inbox"]
    with service.db.read() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(inbox).where(inbox.c.event_id == event_id))


def test_a_forged_approval_is_refused_for_the_storefront_and_the_warehouse_and_a_real_order_still_flows(
        deployed, start_service, rabbit_config, record_property):
    """Before #17 every part was `guest`: this forged approval reserved stock and made a shipment."""
    bus, vhost = deployed, rabbit_config["vhost"]
    start_service("order_review", AMQP_URI=bus.uri("order_review"))
    picking = start_service("picking_packing", AMQP_URI=bus.uri("picking_packing"))
    shipping = start_service("shipping_labels", AMQP_URI=bus.uri("shipping_labels"))
    Warehouse(picking, None).receive(*((sku, 50) for sku, *_ in storefront.CATALOGUE))

    forged_no = f"SO-FORGED-{uuid.uuid4().hex[:8].upper()}"
    event_id, body = forged_approval(forged_no)
    refusals = []
    for part in (STOREFRONT, "picking_packing"):
        with pytest.raises(AccessRefused) as refused:
            publish_as(bus.uri(part), "order_review.events", "order_approved", body)
        refusals.append(f"{part}: {refused.value}")
        assert "access to exchange 'order_review.events'" in str(refused.value)

    # The storefront's real order, published as the storefront, goes through review to the warehouse,
    # each service signed in as itself: after the forged attempts, on the same queues.
    order = storefront.make_order(remark_share=0, bad_phone_share=0, incomplete_share=0, cod_share=0)
    with Connection(bus.uri(STOREFRONT), transport_options={"confirm_publish": True}) as connection:
        assert storefront.exchange_exists(connection)
        storefront.publish(connection, order)
    real_no = order["order"]["order_no"]
    wait_for(lambda: (found := stored(picking, PickList, real_no)) and found.status == "ready", timeout=30,
             message="the real order never reached the warehouse")
    wait_for(lambda: stored(shipping, Shipment, real_no), timeout=30, message="shipping never expected it")
    wait_for(lambda: not any(waiting(vhost, q) for q in (PICKING_APPROVALS, SHIPPING_APPROVALS)),
             timeout=10, message="approvals still waiting")

    say(record_property, f"forged order_approved refused ({'; '.join(refusals)}); real order {real_no} reserved")
    assert stored(picking, PickList, forged_no) is None and stored(shipping, Shipment, forged_no) is None
    assert not processed(picking, event_id) and not processed(shipping, event_id)
    assert not list_dead_letters(bus.uri(DEPLOY), "picking_packing")


def test_a_service_reads_only_its_own_queues_and_reaches_no_queue_through_the_default_exchange(deployed):
    bus = deployed
    shipping, picking = bus.uri("shipping_labels"), bus.uri("picking_packing")
    refused = {
        "shipping_labels gets from picking_packing's queue": lambda: get_as(shipping, PICKING_APPROVALS),
        "shipping_labels consumes picking_packing's queue": lambda: consume_as(shipping, PICKING_APPROVALS),
        "shipping_labels publishes into picking_packing's queue through the default exchange":
            lambda: publish_as(shipping, "", PICKING_APPROVALS, b"{}"),
        "picking_packing publishes into its own queue through the default exchange":
            lambda: publish_as(picking, "", PICKING_APPROVALS, b"{}"),
        "picking_packing publishes to shipping_labels' retry exchange":
            lambda: publish_as(picking, "shipping_labels.retry", SHIPPING_APPROVALS, b"{}"),
        "picking_packing declares a queue deploy did not grant it":
            lambda: declare_as(picking, consumer_queue_name("order_review", "order_approved", "picking_packing", "spy")),
        "picking_packing binds its queue to an exchange it does not consume from":
            lambda: bind_as(picking, PICKING_APPROVALS, "customer_retention.events"),
        "the storefront declares its exchange": lambda: declare_exchange_as(bus.uri(STOREFRONT), "storefront.events"),
        "the storefront reads a dead-letter queue": lambda: get_as(bus.uri(STOREFRONT), "order_review.dead-letters"),
        "the console publishes to order_review.events":
            lambda: publish_as(bus.uri(CONSOLE), "order_review.events", "order_approved", b"{}"),
        "the console reads a consumer queue": lambda: get_as(bus.uri(CONSOLE), PICKING_APPROVALS),
    }
    for what, attempt in refused.items():
        with pytest.raises(AccessRefused):
            attempt()
            pytest.fail(f"allowed: {what}")
    # ...while what each needs is allowed (the other side of each boundary above)
    assert get_as(picking, PICKING_APPROVALS) is None
    bind_as(picking, PICKING_APPROVALS, "after_sales.events")
    assert get_as(bus.uri(CONSOLE), "picking_packing.dead-letters") is None
    assert get_as(bus.uri(STOREFRONT), "storefront.feed") is None   # its own feed (issue #23), nothing else


def get_as(uri, queue):
    with Connection(uri) as connection:
        return connection.default_channel.basic_get(queue)


def consume_as(uri, queue):
    with Connection(uri) as connection:
        connection.default_channel.basic_consume(queue, callback=lambda message: None)


def declare_as(uri, queue):
    with Connection(uri) as connection:
        connection.default_channel.queue_declare(queue, durable=True)


def declare_exchange_as(uri, exchange):
    with Connection(uri) as connection:
        connection.default_channel.exchange_declare(exchange, "topic", durable=True,
                                                    arguments={"alternate-exchange": "storefront.unrouted"})


def bind_as(uri, queue, exchange):
    with Connection(uri) as connection:
        connection.default_channel.queue_bind(queue, exchange, routing_key=f"x-{uuid.uuid4().hex[:6]}")


def test_under_least_privilege_failures_are_retried_and_dead_lettered_and_typos_kept(
        deployed, start_service, record_property):
    """Retries go through the service's delay exchanges and back through its retry exchange (the broker
    dead-letters them: no right of the service's is asked for), dead letters through its own dead-letter
    exchange; the console's user lists them. A storefront typo still lands in storefront.unrouted:
    falling through to the alternate exchange needs no right on it."""
    bus = deployed
    start_service("after_sales", AMQP_URI=bus.uri("after_sales"), RETRY_DELAYS_MS=[50, 100])
    shipped = {"event_id": str(uuid.uuid4()), "occurred_at": utcnow(), "order_no": f"SO-NEVER-{uuid.uuid4().hex[:8]}",
               "carrier": "EMS", "tracking_no": "EE123456789CN", "shipper": "S-1", "shipped_at": utcnow()}
    publish_as(bus.uri("shipping_labels"), "shipping_labels.events", "order_shipped",
               json.dumps(dump_event("shipping_labels", "order_shipped", shipped)).encode())
    letters = wait_for(lambda: list_dead_letters(bus.uri(CONSOLE), "after_sales"), timeout=30,
                       message="no dead letter")
    assert [(letter.event_id, letter.attempts) for letter in letters] == [(shipped["event_id"], 3)]
    # A manager replays it from the console, as the console's user: back through after_sales' retry exchange
    # into the queue it failed in, where it fails again (the order is still unknown) and comes back.
    assert [r.id for r in replay_dead_letters(bus.uri(CONSOLE), "after_sales", ids={letters[0].id}, declare=False)] \
        == [letters[0].id]
    again = wait_for(lambda: list_dead_letters(bus.uri(CONSOLE), "after_sales"), timeout=30, message="not back")
    assert [(letter.event_id, letter.attempts) for letter in again] == [(shipped["event_id"], 3)]
    assert again[0].id != letters[0].id

    typo = storefront.make_order()
    with Connection(bus.uri(STOREFRONT), transport_options={"confirm_publish": True}) as connection:
        storefront.publish(connection, typo, routing_key="order-placed")
    kept = list_unrouted(bus.uri(DEPLOY), "storefront")
    say(record_property, f"as after_sales: {letters[0].reason[:60]!r} after 3 attempts; "
                         f"storefront typo kept: {[k.routing_key for k in kept]}")
    assert [(k.event_id, k.routing_key) for k in kept] == [(typo["event_id"], "order-placed")]


def test_a_service_signed_in_as_itself_refuses_to_start_before_deploy(bus, start_service):
    """Its user may not declare the exchanges of the services it consumes from: only deploy does."""
    with pytest.raises(NotDeployed, match="run tools.deploy first"):
        start_service("picking_packing", AMQP_URI=bus.uri("picking_packing"))


def test_the_storefront_simulator_says_when_deploy_has_not_run(bus, capsys):
    assert storefront.main(["--amqp-uri", bus.uri(STOREFRONT), "--count", "1"]) == 1
    assert "run `python -m tools.deploy` first" in capsys.readouterr().err


# -- deploy ------------------------------------------------------------------------------------------------

def can_sign_in(uri):
    try:
        with Connection(uri, connect_timeout=5) as connection:
            connection.connect()
        return True
    except AccessRefused:
        return False


def test_deploy_creates_each_parts_user_once_and_rotates_a_password(rabbit_config, admin, tmp_path, monkeypatch):
    """What `tools.deploy` runs, through the management API as a remote broker's deploy would."""
    from shared import config

    vhost, prefix = rabbit_config["vhost"], f"t{uuid.uuid4().hex[:10]}-"
    monkeypatch.setattr(config, "VAR_DIR", tmp_path)
    monkeypatch.setenv("AMQP_URI", without_credentials(rabbit_config["AMQP_URI"]))
    monkeypatch.setenv("BUS_USER_PREFIX", prefix)
    monkeypatch.setenv("RABBITMQ_ADMIN_URI", "http://guest@127.0.0.1:15672/")
    (tmp_path / "admin-password").write_text("guest\n")
    monkeypatch.setenv("RABBITMQ_ADMIN_PASSWORD_FILE", str(tmp_path / "admin-password"))
    try:
        assert bus_users_cli.main([]) == 0
        passwords = {part: password_file(prefix + part).read_text() for part in suite_permissions()}
        for part, permissions in suite_permissions().items():
            granted = admin.permissions(vhost, prefix + part)
            assert {k: granted[k] for k in ("configure", "write", "read")} == permissions.as_dict()
            assert can_sign_in(bus_uri(part))
        old_uri = bus_uri("order_review")

        assert bus_users_cli.main([]) == 0                     # a second deploy keeps every password
        assert {part: password_file(prefix + part).read_text() for part in passwords} == passwords
        assert can_sign_in(old_uri)

        assert bus_users_cli.main(["rotate", "order_review"]) == 0
        assert bus_uri("order_review") != old_uri
        assert can_sign_in(bus_uri("order_review")) and not can_sign_in(old_uri)
        assert can_sign_in(bus_uri("picking_packing"))
    finally:
        for part in suite_permissions():
            admin.delete_user(prefix + part)


def rabbitmqctl_works():
    try:
        Rabbitmqctl()._run("list_vhosts")
        return True
    except Exception:   # not installed, or not allowed (not root): that way is not for this machine
        return False


@pytest.mark.skipif(not rabbitmqctl_works(), reason="rabbitmqctl can't administer a broker here")
def test_deploy_on_the_brokers_host_uses_rabbitmqctl(rabbit_config, admin, tmp_path):
    """`make run`'s way on a machine with a local broker: no administrator password at all."""
    vhost, prefix = rabbit_config["vhost"], f"t{uuid.uuid4().hex[:10]}-"
    try:
        set_up_users(Rabbitmqctl(), vhost, prefix=prefix, directory=tmp_path)
        bus = Bus(without_credentials(rabbit_config["AMQP_URI"]), prefix, tmp_path)
        assert can_sign_in(bus.uri("shipping_labels"))
        assert admin.permissions(vhost, prefix + STOREFRONT)["write"] == "^(?:storefront\\.events)$"
    finally:
        for part in suite_permissions():
            admin.delete_user(prefix + part)


def test_the_management_api_refuses_deploy_without_the_administrator(rabbit_config, bus):
    """The suite's own users can't manage the broker: deploy's included."""
    user = bus.prefix + DEPLOY
    answer = requests.get("http://127.0.0.1:15672/api/users", timeout=10,
                          auth=(user, password_file(user, bus.directory).read_text().strip()))
    assert answer.status_code == 401
    assert json.loads(answer.text)["error"]
