"""kombu's py-amqp transport with two things it does to every delivery switched off, because a
publisher controls both: a `compression` header made kombu inflate the body before any of our checks
(146 bytes of bz2 became 150 MB), and a `content_encoding` made py-amqp decode the body into text.
Here a body stays the bytes that were sent, and a compression header is only recorded
(`message.refused_compression`), so the consumer refuses the message and dead-letters it as sent.

Every connection that receives messages uses it: `connect(uri)` instead of `kombu.Connection(uri)`."""
from kombu import Connection
from kombu.transport import pyamqp

from shared.messaging.brokers import broker_uris, failover_uri


class GuardedMessage(pyamqp.Message):
    refused_compression = None   # the header's value, when the publisher asked for decompression

    def __init__(self, msg, channel=None, **kwargs):
        headers = msg.properties.get("application_headers")
        if isinstance(headers, dict) and "compression" in headers:
            headers = dict(headers)
            self.refused_compression = headers.pop("compression")
            msg.properties["application_headers"] = headers
        super().__init__(msg, channel=channel, **kwargs)


class GuardedChannel(pyamqp.Channel):
    Message = GuardedMessage

    def __init__(self, connection, channel_id=None, auto_decode=False, on_open=None):
        super().__init__(connection, channel_id=channel_id, auto_decode=False, on_open=on_open)


class GuardedAmqpConnection(pyamqp.Connection):
    Channel = GuardedChannel


class GuardedTransport(pyamqp.Transport):
    Connection = GuardedAmqpConnection


class GuardedConnection(Connection):
    """Stays guarded when it fails over to another broker of the list (kombu's `switch` takes the
    transport from the next URI's scheme, which would be the plain one)."""

    def switch(self, conn_str):
        super().switch(conn_str)
        self.transport_cls = GuardedTransport


def connect(uri, **kwargs):
    """A kombu Connection whose deliveries are never inflated or decoded. Without a URI kombu would
    sign in to localhost as `guest`: there is always one (each part's own, `shared.bus_credentials`).
    `uri` may list several brokers (`shared.messaging.brokers`): the others are failover alternates."""
    return GuardedConnection(failover_uri(broker_uris(uri)), transport=GuardedTransport, **kwargs)


class ConsumingConnection(GuardedConnection):
    """A consumer's connection: once lost, it stays lost, so that the consume loop reconnects the way
    that declares the consumers again. kombu's `connection` property would quietly open a fresh
    connection in its place, without the consumers: after a send on another green thread (a batch of
    acks) had found the socket dead before the loop did, a service consumed nothing more, for ever,
    while looking connected (a node of the cluster killed under it, issue 21)."""

    @property
    def connection(self):
        if self._connection is not None and not self._closed and not self.connected:
            raise ConnectionResetError("the connection to the broker was lost")
        return super().connection
