"""`AMQP_URI` may list several brokers, the nodes of a cluster (issue 21): every part connects to
one that answers (`shared.messaging.brokers`)."""
import json
import socket

import pytest

from shared.bus_credentials import bus_uri
from shared.messaging.brokers import broker_uris, failover_uri, sanitized, spread
from shared.messaging.dead_letters import list_dead_letters
from shared.messaging.publisher import BatchPublisher, ConfirmedPublisher
from shared.messaging.transport import GuardedTransport, connect
from shared.testing.polling import wait_for
from tests.foundation.test_delivery import effects, outbox_rows


def closed_port():
    """A loopback port nothing listens on: a node that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def with_a_dead_node_first(uri):
    dead = uri.replace(uri.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{closed_port()}")
    return f"{dead};{uri}"


def test_the_list_may_be_written_with_semicolons_or_commas():
    assert broker_uris("amqp://a:5672/ ; amqp://b:5672/,amqp://c:5672/") == [
        "amqp://a:5672/", "amqp://b:5672/", "amqp://c:5672/"]
    assert failover_uri(["amqp://a/", "amqp://b/"]) == "amqp://a/;amqp://b/"
    with pytest.raises(ValueError):
        broker_uris(" ; ")


def test_no_password_of_the_list_reaches_the_logs():
    assert sanitized("amqp://a:pw1@h1:5672/v;amqp://b:pw2@h2:5672/v") == \
        "amqp://a:********@h1:5672/v;amqp://b:********@h2:5672/v"


def test_each_process_starts_at_its_own_node_and_every_node_gets_the_credentials(tmp_path):
    (tmp_path / "order_review").mkdir()
    (tmp_path / "order_review" / "password").write_text("s3cret\n")
    environ = {"AMQP_URI": "amqp://h1:5672/shop,amqp://h2:5672/shop,amqp://h3:5672/shop"}
    uris = [bus_uri("order_review", environ, tmp_path, seed=seed).split(";") for seed in range(3)]
    assert [u[0] for u in uris] == ["amqp://order_review:s3cret@h1:5672/shop", "amqp://order_review:s3cret@h2:5672/shop",
                                    "amqp://order_review:s3cret@h3:5672/shop"]
    assert all(sorted(u) == sorted(uris[0]) for u in uris)
    assert spread(["a", "b", "c"], seed=4) == ["b", "c", "a"]
    # One broker: as before, a plain URI.
    assert bus_uri("order_review", {"AMQP_URI": "amqp://h1:5672/"}, tmp_path) == "amqp://order_review:s3cret@h1:5672/"


def test_a_connection_that_fails_over_stays_guarded(rabbit_config):
    connection = connect(with_a_dead_node_first(rabbit_config["AMQP_URI"]))
    with connection:
        connection.ensure_connection(max_retries=2, interval_start=0)
        assert connection.transport_cls is GuardedTransport
        assert connection.channel() is not None


def test_with_the_first_node_down_the_service_consumes_and_its_relay_publishes(
        start_sample, publish_order, listen, rabbit_config):
    uri = with_a_dead_node_first(rabbit_config["AMQP_URI"])
    service = start_sample(AMQP_URI=uri)
    seen = listen("sample", "order_seen")
    event = publish_order()
    wait_for(lambda: effects(service, event["order"]["order_no"]))
    wait_for(lambda: not any(r.published_at is None for r in outbox_rows(service)))
    message = wait_for(lambda: seen.get(no_ack=True))
    assert json.loads(message.body)["order_no"] == event["order"]["order_no"]
    # The publishers and the tools take the list too.
    ConfirmedPublisher(uri).publish({"event_id": "x"}, exchange="sample.dead-letters", routing_key="")
    BatchPublisher(uri).publish_batch([("{}", "sample.events", "order_seen", "y")])
    assert [letter.body for letter in list_dead_letters(uri, "sample")] == [b'{"event_id": "x"}']


def test_a_consumer_whose_connection_a_send_found_dead_reconnects_with_its_consumers(start_sample, publish_order):
    """A batch of acks, sent on its own green thread, can be the first to find the connection dead (its
    node was killed). kombu then quietly opened a fresh connection without the consumers, and the service
    consumed nothing more while looking connected. The consume loop must reconnect the full way."""
    from shared.messaging.consumer import RawQueueConsumer

    service = start_sample()
    consumer = next(ext for ext in service.container.extensions if isinstance(ext, RawQueueConsumer))
    first = publish_order()
    wait_for(lambda: effects(service, first["order"]["order_no"]))
    lost = consumer.consuming_connection
    lost._connection.transport.connected = False   # what py-amqp does when a send fails with ECONNRESET
    wait_for(lambda: consumer.consuming_connection is not lost, timeout=10)
    later = publish_order()
    wait_for(lambda: effects(service, later["order"]["order_no"]), timeout=10)
