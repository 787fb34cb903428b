"""Acks settled together: one `basic.ack multiple` for every delivery that is done, in order.

An ack per message cost a service about a fifth of its CPU per event (the frame, the send,
and a broker that then wakes us for every single delivery). Here a finished delivery is
marked done; the acks go out once `batch` are done or `delay` seconds after the first one,
whichever comes first. Deliveries on a channel carry rising tags, so everything up to the
first one still running is acked by its last tag with `multiple=True`; done ones behind a
slow delivery are acked one by one, so a slow handler never holds back the others' acks.

A crash before the flush means redelivery of at most those few, which the inbox ignores.
"""
import logging
from collections import OrderedDict

import eventlet
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError

log = logging.getLogger(__name__)

BROKEN_CONNECTION = (OSError, AmqpConnectionError, KombuOperationalError)


class AckBatcher:
    BATCH, DELAY_MS = 8, 3

    def __init__(self, batch=BATCH, delay=DELAY_MS / 1000):
        self.batch, self.delay = batch, delay
        self._deliveries = {}   # channel -> OrderedDict(tag -> done?) in delivery order
        self._done = 0
        self._timer = None

    def delivered(self, message):
        self._deliveries.setdefault(message.channel, OrderedDict())[message.delivery_tag] = False

    def tracks(self, message):
        return getattr(message, "delivery_tag", None) in self._deliveries.get(message.channel, ())

    def done(self, message):
        """The message may be acked; it is, with the next flush."""
        self._deliveries[message.channel][message.delivery_tag] = True
        self._done += 1
        if self._done >= self.batch:
            self.flush()
        elif self._timer is None:
            self._timer = eventlet.spawn_after(self.delay, self._flush_on_timer)

    def forget(self, message):
        """Settled some other way (requeued): no longer ours to ack."""
        tags = self._deliveries.get(message.channel)
        if tags is not None and tags.pop(message.delivery_tag, False):
            self._done -= 1

    def flush(self):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        # Decide everything before the first send: a send may switch to another green thread.
        acks = [(channel, self._take_done(channel, tags)) for channel, tags in list(self._deliveries.items())]
        self._done = 0
        for channel, (up_to, one_by_one) in acks:
            self._send(channel, up_to, one_by_one)

    def _take_done(self, channel, tags):
        if not channel.connection:   # gone: the broker redelivers whatever was unacked
            self._deliveries.pop(channel, None)
            return None, []
        up_to = None
        while tags and next(iter(tags.values())):
            up_to, _ = tags.popitem(last=False)
        one_by_one = [tag for tag, done in tags.items() if done]
        for tag in one_by_one:
            del tags[tag]
        return up_to, one_by_one

    @staticmethod
    def _send(channel, up_to, one_by_one):
        try:
            if up_to is not None:
                channel.basic_ack(up_to, multiple=True)
            for tag in one_by_one:
                channel.basic_ack(tag)
        except BROKEN_CONNECTION as exc:
            # Unacked on the broker, which redelivers them on the next connection (the inbox
            # skips what was done). Raising here would kill the service.
            log.warning("could not ack messages, the connection is gone (%s); they will be redelivered", exc)

    def _flush_on_timer(self):
        self._timer = None
        try:
            self.flush()
        except Exception:  # a timer has no caller to tell; the broker redelivers what stayed unacked
            log.exception("flushing acks failed")
