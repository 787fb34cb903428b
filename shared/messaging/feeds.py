"""The queues of outside parties that consume the suite's events (a storefront: stock levels, tracking).

Each party has one durable queue, `<party>.feed`, declared by deploy and bound to every event the contracts
mark `outside=<party>` on its emitter's events exchange: one queue keeps them in the order they were
published. The party's broker user may read it and nothing else of the suite (`permissions`); it declares
nothing. No delivery limit and no dead letters: what the party can't apply is its own to keep.
"""
from kombu import Queue, binding

from contracts import consumed_outside
from shared import config
from shared.messaging.topology import events_exchange, queue_arguments


def feed_queue_name(party):
    return f"{party}.feed"


def feed_queue(party):
    return Queue(feed_queue_name(party), durable=True, queue_arguments=queue_arguments(), bindings=[
        binding(events_exchange(source, passive=True), routing_key=event_type)
        for source, event_type in sorted(consumed_outside(party))])


def feed_queues():
    return [feed_queue(party) for party in config.OUTSIDE_CONSUMERS]
