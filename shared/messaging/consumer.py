"""`@consume_event(source, event_type)`: a nameko entrypoint that loses nothing, and that
nothing a publisher sends can stop.

- The body is read as JSON (whatever its content type says; never inflated, see
  `transport`) and validated against the event's contract before any worker runs;
  a message that fails goes to the dead-letter queue at once, with the reason.
- Headers are input: the attempt count is parsed defensively, and no header reaches
  nameko's worker context.
- A handler that raises is retried through delay queues with backoff; after the
  last attempt the message is dead-lettered with the error. Infrastructure
  errors (database or network down) are retried without a limit: they are not
  the message's fault.
- The message is acked only after its retry or dead letter is confirmed by the
  broker; if that publish fails, the message is requeued.
- The handler's unit of work claims the event id in the inbox, with a fingerprint of
  the content, so a redelivered or duplicated event is acked and ignored, and an event
  id reused for different content is dead-lettered.
- Whatever fails while retrying or dead-lettering a message ends in a dead letter
  (without its headers if need be) or, while the broker refuses everything, a requeue;
  never in an exception that would kill the service.
"""
import logging
import socket
import traceback
from functools import partial

import eventlet
from eventlet.event import Event
from greenlet import GreenletExit
from amqp.exceptions import AccessRefused, NotFound as AmqpNotFound, PreconditionFailed
from kombu.exceptions import OperationalError as KombuOperationalError
from marshmallow import ValidationError
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY, DEFAULT_HEARTBEAT, DEFAULT_TRANSPORT_OPTIONS, HEARTBEAT_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY,
    TRANSPORT_OPTIONS_CONFIG_KEY,
)
from nameko.exceptions import ContainerBeingKilled
from nameko.messaging import Consumer, QueueConsumer, QueueConsumerStopped
from sqlalchemy.exc import DBAPIError, OperationalError

from contracts import schema_for
from shared.db.unit_of_work import AlreadyProcessed, InboxClaim
from shared.errors import PermanentFailure
from shared.messaging.acks import BROKEN_CONNECTION, AckBatcher
from shared.messaging.brokers import broker_uris, failover_uri, sanitized
from shared.messaging import retries
from shared.messaging.dead_letters import dead_letter
from shared.messaging.inbound import ATTEMPTS_HEADER, Unreadable, attempts_made, fingerprint, read_json
from shared.messaging.publisher import ConfirmedPublisher
from shared.messaging.topology import (
    NotDeployed, consumer_queue, declare, delay_exchange, service_queues,
)
from shared.messaging.transport import ConsumingConnection, GuardedTransport, connect
from shared.timeutil import to_iso, utcnow

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1024 * 1024
STARTUP_GRACE_SECONDS = 10
FINGERPRINT = "inbox_fingerprint"   # the worker context's one key: never taken from the message
DECLARE_ATTEMPTS = 5


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
        self._declared = None        # the service's own queues: declared once per container
        self.consuming_connection = None   # the kombu connection the consumers are on, once up

    @property
    def connection(self):
        # Bodies as sent, never inflated or decoded, on whichever broker of the list it fails over to.
        config = self.container.config
        return ConsumingConnection(
            failover_uri(broker_uris(self.amqp_uri)), transport=GuardedTransport,
            transport_options=config.get(TRANSPORT_OPTIONS_CONFIG_KEY, DEFAULT_TRANSPORT_OPTIONS),
            heartbeat=config.get(HEARTBEAT_CONFIG_KEY, DEFAULT_HEARTBEAT), ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY))

    def declare_service_queues(self, queues):
        """The delay and dead-letter queues every consumer of the service shares, declared once for
        the container: a dozen consumers declaring the same queue at the same moment, each on its own
        connection, once got `404 home node ... is down or inaccessible` from a busy broker."""
        if self._declared is None:
            self._declared = Event()
            try:
                declare_with_retries(self.container.config["AMQP_URI"], queues)
            except BaseException as exc:
                self._declared.send_exception(exc)
                raise
            self._declared.send(True)
        return self._declared.wait()

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
        # nameko's own message would show the password of every broker of the list but the first.
        log.warning("Error connecting to broker at %s (%s). Retrying in %s seconds.", sanitized(self.amqp_uri),
                    exc, interval)
        self._reconnecting = True
        self._settle_start()
        # Stops already waiting for the loop to cancel their consumer would wait for ever.
        for provider, removed in list(self._pending_remove_providers.items()):
            self._pending_remove_providers.pop(provider, None)
            self._drop_provider(provider)
            removed.send(None)

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        self.consuming_connection = connection
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
        self.queue_consumer.declare_service_queues(service_queues(service, self.delays_ms))
        declare_with_retries(config["AMQP_URI"], [self.queue])
        super().setup()

    # -- the inbox key for the worker's unit of work ----------------------
    def inbox_claim(self, worker_ctx):
        return InboxClaim(f"{self.container.service_name}.{self.method_name}", worker_ctx.args[0]["event_id"],
                          worker_ctx.data.get(FINGERPRINT))

    # -- receiving -------------------------------------------------------
    def handle_message(self, body, message):
        try:
            event, content = self._read(message)
        except Unreadable as exc:
            return self._give_up(message, exc.reason)
        except Exception as exc:   # whatever else is wrong with it, it is the message's problem
            return self._give_up(message, f"unreadable message: {type(exc).__name__}: {exc}")
        try:
            # The worker context holds only what we put there: nameko would take it from `nameko.*`
            # headers, and a crafted call-id stack there broke the worker.
            self.container.spawn_worker(self, (event,), {}, context_data={FINGERPRINT: content},
                                        handle_result=partial(self.handle_result, message))
        except ContainerBeingKilled:
            self.queue_consumer.requeue_message(message)

    def _read(self, message):
        document = read_json(message, MAX_MESSAGE_BYTES)
        try:
            event = self.schema.load(document)
        except ValidationError as exc:
            raise Unreadable(f"schema validation failed: {exc.messages}") from None
        return event, fingerprint(document)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None or isinstance(exc_info[1], AlreadyProcessed):
            return self.queue_consumer.ack_message(message)
        exc = exc_info[1]
        try:
            reason = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            step = retries.after_failure(attempts_made(message.headers), self.delays_ms,
                                         permanent=isinstance(exc, PermanentFailure), transient=is_transient(exc))
        except Exception as error:   # never out of nameko's result callback: that kills the service
            reason, step = f"{type(exc).__name__} (and while deciding its retry: {error!r})", retries.GiveUp(1)
        if isinstance(step, retries.GiveUp):
            return self._give_up(message, reason, step.attempt)
        self._retry_later(message, reason, step)

    # -- leaving ---------------------------------------------------------
    def _retry_later(self, message, reason, step):
        log.warning("%s failed (attempt %s), retrying in %s ms: %s", self.queue.name, step.attempt, step.delay_ms,
                    reason)
        headers = dict(message.headers) if isinstance(message.headers, dict) else {}
        first_failed = headers.get("x-first-failed-at")
        headers.update({ATTEMPTS_HEADER: step.attempt, "x-last-error": reason[:2000],
                        "x-first-failed-at": first_failed if isinstance(first_failed, str) else to_iso(utcnow())})
        delay = delay_exchange(self.container.service_name, step.delay_ms).name
        self._forward(message, lambda: self.publisher.publish(
            message.body, exchange=delay, routing_key=self.queue.name, headers=headers,
            content_type=message.content_type, content_encoding=message.content_encoding),
            on_failure=lambda error: self._give_up(message, f"{reason} (and its retry failed: {error!r})",
                                                   step.attempt))

    def _give_up(self, message, reason, attempts=1):
        log.error("dead-lettering a message from %s after %s attempt(s): %s", self.queue.name, attempts, reason)
        self._forward(message, lambda: dead_letter(
            self.publisher, self.container.service_name, message, self.queue.name, reason, attempts))

    def _forward(self, message, publish, on_failure=None):
        """Ack only once the message is safely elsewhere. If it can't be, `on_failure` (a dead letter
        instead of a retry); if that can't be either, the broker is refusing everything: give the
        message back to the queue, to come back once it accepts again."""
        try:
            publish()
        except Exception as error:
            if on_failure is not None:
                return on_failure(error)
            log.exception("could not forward a failed message; requeueing it")
            return self.queue_consumer.requeue_message(message)
        self.queue_consumer.ack_message(message)


def declare_with_retries(amqp_uri, queues, attempts=DECLARE_ATTEMPTS):
    """Declare, retrying a few times on 404: a durable queue whose process a busy broker is still
    starting (someone else declared it a moment ago) answers `home node ... is down or inaccessible`.
    A refusal means this service's user lacks a permission that deploy grants."""
    for attempt in range(1, attempts + 1):
        try:
            with connect(amqp_uri) as connection:
                return declare(connection, queues)
        except AccessRefused as exc:
            raise NotDeployed(f"the broker refused to declare {', '.join(q.name for q in queues)} ({exc}): "
                              "run tools.deploy first (it creates each service's user and permissions)") from None
        except PreconditionFailed as exc:
            raise NotDeployed(f"the broker has {', '.join(q.name for q in queues)} with other arguments ({exc}), "
                              "from an earlier release (a classic queue where this one declares a quorum queue): "
                              "run tools.deploy, which moves it and keeps its messages") from None
        except AmqpNotFound as exc:
            if attempt == attempts:
                raise
            log.warning("declaring %s queues failed (%s); trying again", len(queues), exc)
            eventlet.sleep(0.2 * attempt)


consume_event = EventConsumer.decorator
