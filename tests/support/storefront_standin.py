"""A storefront stand-in, written with pika (not the suite's kombu/nameko), as an outside shop would be: it signs
in as the storefront's broker user, publishes orders to `storefront.events` and consumes its own queue
`storefront.feed` (issue #23, contracts/README.md "What a storefront consumes"), declaring nothing.

It keeps what a shop would: each SKU's sellable quantity (the newest `as_of` wins), each order's tracking and
the refunds after-sales asks the platform to execute; it applies for refunds as a buyer and answers the requests.
Every event is checked against its contract (`contracts.schema_for`), applied once per `event_id`, and acked
after it was applied. An event type it has no handler for is kept in `unhandled` (and acked): add a handler to
`HANDLERS` for a new storefront-facing event (the refunds' `refund_requested` / `refund_executed`, say) and a
method that applies it.

No threads: `wait_until(condition)` consumes until the condition holds or the deadline passes.
"""
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pika

from contracts import schema_for

EXCHANGE, FEED, ORDER_PLACED = "storefront.events", "storefront.feed", "order_placed"


def parameters(amqp_uri):
    """pika's connection parameters for one of the suite's broker URIs (kombu writes `pyamqp://`; of a list of
    brokers, the first)."""
    scheme, _, rest = amqp_uri.split(";")[0].strip().partition("://")
    return pika.URLParameters(f"{'amqp' if scheme == 'pyamqp' else scheme}://{rest}")


@dataclass
class Level:
    available: int
    as_of: object


@dataclass
class Received:
    source: str        # the emitter: `<source>.events` is the exchange it came through
    event_type: str    # the routing key
    event: dict        # loaded with its contract


@dataclass
class StorefrontStandIn:
    amqp_uri: str
    received: list = field(default_factory=list)    # every event applied, in the order it came
    unhandled: list = field(default_factory=list)   # event types nobody here applies yet
    stock: dict = field(default_factory=dict)       # {sku: Level}
    tracking: dict = field(default_factory=dict)    # {order_no: [tracking_updated events, in order]}
    refund_requests: list = field(default_factory=list)   # refund_execution_requested, in order

    # routing key -> method applying one event of that type
    HANDLERS = {"stock_levels_changed": "_stock_levels", "tracking_updated": "_tracking",
                "refund_execution_requested": "_refund_request"}

    def __post_init__(self):
        self._seen = set()
        self._connection = pika.BlockingConnection(parameters(self.amqp_uri))
        self._channel = self._connection.channel()
        self._channel.confirm_delivery()
        self._channel.basic_qos(prefetch_count=50)
        self._channel.queue_declare(FEED, passive=True)   # deploy declared it: only checked (no right needed)
        self._channel.basic_consume(FEED, self._on_message)

    # -- the shop's side --------------------------------------------------------------------------------
    def publish_order(self, order_event):
        """Publish an `order_placed` with publisher confirms (pika raises if the broker refuses it)."""
        self._publish(ORDER_PLACED, order_event)

    def apply_for_refund(self, order_no, amount, reason="not_received", kind="refund_only", **extra):
        """买家申请退款: the buyer's application on the platform; the platform's id of it is returned."""
        request_id = f"TB-RQ-{uuid.uuid4().hex[:10]}"
        self._publish("refund_requested", {"platform_request_id": request_id, "order_no": order_no, "kind": kind,
                                           "reason": reason, "amount": amount, "requested_at": _now(), **extra})
        return request_id

    def execute_refund(self, request):
        """The platform paid the buyer back what after-sales asked for (在淘宝后台操作), and says so."""
        refund_id = f"TB-RF-{uuid.uuid4().hex[:10]}"
        self._publish("refund_executed", {"case_id": request["case_id"], "order_no": request["order_no"],
                                          "platform_refund_id": refund_id, "amount": str(request["amount"]),
                                          "executed_at": _now()})
        return refund_id

    def _publish(self, event_type, body):
        body = {"event_id": str(uuid.uuid4()), "occurred_at": _now(), **body}
        self._channel.basic_publish(
            EXCHANGE, event_type, json.dumps(body).encode(), mandatory=False,
            properties=pika.BasicProperties(content_type="application/json", content_encoding="utf-8",
                                            delivery_mode=pika.DeliveryMode.Persistent))

    def available(self, sku):
        level = self.stock.get(sku)
        return None if level is None else level.available

    def wait_until(self, condition, timeout=30, message="the storefront never saw it"):
        """Consume until `condition()` is true (returned), or fail at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            outcome = condition()
            if outcome:
                return outcome
            if time.monotonic() > deadline:
                raise AssertionError(f"{message} (received: {[(r.event_type, r.event) for r in self.received]})")
            self._connection.process_data_events(time_limit=0.1)

    def close(self):
        if self._connection.is_open:
            self._connection.close()

    # -- what comes back ------------------------------------------------------------------------------
    def _on_message(self, channel, method, properties, body):
        source = method.exchange[: -len(".events")] if method.exchange.endswith(".events") else method.exchange
        event = schema_for(source, method.routing_key).load(json.loads(body))   # the contract, as a shop codes to it
        if event["event_id"] not in self._seen:
            handler = self.HANDLERS.get(method.routing_key)
            if handler is None:
                self.unhandled.append(method.routing_key)
            else:
                getattr(self, handler)(event)
                self.received.append(Received(source, method.routing_key, event))
            self._seen.add(event["event_id"])
        channel.basic_ack(method.delivery_tag)

    def _stock_levels(self, event):
        for level in event["levels"]:
            known = self.stock.get(level["sku"])
            if known is None or known.as_of <= event["as_of"]:
                self.stock[level["sku"]] = Level(level["available"], event["as_of"])

    def _tracking(self, event):
        self.tracking.setdefault(event["order_no"], []).append(event)

    def _refund_request(self, event):
        self.refund_requests.append(event)


def _now():
    return datetime.now(timezone.utc).isoformat()
