"""Deploy moves the classic queues of an earlier release to quorum queues (a queue's type can't change
in place) without losing a message, while events keep being published (shared/messaging/queue_moves.py)."""
import json
import threading
import time
import uuid

from amqp.exceptions import PreconditionFailed

from shared.messaging.dead_letters import list_dead_letters, list_unrouted
from shared.messaging.deploy import service_queue_list
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.queue_moves import IN_USE, upgrade_queues
from shared.messaging.topology import (
    consumer_queue, declare, delay_exchange, events_exchange, unrouted_queue,
)
from shared.messaging.transport import connect
from shared.service_registry import service_class
from shared.testing.polling import wait_for
from tools import declare_topology

ORDERS = consumer_queue("storefront", "order_placed", "order_review", "on_order_placed")


def declared_as(uri, queue):
    """Whether the broker has `queue` with these arguments (it refuses a declaration with other ones)."""
    with connect(uri) as connection:
        try:
            with connection.channel() as channel:
                channel.queue_declare(queue=queue.name, durable=True, auto_delete=False,
                                      arguments=queue.queue_arguments)
            return True
        except PreconditionFailed:
            return False


def drain(uri, name):
    """Every body in the queue (acked)."""
    bodies = []
    with connect(uri) as connection:
        with connection.channel() as channel:
            while (message := channel.basic_get(queue=name, no_ack=True)) is not None:
                bodies.append((json.loads(message.body), message.delivery_info["routing_key"],
                               (message.properties.get("application_headers") or {})))
    return bodies


def old_release(uri, monkeypatch):
    """order_review's queues as the release before declared them: classic."""
    monkeypatch.setenv("AMQP_QUEUE_TYPE", "classic")
    with connect(uri) as connection:
        declare(connection, service_queue_list("order_review", service_class("order_review"), [1000])
                + [unrouted_queue("storefront")], exchanges=[events_exchange("storefront")])
    monkeypatch.setenv("AMQP_QUEUE_TYPE", "quorum")


def publish(uri, event_id, routing_key="order_placed", **kwargs):
    ConfirmedPublisher(uri).publish({"event_id": event_id}, exchange=events_exchange("storefront").name,
                                    routing_key=routing_key, **kwargs)


def test_deploy_moves_classic_queues_to_quorum_queues_and_keeps_every_message(rabbit_config, monkeypatch, capsys):
    uri = rabbit_config["AMQP_URI"]
    monkeypatch.setenv("AMQP_URI", uri)
    monkeypatch.setenv("RETRY_DELAYS_MS", "1000")
    old_release(uri, monkeypatch)
    waiting = [f"waiting-{i}" for i in range(300)]
    publisher = ConfirmedPublisher(uri)
    for event_id in waiting:
        publisher.publish({"event_id": event_id}, exchange="storefront.events", routing_key="order_placed",
                          headers={"x-attempts": 1})
    publish(uri, "typo", routing_key="order-placed")                     # kept in storefront.unrouted
    # A retry waiting in the delay queue, for the orders queue (what a failed handler leaves).
    publisher.publish({"event_id": "retrying"}, exchange=delay_exchange("order_review", 1000).name,
                      routing_key=ORDERS.name, headers={"x-attempts": 1})

    # Orders keep coming while deploy moves the queues.
    during, stop = [], threading.Event()

    def storefront():
        orders = ConfirmedPublisher(uri)
        while not stop.is_set() and len(during) < 3000:
            event_id = f"during-{len(during)}"
            orders.publish({"event_id": event_id}, exchange="storefront.events", routing_key="order_placed")
            during.append(event_id)
    flow = threading.Thread(target=storefront)
    flow.start()
    started = time.monotonic()
    try:
        assert declare_topology.main(["order_review"]) == 0
    finally:
        stop.set()
        flow.join()
    with capsys.disabled():
        print(f"\ndeploy moved order_review's queues in {time.monotonic() - started:.1f} s; "
              f"{len(during)} orders were published meanwhile")
    out = capsys.readouterr().out
    assert f"{ORDERS.name}: moved to a quorum queue; " in out
    assert "storefront.unrouted: moved to a quorum queue; 1 message(s) kept" in out
    assert during, "nothing was published during the move"

    assert declared_as(uri, ORDERS) and ORDERS.queue_arguments["x-queue-type"] == "quorum"
    # The retry came back through the retry exchange to the orders queue when its (new) wait ended.
    arrived = []
    wait_for(lambda: arrived.extend(drain(uri, ORDERS.name)) or "retrying" in {b["event_id"] for b, _, _ in arrived},
             timeout=10)
    ids = [body["event_id"] for body, _, _ in arrived]
    assert set(ids) == set(waiting) | set(during) | {"retrying"}       # nothing lost
    # Twice, a queue and its temporary one were both bound for an instant: what was published then
    # arrived twice (the inbox skips the second). The instant lasts longer on a busy machine: a few in a hundred.
    twice = {event_id for event_id in ids if ids.count(event_id) > 1}
    assert twice <= set(during) and len(twice) <= max(20, len(during) // 20), (len(during), twice)
    # Each message kept its routing key and headers.
    kept = {body["event_id"]: (routing_key, headers) for body, routing_key, headers in arrived}
    assert kept["waiting-0"][0] == "order_placed" and kept["waiting-0"][1]["x-attempts"] == 1
    assert [letter.routing_key for letter in list_unrouted(uri, "storefront")] == ["order-placed"]
    assert list_dead_letters(uri, "order_review") == []

    assert declare_topology.main(["order_review"]) == 0                # a second deploy moves nothing
    assert "moved" not in capsys.readouterr().out


def test_a_classic_queue_a_running_consumer_reads_is_left_alone(rabbit_config, monkeypatch):
    uri = rabbit_config["AMQP_URI"]
    old_release(uri, monkeypatch)
    publish(uri, str(uuid.uuid4()))
    with connect(uri) as connection:
        old = connection.channel()
        old.basic_qos(0, 1, False)
        old.basic_consume(queue=ORDERS.name, callback=lambda message: None)
        assert upgrade_queues(uri, [ORDERS])[ORDERS.name] is IN_USE
        old.close()
    assert upgrade_queues(uri, [ORDERS]) == {ORDERS.name: 1}           # once it has stopped
    assert upgrade_queues(uri, [ORDERS]) == {}
