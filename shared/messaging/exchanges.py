"""Deploy-time upgrade of the events exchanges to the ones with an alternate exchange.

An exchange's arguments can't change in place: a broker that has `<publisher>.events` from an
earlier release refuses the declaration with `alternate-exchange` (406 PRECONDITION_FAILED). Deploy
then replaces it: the unrouted exchange and queue first, then the exchange is deleted and declared
again, and deploy declares every consumer queue with its bindings right after. During those few
milliseconds a publish finds no exchange (the relay and the storefront retry it) or no binding (it
is kept in `<publisher>.unrouted`, to replay with `tools.dead_letters replay <publisher> --all`)."""
import logging

from amqp.exceptions import PreconditionFailed

from shared.messaging.topology import declare_exchange, events_exchange
from shared.messaging.transport import connect

log = logging.getLogger(__name__)


def upgrade_events_exchanges(amqp_uri, publishers):
    """[names of the exchanges replaced] (none on a broker that is up to date)."""
    replaced = []
    with connect(amqp_uri) as connection:
        for publisher in publishers:
            exchange = events_exchange(publisher)
            try:
                with connection.channel() as channel:
                    declare_exchange(channel, exchange)
                continue
            except PreconditionFailed as exc:   # the broker closed that channel
                log.warning("%s has other arguments (%s): replacing it", exchange.name, exc)
            with connection.channel() as channel:
                channel.exchange_delete(exchange.name)
                declare_exchange(channel, exchange)
            replaced.append(exchange.name)
    return replaced
