"""Deploy-time move of a queue whose type or arguments changed (a classic queue of an earlier release
becoming a quorum queue, a new delivery limit): the broker can't change either in place, and refuses
the new declaration (406 PRECONDITION_FAILED, "inequivalent arg").

The move, for a queue Q that no consumer reads (the old release is stopped; one still consuming is
left alone, like a retired queue, until a later deploy):
1. a temporary queue `Q.moving` with the new arguments takes Q's bindings, and only then is Q unbound:
   from here on, new messages wait in `Q.moving`;
2. what Q holds moves to `Q.moving`, each message acked only once the broker has confirmed its copy;
3. Q is deleted (only when empty: whatever slipped in moves first) and declared again, new type, with
   its bindings;
4. `Q.moving` is unbound and what it holds moves back into Q; `Q.moving` is deleted.

A message routed in the instant both queues are bound (step 3 to 4) arrives twice: consumers dedupe
by event_id (the inbox). Nothing is routed to neither. A message keeps its body, properties and
routing key (it moves through a fanout exchange of deploy's, `deploy.move`), which a delay queue
needs to send it back to its queue when its wait is over, and the unrouted queue to show it; its wait
starts again in the new delay queue.
"""
import logging
import socket
from copy import copy

from amqp import Message
from amqp.exceptions import NotFound, PreconditionFailed
from kombu import Queue

from shared.messaging.topology import declare, declare_exchange
from shared.messaging.transport import connect

log = logging.getLogger(__name__)

MOVE_EXCHANGE = "deploy.move"
MOVE_BATCH = 500          # messages per batch of copies, confirmed together
MOVE_IDLE_SECONDS = 0.2   # no delivery for this long: the source is empty (checked again before deleting it)
MOVE_CONFIRM_SECONDS = 30
IN_USE = None   # what `upgrade_queues` reports for a queue it left alone


def upgrade_queues(amqp_uri, queues):
    """{queue name: messages moved} for each queue that existed with other arguments (moved to the new
    ones); IN_USE (None) for one a running consumer reads (left as it is: deploy again once it stops).
    Queues that don't exist yet, or match, are left to `declare`."""
    moved = {}
    with connect(amqp_uri) as connection:
        for queue in queues:
            if _matches(connection, queue):
                continue
            channel = connection.channel()
            try:
                found = channel.queue_declare(queue=queue.name, passive=True)
            finally:
                _close(channel)
            if found.consumer_count:
                log.warning("%s has other arguments than this release's but %s consumer(s) read it: left "
                            "as it is; deploy again once they stop", queue.name, found.consumer_count)
                moved[queue.name] = IN_USE
                continue
            moved[queue.name] = move_queue(connection, queue)
    return moved


def _matches(connection, queue):
    """True when `queue` does not exist or exists with these arguments (declaring it changes nothing)."""
    channel = connection.channel()
    try:
        channel.queue_declare(queue=queue.name, passive=True)
    except NotFound:   # the broker closed that channel
        return True
    try:
        channel.queue_declare(queue=queue.name, durable=queue.durable, auto_delete=queue.auto_delete,
                              arguments=queue.queue_arguments)
        return True
    except PreconditionFailed as exc:   # the broker closed that channel
        log.warning("%s was declared with other arguments (%s): moving it", queue.name, exc)
        return False
    finally:
        _close(channel)


def move_queue(connection, queue):
    """Move `queue` (its new definition, a kombu Queue) as the module's doc says; the number of
    messages it held."""
    temporary = Queue(f"{queue.name}.moving", durable=True, queue_arguments=queue.queue_arguments)
    routes = _routes(queue)
    with connection.channel() as channel:
        for exchange in {route[0].name: route[0] for route in routes}.values():
            if not exchange.passive:
                declare_exchange(channel, exchange)
        channel.queue_declare(queue=temporary.name, durable=True, auto_delete=False,
                              arguments=temporary.queue_arguments)
        for exchange, routing_key in routes:
            channel.queue_bind(queue=temporary.name, exchange=exchange.name, routing_key=routing_key)
        for exchange, routing_key in routes:
            channel.queue_unbind(queue=queue.name, exchange=exchange.name, routing_key=routing_key)
    held = _empty_and_delete(connection, queue.name, temporary.name)
    declare(connection, [queue])
    with connection.channel() as channel:
        for exchange, routing_key in routes:
            channel.queue_unbind(queue=temporary.name, exchange=exchange.name, routing_key=routing_key)
    _empty_and_delete(connection, temporary.name, queue.name)
    log.warning("%s: moved to a queue with the new arguments (%s message(s) it held)", queue.name, held)
    return held


def _routes(queue):
    """(exchange, routing key) of each binding of a kombu Queue, however it was described."""
    if queue.bindings:
        return [(bound.exchange, bound.routing_key or "") for bound in queue.bindings]
    if queue.exchange is not None and queue.exchange.name:
        return [(queue.exchange, queue.routing_key or "")]
    return []


def _empty_and_delete(connection, source, target):
    """Move every message of `source` to `target`, then delete `source` (only once it is empty)."""
    moved = 0
    while True:
        moved += _shovel(connection, source, target)
        if delete_if_empty(connection, source):
            return moved


def delete_if_empty(connection, name):
    """Delete the queue `name` if it holds nothing; False if it does. A quorum queue refuses
    `queue.delete` with `if-empty` (540 NOT_IMPLEMENTED), so it is counted first: for a queue that
    nothing is bound to and no consumer reads, as here, nothing can arrive in between."""
    if _waiting(connection, name):
        return False
    with connection.channel() as channel:
        channel.queue_delete(queue=name)
        return True


def _waiting(connection, name):
    with connection.channel() as channel:
        return channel.queue_declare(queue=name, passive=True).message_count


def _shovel(connection, source, target):
    """Move what `source` holds to `target` through deploy's fanout exchange, so each message keeps its
    routing key. Messages go in batches: a batch's copies are published back to back, and the originals
    are acked (all at once) only once the broker has confirmed every copy; a move cut short leaves the
    unconfirmed ones in `source` (and perhaps a copy in `target`: the inbox skips the second)."""
    if not _waiting(connection, source):
        return 0
    exchange = f"{MOVE_EXCHANGE}.{target}"
    moved, received, confirms = 0, [], {"sent": 0, "settled": 0, "refused": 0}

    def settle(tag, multiple, refused=False):
        confirms["settled"] = max(confirms["settled"], tag) if multiple else confirms["settled"] + 1
        confirms["refused"] += refused

    with connection.channel() as channel:
        channel.exchange_declare(exchange=exchange, type="fanout", durable=False, auto_delete=False)
        channel.queue_bind(queue=target, exchange=exchange)
        channel.confirm_select()
        channel.events["basic_ack"].add(settle)
        channel.events["basic_nack"].add(lambda tag, multiple: settle(tag, multiple, refused=True))
        channel.basic_qos(0, MOVE_BATCH, False)
        tag = channel.basic_consume(queue=source, callback=received.append, no_ack=False)
        try:
            while True:
                try:
                    connection.drain_events(timeout=MOVE_IDLE_SECONDS)
                    if len(received) < MOVE_BATCH:
                        continue
                except socket.timeout:   # nothing more came: what there is makes the last batch
                    if not received:
                        break
                for message in received:
                    channel.basic_publish(Message(message.body, **copy(message.properties)), exchange=exchange,
                                          routing_key=message.delivery_info.get("routing_key") or "")
                confirms["sent"] += len(received)
                while confirms["settled"] < confirms["sent"]:
                    connection.drain_events(timeout=MOVE_CONFIRM_SECONDS)
                if confirms["refused"]:
                    raise MoveRefused(f"the broker refused {confirms['refused']} copies into {target}")
                channel.basic_ack(received[-1].delivery_tag, multiple=True)
                moved += len(received)
                received.clear()
        finally:
            if channel.is_open:
                channel.basic_cancel(tag)
                channel.exchange_delete(exchange=exchange)
    return moved


class MoveRefused(Exception):
    """The broker did not take every copy: the originals stay where they were."""


def _close(channel):
    try:
        if channel.is_open:
            channel.close()
    except Exception:   # already closed by the broker's error
        pass
