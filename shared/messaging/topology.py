"""Names and declarations of every exchange and queue the suite uses.

Per service:
- `<service>.events`   topic exchange its events are published to (nameko's naming,
                         so `@event_handler(service, type)` works for any consumer);
- one durable queue per consumer method, bound to the source's events exchange and,
  by its own name, to `<service>.retry`;
- `<service>.delay.<ms>` fanout exchange + queue whose messages expire after <ms>
  into `<service>.retry`, which routes them back to the queue they came from;
- `<service>.dead-letters` where messages go after their last attempt.
"""
from kombu import Exchange, Queue, binding

PERSISTENT = 2


def events_exchange(service):
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=PERSISTENT)


def retry_exchange(service):
    return Exchange(f"{service}.retry", type="direct", durable=True, delivery_mode=PERSISTENT)


def delay_exchange(service, delay_ms):
    return Exchange(f"{service}.delay.{delay_ms}", type="fanout", durable=True, delivery_mode=PERSISTENT)


def delay_queue(service, delay_ms):
    return Queue(
        f"{service}.delay.{delay_ms}", exchange=delay_exchange(service, delay_ms), durable=True,
        queue_arguments={"x-message-ttl": int(delay_ms), "x-dead-letter-exchange": f"{service}.retry"})


def dead_letter_queue_name(service):
    return f"{service}.dead-letters"


def dead_letter_queue(service):
    return Queue(dead_letter_queue_name(service), durable=True)


def consumer_queue_name(source, event_type, service, method):
    return f"evt-{source}-{event_type}--{service}.{method}"


def consumer_queue(source, event_type, service, method):
    name = consumer_queue_name(source, event_type, service, method)
    return Queue(name, durable=True, bindings=[
        binding(events_exchange(source), routing_key=event_type),
        binding(retry_exchange(service), routing_key=name),
    ])


def service_queues(service, delays_ms):
    """The queues a service needs besides its consumer queues."""
    return [dead_letter_queue(service)] + [delay_queue(service, ms) for ms in sorted(set(delays_ms))]


def declare(connection, queues, exchanges=()):
    """Declare exchanges and queues (with their bindings) on a kombu connection; idempotent."""
    with connection.channel() as channel:
        for exchange in exchanges:
            exchange.bind(channel).declare()
        for queue in queues:
            queue = queue.bind(channel)
            for bound in queue.bindings:
                bound.exchange.bind(channel).declare()
            queue.declare()
