"""Publishing with publisher confirms: `publish` returns only once the broker has the message."""
import socket
import time
from contextlib import contextmanager

from kombu import Connection, Producer
from kombu.pools import producers

from shared.messaging.brokers import broker_uris, connect_any, failover_uri
from shared.messaging.topology import PERSISTENT, declare_exchange

RETRY_POLICY = {"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2}


class ConfirmedPublisher:
    def __init__(self, amqp_uri, heartbeat=None):
        self._connection = Connection(failover_uri(broker_uris(amqp_uri)), heartbeat=heartbeat,
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


class PublishNotConfirmed(Exception):
    """The broker refused (nack) or did not confirm a batch in time: none of it counts as sent."""


class BatchPublisher:
    """The outbox relay's publisher: a batch goes out back to back and the broker's confirms are
    awaited once for all of it, instead of one round trip per message (which, on a busy machine,
    capped a service's relay at a few hundred events per second).

    `publish_batch` returns only when every message of the batch is confirmed; otherwise it raises
    and drops the connection, and the caller sends the whole batch again later (consumers dedupe
    by event_id)."""

    def __init__(self, amqp_uri, confirm_timeout=10.0):
        self._uri = amqp_uri
        self._timeout = confirm_timeout
        self._connection = self._channel = None
        self._declared = set()
        self._unconfirmed, self._refused = set(), []
        self._next_tag = 1

    def publish_batch(self, messages, declare=()):
        """`messages`: (body: str, exchange name, routing key, message_id) tuples."""
        try:
            producer = self._producer(declare)
            with self._corked():
                for body, exchange, routing_key, message_id in messages:
                    self._unconfirmed.add(self._next_tag)
                    self._next_tag += 1
                    producer.publish(body, exchange=exchange, routing_key=routing_key, message_id=message_id,
                                     content_type="application/json", content_encoding="utf-8",
                                     delivery_mode=PERSISTENT, retry=False)
            self._await_confirms()
        except BaseException:
            self.close()
            raise

    @contextmanager
    def _corked(self):
        """The batch's frames leave in as few TCP segments as hold them (Linux TCP_CORK): a send per
        message, each waking the broker, cost about 40% of publishing a small batch."""
        sock = self._connection.connection.transport.sock
        cork = getattr(socket, "TCP_CORK", None)
        if cork is not None:
            sock.setsockopt(socket.IPPROTO_TCP, cork, 1)
        try:
            yield
        finally:
            if cork is not None:
                try:
                    sock.setsockopt(socket.IPPROTO_TCP, cork, 0)
                except OSError:   # the connection broke mid-batch: the error that broke it tells more
                    pass

    def _producer(self, declare):
        if self._connection is None:
            self._connection = connect_any(Connection(failover_uri(broker_uris(self._uri))))
            self._channel = self._connection.channel()
            self._channel.confirm_select()
            self._channel.events["basic_ack"].add(self._on_ack)
            self._channel.events["basic_nack"].add(self._on_nack)
            self._declared, self._unconfirmed, self._refused, self._next_tag = set(), set(), [], 1
        for exchange in declare:
            if exchange.name not in self._declared:
                declare_exchange(self._channel, exchange)
                self._declared.add(exchange.name)
        return Producer(self._channel)

    def _settle(self, tag, multiple):
        if multiple:
            self._unconfirmed = {t for t in self._unconfirmed if t > tag}
        else:
            self._unconfirmed.discard(tag)

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple)

    def _on_nack(self, tag, multiple):
        self._refused.append(tag)
        self._settle(tag, multiple)

    def _await_confirms(self):
        deadline = time.monotonic() + self._timeout
        while self._unconfirmed:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishNotConfirmed(f"{len(self._unconfirmed)} messages not confirmed in {self._timeout} s")
            self._connection.drain_events(timeout=remaining)
        if self._refused:
            raise PublishNotConfirmed(f"the broker refused {len(self._refused)} messages")

    def close(self):
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.close()
            except Exception:   # already broken: nothing to release
                pass
