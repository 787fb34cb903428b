"""Acks in batches (shared/messaging/acks.py): nothing done stays unacked, nothing running is acked."""

import pytest
from kombu import Connection

from shared.messaging.acks import AckBatcher
from shared.messaging.topology import consumer_queue_name
from shared.testing.polling import wait_for
from tests.foundation.test_delivery import effects


class RecordingChannel:
    """Stands in for the broker channel only: the batching is what is under test."""

    def __init__(self):
        self.connection = object()
        self.acks = []

    def basic_ack(self, tag, multiple=False):
        self.acks.append((tag, multiple))


class Delivery:
    def __init__(self, channel, tag):
        self.channel, self.delivery_tag = channel, tag


@pytest.fixture
def channel():
    return RecordingChannel()


def deliver(batcher, channel, tags):
    messages = [Delivery(channel, tag) for tag in tags]
    for message in messages:
        batcher.delivered(message)
    return messages


def test_deliveries_done_in_order_are_acked_by_one_frame_once_a_batch_is_done(channel):
    batcher = AckBatcher(batch=4, delay=60)
    messages = deliver(batcher, channel, [1, 2, 3, 4])
    for message in messages[:3]:
        batcher.done(message)
    assert channel.acks == []
    batcher.done(messages[3])
    assert channel.acks == [(4, True)]


def test_a_delivery_still_running_is_never_acked_by_a_multiple_ack(channel):
    batcher = AckBatcher(batch=3, delay=60)
    first, second, third, fourth = deliver(batcher, channel, [1, 2, 3, 4])
    for message in (second, third, fourth):
        batcher.done(message)
    assert sorted(channel.acks) == [(2, False), (3, False), (4, False)]   # 1 is still running
    batcher.done(first)
    batcher.flush()
    assert channel.acks[-1] == (1, True)


def test_a_requeued_delivery_does_not_hold_back_the_acks_after_it(channel):
    batcher = AckBatcher(batch=2, delay=60)
    first, second, third = deliver(batcher, channel, [1, 2, 3])
    batcher.forget(first)   # rejected back to the queue
    batcher.done(second)
    batcher.done(third)
    assert channel.acks == [(3, True)]


def test_the_last_few_are_acked_after_the_delay_without_a_full_batch(channel):
    batcher = AckBatcher(batch=100, delay=0.01)
    (only,) = deliver(batcher, channel, [7])
    batcher.done(only)
    assert wait_for(lambda: channel.acks, timeout=5) == [(7, True)]


def test_a_closed_channel_gets_no_ack_and_raises_nothing(channel):
    batcher = AckBatcher(batch=1, delay=60)
    (message,) = deliver(batcher, channel, [1])
    channel.connection = None
    batcher.done(message)
    assert channel.acks == []


def test_every_handled_message_is_acked_by_a_graceful_stop_even_before_its_batch_fills(
        start_sample, publish_order, rabbit_config):
    # A batch and a delay that never come: only the flush at stop can ack these.
    service = start_sample(ACK_BATCH=1000, ACK_DELAY_MS=600_000)
    orders = [publish_order()["order"]["order_no"] for _ in range(5)]
    wait_for(lambda: all(effects(service, order_no) for order_no in orders))
    service.container.stop()

    queue = consumer_queue_name("storefront", "order_placed", "sample", "on_order_placed")
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        _, waiting, _ = connection.default_channel.queue_declare(queue, passive=True)
    assert waiting == 0, f"{waiting} handled messages went back to the queue unacked"


def test_with_one_worker_every_message_is_handled_whether_or_not_a_worker_is_free(start_sample, publish_order):
    # A message finds the only worker busy most of the time: it waits in a green thread of its own.
    service = start_sample(max_workers=1)
    orders = [publish_order()["order"]["order_no"] for _ in range(20)]
    wait_for(lambda: all(effects(service, order_no) for order_no in orders))
