"""A stand-in for the platform's side of the storefront (001 3.15: 在淘宝后台操作), written with pika as an
outside shop would write it, knowing nothing of the suite's code: it reads after-sales'
`refund_execution_requested` from a queue of its own bound to `after_sales.events`, and answers on
`storefront.events` with `refund_executed` or `refund_refused`, plain JSON with an event id."""
import json
import time
import uuid
from datetime import datetime, timezone

import pika

from tests.support.storefront_standin import parameters


def _now():
    return datetime.now(timezone.utc).isoformat()


class PlatformStandIn:
    def __init__(self, amqp_uri):
        self.connection = pika.BlockingConnection(parameters(amqp_uri))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()
        self.queue = f"test-platform-{uuid.uuid4().hex[:8]}"
        self.channel.queue_declare(self.queue, exclusive=True, auto_delete=True)
        self.channel.queue_bind(self.queue, "after_sales.events", routing_key="refund_execution_requested")
        self.requests = []

    def next_request(self, timeout=10):
        """The next refund asked of the platform (the request's JSON)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            method, _properties, body = self.channel.basic_get(self.queue, auto_ack=True)
            if method is not None:
                self.requests.append(json.loads(body))
                return self.requests[-1]
            self.connection.sleep(0.05)
        raise AssertionError(f"no refund_execution_requested within {timeout} s")

    def execute(self, request, refund_id=None, amount=None):
        """Pays the buyer back on the platform and says so (the amount asked, unless told another)."""
        return self._answer("refund_executed", request, platform_refund_id=refund_id or f"TB-RF-{uuid.uuid4().hex[:10]}",
                            amount=amount or request["amount"], executed_at=_now())

    def refuse(self, request, code, text=""):
        return self._answer("refund_refused", request, code=code, text=text, refused_at=_now())

    def _answer(self, event_type, request, **fields):
        body = {"event_id": str(uuid.uuid4()), "occurred_at": _now(), "case_id": request["case_id"],
                "order_no": request["order_no"], **fields}
        self.channel.basic_publish("storefront.events", event_type, json.dumps(body).encode(),
                                   pika.BasicProperties(content_type="application/json", delivery_mode=2,
                                                        message_id=body["event_id"]),
                                   mandatory=True)
        return body

    def close(self):
        if self.connection.is_open:
            self.connection.close()
