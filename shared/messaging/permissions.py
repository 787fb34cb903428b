"""What each part of the suite may do on the bus, as RabbitMQ permissions: three regular expressions
(configure, write, read) over the names of exchanges and queues in one vhost, computed from the topology.

What each AMQP operation needs (checked on RabbitMQ 3.10; tests/reliability/test_bus_permissions.py
shows the ones the suite relies on):
- declaring an exchange or a queue: configure on it; with an alternate exchange (`S.events`) or a
  dead-letter exchange (`S.delay.<ms>`), also write on that one and read on itself;
- a passive declare (does it exist?): nothing;
- binding a queue: write on the queue, read on the exchange;
- publishing: write on the exchange, and not on the alternate exchange it may fall through to; through
  the default exchange, write on `amq.default`, which reaches every queue: no service has it;
- get and consume: read on the queue.
An exchange and a queue of the same name (`S.unrouted`, `S.dead-letters`, `S.delay.<ms>`) share a rule:
a pattern can't tell them apart.
"""
import re
from dataclasses import asdict, dataclass

from shared.messaging.topology import (
    dead_letter_exchange, events_exchange, kept_exchange, retry_exchange, unconsumed_exchange, unrouted_exchange,
)

NOTHING = "^$"
EVERYTHING = ".*"


@dataclass(frozen=True)
class Permissions:
    configure: str
    write: str
    read: str

    def as_dict(self):
        return asdict(self)


FULL = Permissions(EVERYTHING, EVERYTHING, EVERYTHING)


def exactly(names, patterns=()):
    """A pattern that matches these names (and these patterns) whole, and nothing else. RabbitMQ
    searches a pattern anywhere in a name: it must be anchored."""
    alternatives = [re.escape(name) for name in sorted(set(names))] + list(patterns)
    return f"^(?:{'|'.join(alternatives)})$" if alternatives else NOTHING


def service_permissions(service, consumer_queues):
    """A service declares, binds, publishes to and reads its own exchanges and queues: its consumer
    queues (`consumer_queues`, from the topology) and `S.events`, `S.unrouted` (with `S.unconsumed`
    and `S.unrouted-kept` behind it), `S.retry`, `S.dead-letters`, `S.delay.<ms>`. Of anyone else's it only reads (binds its queues to) the events
    exchanges of the publishers it consumes from."""
    own = [exchange(service).name for exchange in
           (events_exchange, unrouted_exchange, unconsumed_exchange, kept_exchange, retry_exchange,
            dead_letter_exchange)]
    own += [queue.name for queue in consumer_queues]
    delays = [re.escape(f"{service}.delay.") + "[0-9]+"]
    sources = {bound.exchange.name for queue in consumer_queues for bound in queue.bindings} - set(own)
    mine = exactly(own, delays)
    return Permissions(configure=mine, write=mine, read=exactly(own + sorted(sources), delays))


def publisher_permissions(publisher, feed_queues=()):
    """An outside publisher (the storefront) publishes to its events exchange; deploy declares it. It reads
    its own feed queues (`feeds`: what the suite sends back to it), which deploy declares and binds too."""
    return Permissions(configure=NOTHING, write=exactly([events_exchange(publisher).name]),
                       read=exactly(feed_queues))


def dead_letter_reader_permissions(dead_letter_queues, retry_exchanges=()):
    """Reads these queues (the console's page lists each service's dead letters) and publishes to these
    retry exchanges (a manager replays a dead letter into the queue it failed in), nothing more."""
    return Permissions(configure=NOTHING, write=exactly(retry_exchanges), read=exactly(dead_letter_queues))
