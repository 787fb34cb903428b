"""The relay's publisher: a batch counts as sent only when the broker confirmed all of it."""
import socket
import uuid

import pytest
from kombu import Connection, Exchange, Queue

from shared.messaging.publisher import BatchPublisher


@pytest.fixture
def exchange_and_queue(rabbit_config):
    exchange = Exchange(f"test-batch-{uuid.uuid4().hex[:8]}", type="topic", durable=True)
    with Connection(rabbit_config["AMQP_URI"]) as connection:
        queue = Queue(f"{exchange.name}.q", exchange=exchange, routing_key="#")(connection.default_channel)
        queue.declare()
        yield exchange, queue
        queue.delete()
        exchange(connection.default_channel).delete()


def test_a_batch_arrives_whole_and_in_order(rabbit_config, exchange_and_queue):
    exchange, queue = exchange_and_queue
    publisher = BatchPublisher(rabbit_config["AMQP_URI"])
    try:
        for batch in range(3):
            publisher.publish_batch([(f'{{"n": {batch * 50 + n}}}', exchange.name, "thing_done", f"id-{n}")
                                     for n in range(50)], declare=[exchange])
    finally:
        publisher.close()
    received = [queue.get(no_ack=True) for _ in range(150)]
    assert [m.payload["n"] for m in received] == list(range(150))
    assert received[0].properties["delivery_mode"] == 2      # persistent
    assert received[0].content_type == "application/json"


def test_a_batch_the_broker_refuses_raises_and_the_next_batch_still_goes(rabbit_config, exchange_and_queue):
    exchange, queue = exchange_and_queue
    publisher = BatchPublisher(rabbit_config["AMQP_URI"])
    try:
        with pytest.raises(Exception):   # no such exchange: the broker closes the channel
            publisher.publish_batch([('{"n": 0}', f"missing-{uuid.uuid4().hex}", "x", "id-0")])
        publisher.publish_batch([('{"n": 1}', exchange.name, "thing_done", "id-1")], declare=[exchange])
    finally:
        publisher.close()
    assert queue.get(no_ack=True).payload == {"n": 1}


@pytest.mark.skipif(not hasattr(socket, "TCP_CORK"), reason="TCP_CORK is Linux's")
def test_the_socket_is_uncorked_after_a_batch_so_nothing_waits_in_the_kernel(rabbit_config, exchange_and_queue):
    exchange, queue = exchange_and_queue
    publisher = BatchPublisher(rabbit_config["AMQP_URI"])
    try:
        publisher.publish_batch([('{"n": 1}', exchange.name, "thing_done", "id-1")], declare=[exchange])
        sock = publisher._connection.connection.transport.sock
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_CORK) == 0
    finally:
        publisher.close()
