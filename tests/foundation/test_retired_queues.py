"""Deploy retires the queue of a removed consumer (shared/messaging/retired.py): what it held
at the upgrade moves to the service's dead letters, with the reason, and nothing is lost."""
import json
import uuid

import pytest
from amqp.exceptions import NotFound

from shared.messaging.dead_letters import list_dead_letters
from shared.messaging.deploy import declare_service
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.retired import RETIRED, retire_queues
from shared.messaging.topology import consumer_queue, declare, events_exchange, retry_exchange
from shared.service_registry import service_class
from shared.testing.polling import wait_for

LINE_PICKED = RETIRED[0]


def consumers(amqp_connection, name):
    with amqp_connection.channel() as channel:
        return channel.queue_declare(queue=name, passive=True).consumer_count


def queue_exists(amqp_connection, name):
    channel = amqp_connection.channel()
    try:
        channel.queue_declare(queue=name, passive=True)
        return True
    except NotFound:
        return False
    finally:
        if channel.is_open:
            channel.close()


def test_a_retired_queue_is_emptied_into_dead_letters_then_deleted(rabbit_config, amqp_connection):
    uri = rabbit_config["AMQP_URI"]
    # The release before: staff_performance consumed line_picked, and two were waiting at the upgrade.
    declare(amqp_connection, [consumer_queue("picking_packing", "line_picked", "staff_performance", "on_line_picked")])
    publisher, waiting = ConfirmedPublisher(uri), [str(uuid.uuid4()) for _ in range(2)]
    for event_id in waiting:
        publisher.publish({"event_id": event_id, "order_no": "SO-1", "sku": "SKU-1", "picker": "P-1"},
                          exchange=events_exchange("picking_packing").name, routing_key="line_picked")
    declare_service(uri, "staff_performance", service_class("staff_performance"), [1000])

    assert retire_queues(uri, "staff_performance") == {LINE_PICKED.queue_name: 2}

    assert not queue_exists(amqp_connection, LINE_PICKED.queue_name)
    letters = list_dead_letters(uri, "staff_performance")
    assert sorted(letter.event_id for letter in letters) == sorted(waiting)
    assert {letter.queue for letter in letters} == {LINE_PICKED.queue_name}
    assert all(letter.reason.startswith("retired consumer: line_picked is no longer published") for letter in letters)
    assert retire_queues(uri, "staff_performance") == {}      # the next deploy finds nothing to do
    assert retire_queues(uri, "order_review") == {}


def test_a_retry_still_in_a_delay_queue_for_a_retired_queue_lands_in_dead_letters(rabbit_config, amqp_connection):
    uri = rabbit_config["AMQP_URI"]
    declare(amqp_connection, [consumer_queue("picking_packing", "line_picked", "staff_performance", "on_line_picked")])
    retire_queues(uri, "staff_performance")
    late = str(uuid.uuid4())
    # What a delay queue does when the wait is over: back through the retry exchange, by queue name.
    ConfirmedPublisher(uri).publish(json.dumps({"event_id": late}).encode(), exchange=retry_exchange(
        "staff_performance").name, routing_key=LINE_PICKED.queue_name)
    assert [letter.event_id for letter in list_dead_letters(uri, "staff_performance")] == [late]


@pytest.mark.parametrize("retired", RETIRED, ids=lambda r: r.queue_name)
def test_a_retired_consumer_is_not_a_current_one(retired):
    """Retiring a queue the code still consumes would empty it at every deploy."""
    assert not hasattr(service_class(retired.service), retired.method)


def test_a_retired_queue_an_old_release_still_consumes_is_left_alone(rabbit_config, amqp_connection):
    """A rolling deploy: deleting the queue under a running consumer would cancel it mid-work."""
    uri = rabbit_config["AMQP_URI"]
    declare(amqp_connection, [consumer_queue("picking_packing", "line_picked", "staff_performance", "on_line_picked")])
    old_release = amqp_connection.channel()
    old_release.basic_consume(queue=LINE_PICKED.queue_name, callback=lambda message: None)
    try:
        assert retire_queues(uri, "staff_performance") == {LINE_PICKED.queue_name: None}
        assert queue_exists(amqp_connection, LINE_PICKED.queue_name)
    finally:
        old_release.close()
    # The broker drops a closed channel's consumer a moment later (a quorum queue through its log): then it goes.
    wait_for(lambda: consumers(amqp_connection, LINE_PICKED.queue_name) == 0, message="the consumer stayed")
    assert retire_queues(uri, "staff_performance") == {LINE_PICKED.queue_name: 0}   # once it has stopped
