"""Deploy upgrades the events exchanges of an earlier release (declared without an alternate
exchange, which the broker won't change in place) and loses neither a waiting message nor a binding."""
from kombu import Exchange, Queue

from shared.messaging.dead_letters import list_unrouted
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.topology import consumer_queue_name
from tools import declare_topology

ORDERS_QUEUE = consumer_queue_name("storefront", "order_placed", "after_sales", "on_order_placed")


def old_release(connection):
    """The topology before: `storefront.events` without arguments, a consumer queue holding one order."""
    channel = connection.channel()
    exchange = Exchange("storefront.events", type="topic", durable=True)
    Queue(ORDERS_QUEUE, exchange=exchange, routing_key="order_placed", durable=True)(channel).declare()
    channel.close()


def waiting(connection, name):
    channel = connection.channel()
    try:
        return channel.queue_declare(queue=name, passive=True).message_count
    finally:
        channel.close()


def test_deploy_replaces_an_old_events_exchange_and_keeps_its_queues_and_messages(
        rabbit_config, amqp_connection, monkeypatch, capsys):
    uri = rabbit_config["AMQP_URI"]
    monkeypatch.setenv("AMQP_URI", uri)
    old_release(amqp_connection)
    publisher = ConfirmedPublisher(uri)
    publisher.publish({"event_id": "before"}, exchange="storefront.events", routing_key="order_placed")

    assert declare_topology.main([]) == 0
    assert "storefront.events: replaced" in capsys.readouterr().out
    assert waiting(amqp_connection, ORDERS_QUEUE) == 1          # what waited is still there

    publisher.publish({"event_id": "after"}, exchange="storefront.events", routing_key="order_placed")
    publisher.publish({"event_id": "typo"}, exchange="storefront.events", routing_key="order-placed")
    assert waiting(amqp_connection, ORDERS_QUEUE) == 2          # bound again
    assert [letter.event_id for letter in list_unrouted(uri, "storefront")] == ["typo"]

    assert declare_topology.main([]) == 0                        # a second deploy changes nothing
    assert "replaced" not in capsys.readouterr().out
    assert waiting(amqp_connection, ORDERS_QUEUE) == 2
