"""Every durable queue the suite owns is a quorum queue (issue 21): replicated on a cluster, with
at-least-once dead-lettering, and a delivery limit as the backstop against a message that crashes
its consumer every time."""
import json
import uuid

import pytest

from shared.messaging.dead_letters import list_dead_letters, replay_dead_letters
from shared.messaging.deploy import consumer_queues, declare_service
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.topology import (
    consumer_queue, dead_letter_queue, declare, delay_queue, events_exchange, service_queues, unrouted_queue,
)
from shared.messaging.transport import connect
from shared.service_registry import service_class


def all_queues(service="order_review"):
    return (consumer_queues(service, service_class(service)) + service_queues(service, [1000, 5000])
            + [unrouted_queue("storefront")])


def test_every_durable_queue_is_a_quorum_queue_by_default(monkeypatch):
    monkeypatch.delenv("AMQP_QUEUE_TYPE", raising=False)
    monkeypatch.delenv("AMQP_DEAD_LETTER_STRATEGY", raising=False)   # tests/conftest.py sets it
    for queue in all_queues():
        assert queue.durable and queue.queue_arguments["x-queue-type"] == "quorum", queue.name
    consumer = consumer_queue("storefront", "order_placed", "order_review", "on_order_placed").queue_arguments
    assert consumer["x-delivery-limit"] == 20
    assert consumer["x-dead-letter-exchange"] == "order_review.dead-letters"
    for arguments in (consumer, delay_queue("order_review", 1000).queue_arguments):
        # At-least-once dead-lettering: the broker keeps the message until the target has it.
        assert arguments["x-dead-letter-strategy"] == "at-least-once"
        assert arguments["x-overflow"] == "reject-publish"
    # Reading the dead letters gives every message back: a delivery limit there would drop them.
    assert "x-delivery-limit" not in dead_letter_queue("order_review").queue_arguments
    assert "x-delivery-limit" not in unrouted_queue("storefront").queue_arguments


def test_classic_queues_stay_as_earlier_releases_declared_them(monkeypatch):
    monkeypatch.setenv("AMQP_QUEUE_TYPE", "classic")
    for queue in all_queues():
        assert "x-queue-type" not in (queue.queue_arguments or {}), queue.name
    assert consumer_queue("storefront", "order_placed", "order_review", "on_order_placed").queue_arguments is None
    assert delay_queue("order_review", 1000).queue_arguments == {
        "x-message-ttl": 1000, "x-dead-letter-exchange": "order_review.retry"}


def test_at_most_once_dead_lettering_leaves_the_strategy_to_the_broker(monkeypatch):
    monkeypatch.delenv("AMQP_QUEUE_TYPE", raising=False)
    monkeypatch.setenv("AMQP_DEAD_LETTER_STRATEGY", "at-most-once")
    arguments = delay_queue("order_review", 1000).queue_arguments
    assert arguments == {"x-message-ttl": 1000, "x-dead-letter-exchange": "order_review.retry", "x-queue-type": "quorum"}
    consumer = consumer_queue("storefront", "order_placed", "order_review", "on_order_placed").queue_arguments
    assert "x-dead-letter-strategy" not in consumer and "x-overflow" not in consumer
    assert consumer["x-delivery-limit"] == 20


def test_an_unknown_dead_letter_strategy_is_refused(monkeypatch):
    monkeypatch.delenv("AMQP_QUEUE_TYPE", raising=False)
    monkeypatch.setenv("AMQP_DEAD_LETTER_STRATEGY", "exactly-once")
    with pytest.raises(ValueError, match="AMQP_DEAD_LETTER_STRATEGY"):
        delay_queue("order_review", 1000)


def test_an_unknown_queue_type_is_refused(monkeypatch):
    monkeypatch.setenv("AMQP_QUEUE_TYPE", "mirrored")
    with pytest.raises(ValueError, match="AMQP_QUEUE_TYPE"):
        consumer_queue("storefront", "order_placed", "order_review", "on_order_placed")


def test_the_broker_declares_them_as_quorum_queues(rabbit_config, monkeypatch):
    monkeypatch.delenv("AMQP_QUEUE_TYPE", raising=False)
    uri = rabbit_config["AMQP_URI"]
    queues = declare_service(uri, "order_review", service_class("order_review"), [1000])
    with connect(uri) as connection:
        channel = connection.channel()
        for queue in queues:
            # Declaring it again as a classic queue is refused: the broker has it as a quorum queue.
            assert channel.queue_declare(queue=queue.name, passive=True).queue == queue.name
        declare(connection, queues)   # idempotent


def test_a_message_redelivered_past_the_limit_ends_in_the_dead_letters(rabbit_config, monkeypatch):
    """A message whose consumer dies on it every time (here: the channel closes with it unacked, as
    when the process is killed) is dead-lettered by the broker after the limit, not redelivered for ever."""
    monkeypatch.delenv("AMQP_QUEUE_TYPE", raising=False)
    monkeypatch.setenv("AMQP_DELIVERY_LIMIT", "3")
    uri = rabbit_config["AMQP_URI"]
    queue = consumer_queue("storefront", "order_placed", "order_review", "on_order_placed")
    with connect(uri) as connection:
        declare(connection, [queue] + service_queues("order_review", [1000]), exchanges=[events_exchange("storefront")])
        poison = str(uuid.uuid4())
        ConfirmedPublisher(uri).publish(json.dumps({"event_id": poison}).encode(),
                                        exchange=events_exchange("storefront").name, routing_key="order_placed")
        deliveries = 0
        while True:
            channel = connection.channel()
            message = channel.basic_get(queue=queue.name, no_ack=False)
            channel.close()   # the consumer "crashes": the message goes back unacked
            if message is None:
                break
            deliveries += 1
            assert deliveries <= 10, "the message keeps coming back"
    assert deliveries == 4   # the first delivery and 3 more
    letters = list_dead_letters(uri, "order_review")
    assert [letter.event_id for letter in letters] == [poison]
    assert letters[0].queue == queue.name
    assert "delivery limit" in letters[0].reason
    # Once its consumer is fixed, it replays into its queue like any dead letter.
    assert [letter.event_id for letter in replay_dead_letters(uri, "order_review", everything=True)] == [poison]
    with connect(uri) as connection:
        assert connection.channel().queue_declare(queue=queue.name, passive=True).message_count == 1
