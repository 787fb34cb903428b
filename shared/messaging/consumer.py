"""`@consume_event(source, event_type)`: a nameko entrypoint that loses nothing.

- The body is decoded and validated against the event's contract before any
  worker runs; a message that fails goes to the dead-letter queue at once.
- A handler that raises is retried through delay queues with backoff; after the
  last attempt the message is dead-lettered with the error. Infrastructure
  errors (database or network down) are retried without a limit: they are not
  the message's fault.
- The message is acked only after its retry or dead letter is confirmed by the
  broker; if that publish fails, the message is requeued.
- The handler's unit of work claims the event id in the inbox, so a redelivered
  or duplicated event is acked and ignored.
"""
import logging
import socket
import traceback
from functools import partial

import eventlet
from eventlet.event import Event
from greenlet import GreenletExit
from kombu.exceptions import DecodeError, OperationalError as KombuOperationalError
from marshmallow import ValidationError
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer, QueueConsumer, QueueConsumerStopped
from sqlalchemy.exc import DBAPIError, OperationalError

from contracts import schema_for
from shared.db.unit_of_work import AlreadyProcessed, InboxClaim
from shared.errors import PermanentFailure
from shared.messaging.acks import BROKEN_CONNECTION, AckBatcher
from shared.messaging.dead_letters import dead_letter
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.topology import (
    consumer_queue, declare, delay_exchange, service_queues,
)
from shared.timeutil import to_iso, utcnow

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1024 * 1024
STARTUP_GRACE_SECONDS = 10
ATTEMPTS_HEADER = "x-attempts"


def is_transient(exc):
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        return True
    return isinstance(exc, (ConnectionError, socket.error, KombuOperationalError))


class RawQueueConsumer(QueueConsumer):
    """Hands providers the undecoded message, so a body that won't decode is
    dead-lettered instead of crashing the consumer loop; acks in batches (`AckBatcher`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.acks = AckBatcher()
        self._reconnecting = False   # inside kombu's reconnect loop: no channel, no iterations
        self._settled = Event()      # consumers ready, or the broker found unreachable

    def setup(self):
        config = self.container.config
        self.acks = AckBatcher(batch=int(config.get("ACK_BATCH", AckBatcher.BATCH)),
                               delay=float(config.get("ACK_DELAY_MS", AckBatcher.DELAY_MS)) / 1000)
        super().setup()

    @property
    def prefetch_count(self):
        # Room for the acks waiting for their batch, so the broker never stalls on them.
        return self.container.max_workers + self.acks.batch

    def get_consumers(self, consumer_cls, channel):
        for provider in self._providers:
            consumer = consumer_cls(queues=[provider.queue], accept=self.accept,
                                    on_message=partial(self._delivered, provider))
            consumer.qos(prefetch_count=self.prefetch_count)
            self._consumers[provider] = consumer
        return self._consumers.values()

    def _delivered(self, provider, message):
        self.acks.delivered(message)
        if self.container._worker_pool.free():
            # A worker can start at once: no green thread needed to wait for one (nameko spawns
            # one per message), which was a twelfth of a small event's CPU.
            return provider.handle_message(None, message)
        self.handle_message(provider, None, message)

    def ack_message(self, message):
        if self.acks.tracks(message):
            return self.acks.done(message)
        self._settle(super().ack_message, message, "ack")

    def requeue_message(self, message):
        self.acks.forget(message)
        self._settle(super().requeue_message, message, "requeue")

    def on_iteration(self):
        super().on_iteration()
        if self.should_stop:   # the last consumer is gone: ack what is done while the channel lives
            self.acks.flush()

    @staticmethod
    def _settle(settle, message, what):
        # The broker connection died while the worker ran: the message is unacked on the broker,
        # which redelivers it on the new connection (the inbox skips it if it was done). An
        # exception here would escape the worker and kill the whole service.
        try:
            settle(message)
        except BROKEN_CONNECTION as exc:
            log.warning("could not %s a message, the connection is gone (%s); it will be redelivered",
                        what, exc)

    def _finish_starting(self, seconds=STARTUP_GRACE_SECONDS):
        """A stop during start-up (SIGTERM while connecting) waits for the consumers to be up,
        so that it can stop them the ordinary way, or for the broker to be found unreachable."""
        if not self._settled.ready():
            with eventlet.Timeout(seconds, False):
                self._settled.wait()

    def unregister_provider(self, provider):
        self._finish_starting()
        if self._consumers_ready.ready() and not self._reconnecting:
            return super().unregister_provider(provider)
        # Not started, or the broker is gone: nothing to cancel, and no loop iteration would
        # ever confirm it.
        self._drop_provider(provider)

    def _drop_provider(self, provider):
        # nameko signals "last provider gone" for every provider when it is not consuming, and the
        # second signal crashes the shutdown, which then hangs; signal once, when the last goes.
        self._providers.discard(provider)
        if not self._providers and not self._last_provider_unregistered.ready():
            self._last_provider_unregistered.send()

    # -- the broker going away --------------------------------------------------
    def on_connection_error(self, exc, interval):
        super().on_connection_error(exc, interval)
        self._reconnecting = True
        self._settle_start()
        # Stops already waiting for the loop to cancel their consumer would wait for ever.
        for provider, removed in list(self._pending_remove_providers.items()):
            self._pending_remove_providers.pop(provider, None)
            self._drop_provider(provider)
            removed.send(None)

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self._reconnecting = False
        super().on_consume_ready(connection, channel, consumers, **kwargs)
        self._settle_start()

    def _settle_start(self):
        if not self._settled.ready():
            self._settled.send()

    def _handle_thread_exited(self, gt):
        """nameko's, plus the end `_abandon_reconnecting` gives the thread (GreenletExit)."""
        self._settle_start()
        try:
            gt.wait()
            exc = None
        except GreenletExit:
            exc = QueueConsumerStopped()
        except Exception as error:
            exc = error
        if not self._consumers_ready.ready():
            self._consumers_ready.send_exception(exc)

    def stop(self):
        self._finish_starting()
        if not self._abandon_reconnecting("stop"):
            super().stop()

    def kill(self):
        if not self._abandon_reconnecting("kill"):
            super().kill()

    def _abandon_reconnecting(self, what):
        """A stop or kill while the broker is unreachable ends the reconnect loop instead of
        waiting for the broker (for ever). The messages this service held are unacked, so the
        broker redelivers them; the inbox skips any it had finished."""
        if not (self._reconnecting and self._gt is not None and not self._gt.dead):
            return False
        log.warning("%s while the broker is unreachable: not waiting for it; unacked messages "
                    "will be redelivered", what)
        self._providers = set()
        self._gt.kill()
        return True


class EventConsumer(Consumer):
    queue_consumer = RawQueueConsumer()

    def __init__(self, source_service, event_type, **kwargs):
        self.source_service = source_service
        self.event_type = event_type
        kwargs.setdefault("expected_exceptions", (AlreadyProcessed,))
        super().__init__(queue=None, requeue_on_error=False, **kwargs)

    def setup(self):
        service = self.container.service_name
        config = self.container.config
        self.schema = schema_for(self.source_service, self.event_type)
        self.queue = consumer_queue(self.source_service, self.event_type, service, self.method_name)
        self.delays_ms = list(config.get("RETRY_DELAYS_MS", [1000, 5000, 30000]))
        self.publisher = ConfirmedPublisher(config["AMQP_URI"])
        with self.publisher_connection() as connection:
            declare(connection, [self.queue] + service_queues(service, self.delays_ms))
        super().setup()

    def publisher_connection(self):
        from kombu import Connection
        return Connection(self.container.config["AMQP_URI"])

    # -- the inbox key for the worker's unit of work ----------------------
    def inbox_claim(self, worker_ctx):
        return InboxClaim(f"{self.container.service_name}.{self.method_name}", worker_ctx.args[0]["event_id"])

    # -- receiving -------------------------------------------------------
    def handle_message(self, body, message):
        try:
            if len(message.body or b"") > MAX_MESSAGE_BYTES:
                raise PermanentFailure(f"message too large: {len(message.body)} bytes > {MAX_MESSAGE_BYTES}")
            event = self.schema.load(message.decode())
        except ValidationError as exc:
            return self._give_up(message, f"schema validation failed: {exc.messages}")
        except (DecodeError, PermanentFailure, ValueError, TypeError) as exc:
            return self._give_up(message, f"undecodable message: {exc}")
        except Exception as exc:  # e.g. a content type we don't accept
            return self._give_up(message, f"unreadable message: {type(exc).__name__}: {exc}")
        try:
            self.container.spawn_worker(
                self, (event,), {}, context_data=self.unpack_message_headers(message),
                handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None or isinstance(exc_info[1], AlreadyProcessed):
            return self.queue_consumer.ack_message(message)
        exc = exc_info[1]
        reason = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
        if isinstance(exc, PermanentFailure):
            return self._give_up(message, reason, attempts)
        if attempts > len(self.delays_ms) and not is_transient(exc):
            return self._give_up(message, reason, attempts)
        self._retry_later(message, reason, attempts)

    # -- leaving ---------------------------------------------------------
    def _retry_later(self, message, reason, attempts):
        delay = self.delays_ms[min(attempts, len(self.delays_ms)) - 1]
        headers = dict(message.headers or {})
        headers.update({ATTEMPTS_HEADER: attempts, "x-last-error": reason[:2000]})
        headers.setdefault("x-first-failed-at", to_iso(utcnow()))
        log.warning("%s failed (attempt %s), retrying in %s ms: %s", self.queue.name, attempts, delay, reason)
        self._forward(message, lambda: self.publisher.publish(
            message.body, exchange=delay_exchange(self.container.service_name, delay).name,
            routing_key=self.queue.name, headers=headers, content_type=message.content_type,
            content_encoding=message.content_encoding))

    def _give_up(self, message, reason, attempts=1):
        log.error("dead-lettering a message from %s after %s attempt(s): %s", self.queue.name, attempts, reason)
        self._forward(message, lambda: dead_letter(
            self.publisher, self.container.service_name, message, self.queue.name, reason, attempts))

    def _forward(self, message, publish):
        """Ack only once the message is safely elsewhere; otherwise give it back to the queue."""
        try:
            publish()
        except Exception:
            log.exception("could not forward a failed message; requeueing it")
            return self.queue_consumer.requeue_message(message)
        self.queue_consumer.ack_message(message)


consume_event = EventConsumer.decorator
