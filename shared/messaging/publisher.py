"""Publishing with publisher confirms: `publish` returns only once the broker has the message."""
from kombu import Connection
from kombu.pools import producers

from shared.messaging.topology import PERSISTENT

RETRY_POLICY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2}


class ConfirmedPublisher:
    def __init__(self, amqp_uri, heartbeat=None):
        self._connection = Connection(amqp_uri, heartbeat=heartbeat,
                                      transport_options={"confirm_publish": True})

    def publish(self, body, exchange, routing_key, headers=None, content_type="application/json",
                content_encoding="utf-8", message_id=None, declare=(), retry=True):
        """`body` is bytes (sent as is) or a JSON-serialisable object."""
        serializer = None if isinstance(body, (bytes, str)) else "json"
        with producers[self._connection].acquire(block=True, timeout=10) as producer:
            producer.publish(
                body, exchange=exchange, routing_key=routing_key, headers=headers or {},
                serializer=serializer,
                content_type=content_type if serializer is None else None,
                content_encoding=content_encoding if serializer is None else None,
                delivery_mode=PERSISTENT, message_id=message_id, declare=list(declare),
                retry=retry, retry_policy=RETRY_POLICY)
