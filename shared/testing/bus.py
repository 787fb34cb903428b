"""Publish an event in a test as if service `source` had sent it."""
import uuid

from contracts import dump_event
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.topology import declare, events_exchange
from shared.messaging.transport import connect
from shared.timeutil import utcnow


def publish_event(amqp_uri, source, event_type, payload, event_id=None):
    """Validates against the contract like a real publisher; returns the body sent."""
    event = {"occurred_at": utcnow(), **payload, "event_id": event_id or str(uuid.uuid4())}
    body = dump_event(source, event_type, event)
    with connect(amqp_uri) as connection:
        declare(connection, [], exchanges=[events_exchange(source)])
    ConfirmedPublisher(amqp_uri).publish(body, exchange=events_exchange(source).name, routing_key=event_type)
    return body
