"""Customer retention test helpers: a database without a container, events as consumers see them."""
import json
import random
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from contracts import schema_for
from services.customer_retention.models import Base
from services.customer_retention.settings import Settings
from shared.db.dependency import standalone
from tools.storefront import make_order

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(fresh_database_url):
    """customer_retention's database (fresh, migrated) with units of work, no broker."""
    return standalone(Base, fresh_database_url("customer_retention"), "customer_retention")


@pytest.fixture
def settings():
    return Settings()


def uid(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def order_event(customer_id=None, company=None, total="100.00", placed_at=T0, method="prepaid", name="王芳"):
    """A storefront order_placed body (JSON types) for one buyer, with a chosen total."""
    event = make_order(rng=random.Random(), placed_at=placed_at, cod_share=0)
    order = event["order"]
    order["lines"] = [{"sku": "SKU-001", "name": "保温杯", "qty": 1, "unit_price": total, "unit_weight_g": 420}]
    order["shipping_fee"], order["total"] = "0.00", total
    order["customer"].update(customer_id=customer_id or uid("C"), company=company, name=name)
    order["payment"] = {"method": method, "paid_amount": "0.00" if method == "cod" else total}
    return event


def loaded(source, event_type, body):
    """The event as a consumer receives it: validated and loaded with its contract."""
    body = {"event_id": str(uuid.uuid4()), "occurred_at": T0.isoformat(), **body}
    return schema_for(source, event_type).load(json.loads(json.dumps(body, default=str)))


def outbox(db, event_type):
    """Payloads this service queued for publishing, oldest first."""
    table = Base.metadata.tables["outbox"]
    with db.read() as session:
        rows = session.execute(sa.select(table.c.payload).where(table.c.event_type == event_type)
                               .order_by(table.c.id)).scalars().all()
    return [json.loads(row) for row in rows]


@pytest.fixture
def listen(amqp_connection):
    """listen("protection_expired") -> a function returning the customer_retention events
    of that type published since (a queue bound before anything happens)."""
    from kombu import Queue

    from shared.messaging.topology import events_exchange

    def bind(event_type):
        exchange = events_exchange("customer_retention")
        queue = Queue(f"test-{uuid.uuid4().hex[:8]}", exchange=exchange, routing_key=event_type,
                      exclusive=True, auto_delete=True)
        queue(amqp_connection.default_channel).declare()
        received = []

        def drain():
            while (message := queue(amqp_connection.default_channel).get(no_ack=True)) is not None:
                received.append(json.loads(message.body))
            return received
        return drain
    return bind
