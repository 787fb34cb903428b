"""Names and declarations of every exchange and queue the suite uses.

Per service (and per outside publisher, such as `storefront`):
- `<service>.events`   topic exchange its events are published to (nameko's naming,
                         so `@event_handler(service, type)` works for any consumer); what no
                         queue is bound for goes to its alternate exchange `<service>.unrouted`:
                         an event type of the catalogue that nobody consumes (`stock_low`) ends
                         there, in the `<service>.unconsumed` sink, which has no queue; any other
                         routing key (a typo, `order-placed`) goes on to that exchange's own
                         alternate, `<service>.unrouted-kept`, into the queue `<service>.unrouted`,
                         kept to be read and replayed;
- one durable queue per consumer method, bound to the source's events exchange and,
  by its own name, to `<service>.retry`;
- `<service>.delay.<ms>` fanout exchange + queue whose messages expire after <ms>
  into `<service>.retry`, which routes them back to the queue they came from;
- `<service>.dead-letters` where messages go after their last attempt: a queue, and a fanout exchange
  of the same name that is the way in (publishing through the default exchange would need a right
  that reaches every queue, see `permissions`).

Every queue is durable and, by default, a quorum queue (`AMQP_QUEUE_TYPE`, `shared.config.queue_type`):
replicated on every node of a cluster, so a node's loss loses none of it. A queue that dead-letters (the
delay queues into `<service>.retry`, the consumer queues into `<service>.dead-letters`) does it
at-least-once (the broker keeps the message until the target queue confirms it), which needs
`x-overflow: reject-publish` (`AMQP_DEAD_LETTER_STRATEGY`, `shared.config.dead_letter_strategy`: the
tests use at-most-once on the machine's shared broker, for a bug of RabbitMQ 3.10.8 said there). A consumer queue has a delivery limit (`AMQP_DELIVERY_LIMIT`): a message
handed out that many times without being settled (its consumer crashed on it each time) goes to the
dead letters instead of looping. The dead-letter and unrouted queues have none: reading them
(`tools.dead_letters list`) gives every message back, and that counts as a delivery.

A service declares its own exchanges and queues; another's exchange it binds a queue to (a source's
`<source>.events`) is described `passive`: it is only checked (which needs no permission), and
declared only by a user allowed to (deploy, the tests' `guest`).
"""
from copy import copy

from amqp.exceptions import AccessRefused, NotFound
from kombu import Exchange, Queue, binding

from shared import config

PERSISTENT = 2


def queue_arguments(dead_letter_exchange=None, delivery_limit=False, **extra):
    """The arguments of one of the suite's durable queues, for the configured queue type."""
    arguments = dict(extra)
    if dead_letter_exchange:
        arguments["x-dead-letter-exchange"] = dead_letter_exchange
    if config.queue_type() == "quorum":
        arguments["x-queue-type"] = "quorum"
        if dead_letter_exchange and config.dead_letter_strategy() == "at-least-once":
            arguments["x-dead-letter-strategy"] = "at-least-once"
            arguments["x-overflow"] = "reject-publish"
        if delivery_limit:
            arguments["x-delivery-limit"] = config.delivery_limit()
    return arguments or None


def unrouted_exchange(service):
    return Exchange(f"{service}.unrouted", type="direct", durable=True, delivery_mode=PERSISTENT,
                    arguments={"alternate-exchange": f"{service}.unrouted-kept"})


def unconsumed_exchange(service):
    """A sink: events of the catalogue that no queue is bound for go here and no further."""
    return Exchange(f"{service}.unconsumed", type="fanout", durable=True, delivery_mode=PERSISTENT)


def kept_exchange(service):
    return Exchange(f"{service}.unrouted-kept", type="fanout", durable=True, delivery_mode=PERSISTENT)


def unrouted_queue(service):
    return Queue(f"{service}.unrouted", exchange=kept_exchange(service), durable=True,
                 queue_arguments=queue_arguments())


def events_exchange(service, passive=False):
    # Every declaration must carry the same arguments (the broker refuses a different one), so
    # this is the only place the events exchange is described.
    return Exchange(f"{service}.events", type="topic", durable=True, delivery_mode=PERSISTENT,
                    arguments={"alternate-exchange": unrouted_exchange(service).name}, passive=passive)


def retry_exchange(service):
    return Exchange(f"{service}.retry", type="direct", durable=True, delivery_mode=PERSISTENT)


def delay_exchange(service, delay_ms):
    return Exchange(f"{service}.delay.{delay_ms}", type="fanout", durable=True, delivery_mode=PERSISTENT)


def delay_queue(service, delay_ms):
    return Queue(
        f"{service}.delay.{delay_ms}", exchange=delay_exchange(service, delay_ms), durable=True,
        queue_arguments=queue_arguments(f"{service}.retry", **{"x-message-ttl": int(delay_ms)}))


def dead_letter_queue_name(service):
    return f"{service}.dead-letters"


def dead_letter_exchange(service):
    return Exchange(dead_letter_queue_name(service), type="fanout", durable=True, delivery_mode=PERSISTENT)


def dead_letter_queue(service):
    return Queue(dead_letter_queue_name(service), exchange=dead_letter_exchange(service), durable=True,
                 queue_arguments=queue_arguments())


def consumer_queue_name(source, event_type, service, method):
    return f"evt-{source}-{event_type}--{service}.{method}"


def consumer_queue(source, event_type, service, method):
    name = consumer_queue_name(source, event_type, service, method)
    # Past its delivery limit a message goes to the service's dead letters (quorum queues only: a
    # classic queue has no delivery count, and gets no dead-letter exchange it would never use).
    arguments = (queue_arguments(dead_letter_queue_name(service), delivery_limit=True)
                 if config.queue_type() == "quorum" else None)
    return Queue(name, durable=True, queue_arguments=arguments, bindings=[
        binding(events_exchange(source, passive=True), routing_key=event_type),
        binding(retry_exchange(service), routing_key=name),
    ])


def service_queues(service, delays_ms):
    """The queues a service needs besides its consumer queues."""
    return [dead_letter_queue(service)] + [delay_queue(service, ms) for ms in sorted(set(delays_ms))]


def declare_exchange(channel, exchange):
    """Declare an exchange, and first what its alternate exchange routes to, so that nothing
    published to it is ever routed to an exchange that does not exist yet (and so dropped)."""
    alternate = (exchange.arguments or {}).get("alternate-exchange")
    if alternate and alternate.endswith(".unrouted"):
        _declare_unrouted(channel, alternate[: -len(".unrouted")])
    exchange.bind(channel).declare()


def _declare_unrouted(channel, publisher):
    from contracts import catalogue

    unrouted_queue(publisher).bind(channel).declare()
    unrouted, sink = unrouted_exchange(publisher).bind(channel), unconsumed_exchange(publisher).bind(channel)
    unrouted.declare()
    sink.declare()
    for source, event_type in catalogue():
        if source == publisher:
            sink.bind_to(unrouted, routing_key=event_type)


class NotDeployed(Exception):
    """What a service needs from the bus is missing, and it may not create it itself."""


def require_exchange(connection, exchange):
    """Another's exchange: go on if it exists; if not, declare it if this user may, else stop."""
    try:
        with connection.channel() as channel:
            channel.exchange_declare(exchange=exchange.name, type=exchange.type, passive=True)
        return
    except NotFound:   # the broker closed that channel
        pass
    declared = copy(exchange)
    declared.passive = False
    try:
        with connection.channel() as channel:
            declare_exchange(channel, declared)
    except AccessRefused:
        raise NotDeployed(f"{exchange.name} does not exist and this user may not declare it: "
                          "run tools.deploy first") from None


def declare(connection, queues, exchanges=()):
    """Declare exchanges and queues (with their bindings) on a kombu connection; idempotent."""
    for queue in queues:
        for bound in queue.bindings:
            if bound.exchange.passive:
                require_exchange(connection, bound.exchange)
    with connection.channel() as channel:
        for exchange in exchanges:
            declare_exchange(channel, exchange)
        for queue in queues:
            queue = queue.bind(channel)
            for bound in queue.bindings:
                if not bound.exchange.passive:
                    declare_exchange(channel, bound.exchange)
            queue.declare()
