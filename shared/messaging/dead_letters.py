"""The dead-letter queue of a service: putting messages in, listing them, replaying them.

A dead letter keeps the original body byte for byte, its headers, and adds why it
failed, how many attempts it had, when it first failed and where it came from.
"""
import json
import uuid
from dataclasses import dataclass, field

from kombu import Connection

from shared.messaging.topology import dead_letter_queue, dead_letter_queue_name, retry_exchange
from shared.timeutil import to_iso, utcnow


def dead_letter(publisher, service, message, queue_name, reason, attempts):
    headers = dict(message.headers or {})
    headers.update({
        "x-dead-letter-id": str(uuid.uuid4()),
        "x-dead-letter-reason": reason[:4000],
        "x-attempts": attempts,
        "x-original-queue": queue_name,
        "x-original-exchange": message.delivery_info.get("exchange", ""),
        "x-original-routing-key": message.delivery_info.get("routing_key", ""),
        "x-dead-lettered-at": to_iso(utcnow()),
    })
    headers.setdefault("x-first-failed-at", headers["x-dead-lettered-at"])
    publisher.publish(message.body or b"", exchange="", routing_key=dead_letter_queue_name(service),
                      headers=headers, content_type=message.content_type or "application/octet-stream",
                      content_encoding=message.content_encoding or "binary",
                      message_id=headers["x-dead-letter-id"], declare=[dead_letter_queue(service)])


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
    headers: dict = field(repr=False, default_factory=dict)


def _describe(message):
    headers = message.headers or {}
    raw = message.body if isinstance(message.body, bytes) else str(message.body).encode()
    try:
        event_id = json.loads(raw).get("event_id", "")
    except Exception:
        event_id = ""
    return DeadLetter(
        id=headers.get("x-dead-letter-id", ""), queue=headers.get("x-original-queue", ""),
        reason=headers.get("x-dead-letter-reason", ""), attempts=int(headers.get("x-attempts", 0)),
        first_failed_at=headers.get("x-first-failed-at", ""),
        dead_lettered_at=headers.get("x-dead-lettered-at", ""), event_id=str(event_id),
        body_preview=raw[:200].decode("utf-8", "replace"), headers=dict(headers))


def _drain(connection, service):
    """Every message in the DLQ, unacked: closing the channel gives back the ones not acked."""
    channel = connection.channel()
    queue = dead_letter_queue(service)(channel)
    queue.declare()
    messages = []
    while True:
        message = queue.get(no_ack=False)
        if message is None:
            return channel, messages
        messages.append(message)


def list_dead_letters(amqp_uri, service):
    with Connection(amqp_uri) as connection:
        channel, messages = _drain(connection, service)
        try:
            return [_describe(m) for m in messages]
        finally:
            channel.close()


def replay_dead_letters(amqp_uri, service, ids=None, everything=False):
    """Send chosen dead letters back to the queue they failed in, with a fresh attempt count."""
    from shared.messaging.publisher import ConfirmedPublisher

    publisher = ConfirmedPublisher(amqp_uri)
    replayed = []
    with Connection(amqp_uri) as connection:
        channel, messages = _drain(connection, service)
        try:
            for message in messages:
                letter = _describe(message)
                if not (everything or letter.id in (ids or ()) or letter.event_id in (ids or ())):
                    continue
                headers = {k: v for k, v in letter.headers.items() if not k.startswith("x-")}
                headers["x-replayed-from"] = letter.id
                publisher.publish(message.body, exchange=retry_exchange(service).name, routing_key=letter.queue,
                                  headers=headers, content_type=message.content_type,
                                  content_encoding=message.content_encoding, declare=[retry_exchange(service)])
                message.ack()
                replayed.append(letter)
        finally:
            channel.close()
    return replayed
