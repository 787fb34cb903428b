"""Reading a service's dead letters or unrouted messages while someone else declares that quorum queue
(a service's relay declares its unrouted queue on first publish): the queue's record exists before its
process, and the broker answers a get with "noproc". The reader looks again rather than failing."""
import json
import uuid

import kombu
import pytest
from amqp.exceptions import InternalError

from shared.messaging import dead_letters
from shared.messaging.dead_letters import QueueStarting, list_unrouted
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.topology import declare, events_exchange, unrouted_queue
from shared.messaging.transport import connect


@pytest.fixture
def one_unrouted(rabbit_config):
    uri = rabbit_config["AMQP_URI"]
    with connect(uri) as connection:
        declare(connection, [unrouted_queue("storefront")], exchanges=[events_exchange("storefront")])
    event_id = str(uuid.uuid4())
    ConfirmedPublisher(uri).publish(json.dumps({"event_id": event_id}).encode(),
                                    exchange=events_exchange("storefront").name, routing_key="no-such-type")
    return uri, event_id


def starting_for(times, monkeypatch):
    real_get, calls = kombu.Queue.get, []

    def get(self, *args, **kwargs):
        calls.append(self.name)
        if len(calls) <= times:
            raise InternalError("Cannot get a message from queue: noproc")
        return real_get(self, *args, **kwargs)
    monkeypatch.setattr(kombu.Queue, "get", get)
    return calls


def test_a_queue_still_starting_is_read_once_it_has_started(one_unrouted, monkeypatch):
    uri, event_id = one_unrouted
    calls = starting_for(2, monkeypatch)
    assert [letter.event_id for letter in list_unrouted(uri, "storefront")] == [event_id]
    assert len(calls) > 2


def test_a_queue_that_never_starts_is_reported_after_the_deadline(one_unrouted, monkeypatch):
    uri, _ = one_unrouted
    starting_for(10**6, monkeypatch)
    monkeypatch.setattr(dead_letters, "QUEUE_START_SECONDS", 0.3)
    with pytest.raises(QueueStarting):
        list_unrouted(uri, "storefront")


def test_another_internal_error_is_not_mistaken_for_a_starting_queue(one_unrouted, monkeypatch):
    uri, _ = one_unrouted
    monkeypatch.setattr(kombu.Queue, "get", lambda self, *a, **k: (_ for _ in ()).throw(InternalError("disk full")))
    with pytest.raises(InternalError, match="disk full"):
        list_unrouted(uri, "storefront")
