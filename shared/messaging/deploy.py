"""Declare every queue the suite consumes from, before any traffic: an event
published before its consumer first starts then waits in the consumer's queue."""
import inspect

from shared.messaging.topology import consumer_queue, declare, service_queues
from shared.messaging.transport import connect


def consumer_queues(service_name, service_cls):
    from shared.messaging.consumer import EventConsumer

    queues = []
    for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventConsumer):
                queues.append(consumer_queue(entrypoint.source_service, entrypoint.event_type,
                                             service_name, method_name))
    return queues


def service_queue_list(service_name, service_cls, delays_ms):
    return consumer_queues(service_name, service_cls) + service_queues(service_name, delays_ms)


def declare_service(amqp_uri, service_name, service_cls, delays_ms):
    queues = service_queue_list(service_name, service_cls, delays_ms)
    with connect(amqp_uri) as connection:
        declare(connection, queues)
    return queues
