"""Messages that could not be processed, and messages no queue was bound for: putting them aside,
listing them, replaying them.

A dead letter keeps the original body byte for byte, its headers, and adds why it failed, how
many attempts it had, when it first failed and where it came from. An unrouted message (a
publisher's mistyped routing key, say) lands, through its events exchange's alternate exchange,
in `<publisher>.unrouted` as it was sent. Both are read without trusting their headers.
"""
import hashlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field

from shared.messaging.inbound import ATTEMPTS_HEADER, attempts_made
from shared.messaging.topology import (
    dead_letter_exchange, dead_letter_queue, dead_letter_queue_name, events_exchange, retry_exchange, unrouted_queue,
)
from shared.messaging.transport import connect
from shared.timeutil import to_iso, utcnow

log = logging.getLogger(__name__)


def dead_letter(publisher, service, message, queue_name, reason, attempts):
    """Publish `message` to the service's dead letters (confirmed). If its own headers can't travel
    (too large for a frame, say), it goes without them rather than not at all; the body always goes."""
    ours = _dead_letter_headers(message, queue_name, reason, attempts)
    try:
        return _publish_dead_letter(publisher, service, message, {**_headers(message), **ours})
    except Exception as exc:
        log.warning("dead letter with the original headers failed (%s); sending it without them", exc)
        ours["x-original-headers-dropped"] = f"{type(exc).__name__}: {exc}"[:500]
        return _publish_dead_letter(publisher, service, message, ours)


def _headers(message):
    headers = message.headers
    return dict(headers) if isinstance(headers, dict) else {}


def _dead_letter_headers(message, queue_name, reason, attempts):
    now = to_iso(utcnow())
    first_failed = _headers(message).get("x-first-failed-at")
    ours = {
        "x-dead-letter-id": str(uuid.uuid4()), "x-dead-letter-reason": reason[:4000], ATTEMPTS_HEADER: attempts,
        "x-original-queue": queue_name, "x-original-exchange": _text(message.delivery_info.get("exchange")),
        "x-original-routing-key": _text(message.delivery_info.get("routing_key")), "x-dead-lettered-at": now,
        "x-first-failed-at": first_failed if isinstance(first_failed, str) else now,
    }
    if getattr(message, "refused_compression", None) is not None:
        ours["x-refused-compression"] = _text(message.refused_compression)[:200]
    return ours


def _publish_dead_letter(publisher, service, message, headers):
    # Through the service's own dead-letter exchange: the default exchange would need a right that
    # reaches every queue of every service.
    publisher.publish(_body(message), exchange=dead_letter_exchange(service).name,
                      routing_key=dead_letter_queue_name(service), headers=headers,
                      content_type=_text(message.content_type) or "application/octet-stream",
                      content_encoding=_text(message.content_encoding) or "binary",
                      message_id=headers["x-dead-letter-id"], declare=[dead_letter_queue(service)])


def _body(message):
    body = message.body or b""
    return body if isinstance(body, bytes) else str(body).encode("utf-8", "surrogatepass")


def _text(value):
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# -- reading ---------------------------------------------------------------------------------------

@dataclass
class DeadLetter:
    id: str
    queue: str
    reason: str
    attempts: int
    first_failed_at: str
    dead_lettered_at: str
    event_id: str
    body_preview: str
    exchange: str = ""
    routing_key: str = ""
    body: bytes = field(repr=False, default=b"")
    headers: dict = field(repr=False, default_factory=dict)


def _broker_death(headers):
    """(queue, reason) of a message the broker dead-lettered itself (a quorum queue's delivery limit),
    from its `x-first-death-*` headers; ("", "") for one the suite dead-lettered (which says why)."""
    reason = _text(headers.get("x-first-death-reason"))
    if not reason or headers.get("x-dead-letter-reason"):
        return "", ""
    queue = _text(headers.get("x-first-death-queue"))
    if reason == "delivery_limit":
        return queue, ("delivery limit reached: the broker handed it out that many times without it being "
                       "settled (its consumer died or gave it back each time)")
    return queue, f"dead-lettered by the broker: {reason}"


def _describe(message):
    headers, raw = _headers(message), _body(message)
    death_queue, death_reason = _broker_death(headers)
    try:
        event_id = json.loads(raw).get("event_id", "")
    except Exception:   # not JSON, or not an object: a dead letter may be anything
        event_id = ""
    return DeadLetter(
        id=_text(headers.get("x-dead-letter-id")) or _text(message.properties.get("message_id"))
        or hashlib.sha256(raw).hexdigest()[:16],
        queue=_text(headers.get("x-original-queue")) or death_queue,
        reason=_text(headers.get("x-dead-letter-reason")) or death_reason,
        attempts=attempts_made(headers), first_failed_at=_text(headers.get("x-first-failed-at")),
        dead_lettered_at=_text(headers.get("x-dead-lettered-at")), event_id=_text(event_id),
        body_preview=raw[:200].decode("utf-8", "replace"), exchange=_text(message.delivery_info.get("exchange")),
        routing_key=_text(message.delivery_info.get("routing_key")), body=raw, headers=headers)


QUEUE_START_SECONDS = 10


class QueueStarting(Exception):
    """The queue is being declared by someone else right now: its record exists, its process not yet."""


def _drain(connection, queue):
    """Every message in the queue, unacked: closing the channel gives back the ones not acked.
    A queue that does not exist holds nothing (and is not created by looking)."""
    from amqp.exceptions import InternalError, NotFound

    channel = connection.channel()
    bound = queue(channel)
    try:
        channel.queue_declare(queue=queue.name, passive=True)
    except NotFound:   # the broker closed the channel
        return connection.channel(), []
    messages = []
    while True:
        try:
            message = bound.get(no_ack=False)
        except InternalError as exc:
            # A quorum queue another client is declaring this instant (a service's relay declares its
            # unrouted queue on first publish) exists before its process does: the broker answers
            # "noproc" and closes the connection. Nothing was taken: look again on a new connection.
            if "noproc" in str(exc):
                raise QueueStarting(queue.name) from exc
            raise
        if message is None:
            return channel, messages
        messages.append(message)


def _once_started(read):
    """`read()` again while the queue it reads is still starting, up to QUEUE_START_SECONDS."""
    deadline = time.monotonic() + QUEUE_START_SECONDS
    while True:
        try:
            return read()
        except QueueStarting:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _list(amqp_uri, queue):
    def read():
        with connect(amqp_uri) as connection:
            channel, messages = _drain(connection, queue)
            try:
                return [_describe(m) for m in messages]
            finally:
                channel.close()
    return _once_started(read)


def list_dead_letters(amqp_uri, service):
    return _list(amqp_uri, dead_letter_queue(service))


def list_unrouted(amqp_uri, publisher):
    """What was published to `<publisher>.events` with a routing key no queue is bound for."""
    return _list(amqp_uri, unrouted_queue(publisher))


class CannotReplay(Exception):
    """This letter has nowhere to go back to: it stays where it is."""


class Replayed(list):
    """The letters replayed; `.skipped`: (letter, why) of those chosen that could not be."""

    def __init__(self):
        super().__init__()
        self.skipped = []


def _replay(amqp_uri, queue, chosen, send):
    return _once_started(lambda: _replay_once(amqp_uri, queue, chosen, send))


def _replay_once(amqp_uri, queue, chosen, send):
    from shared.messaging.publisher import ConfirmedPublisher

    publisher = ConfirmedPublisher(amqp_uri)
    replayed = Replayed()
    with connect(amqp_uri) as connection:
        channel, messages = _drain(connection, queue)
        try:
            for message in messages:
                letter = _describe(message)
                if not chosen(letter):
                    continue
                try:
                    send(connection, publisher, message, letter)
                except CannotReplay as why:
                    replayed.skipped.append((letter, str(why)))
                    continue
                message.ack()   # only once the broker confirmed the replay
                replayed.append(letter)
        finally:
            channel.close()
    return replayed


def _queue_exists(connection, name):
    from amqp.exceptions import NotFound

    with connection.channel() as channel:
        try:
            channel.queue_declare(queue=name, passive=True)
            return True
        except NotFound:
            return False


def _picker(ids, everything):
    ids = set(ids or ())
    return lambda letter: everything or letter.id in ids or (letter.event_id and letter.event_id in ids)


def replay_dead_letters(amqp_uri, service, ids=None, everything=False, declare=True):
    """Send chosen dead letters back to the queue they failed in, with a fresh attempt count. `declare`
    false: the retry exchange is not declared (the console's user may publish to it, not configure it)."""
    def send(connection, publisher, message, letter):
        # The retry exchange drops what matches no queue: a letter whose queue is gone stays here.
        if not letter.queue or not _queue_exists(connection, letter.queue):
            raise CannotReplay(f"its queue {letter.queue!r} does not exist")
        headers = {k: v for k, v in letter.headers.items() if not str(k).startswith("x-")}
        headers["x-replayed-from"] = letter.id
        publisher.publish(letter.body, exchange=retry_exchange(service).name, routing_key=letter.queue,
                          headers=headers, content_type=_text(message.content_type) or None,
                          content_encoding=_text(message.content_encoding) or None,
                          declare=[retry_exchange(service)] if declare else [])
    return _replay(amqp_uri, dead_letter_queue(service), _picker(ids, everything), send)


def replay_unrouted(amqp_uri, publisher_name, ids=None, everything=False, routing_key=None):
    """Publish chosen unrouted messages to `<publisher>.events` again, with `routing_key` if given
    (the one the publisher meant), else with their own (a consumer bound since)."""
    exchange = events_exchange(publisher_name)

    def send(connection, publisher, message, letter):
        publisher.publish(letter.body, exchange=exchange.name, routing_key=routing_key or letter.routing_key,
                          headers={**letter.headers, "x-replayed-from": letter.id},
                          content_type=_text(message.content_type) or None,
                          content_encoding=_text(message.content_encoding) or None)
    return _replay(amqp_uri, unrouted_queue(publisher_name), _picker(ids, everything), send)
