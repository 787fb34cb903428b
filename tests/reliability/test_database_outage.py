"""Issue #10 item 7: a service's database unavailable for a while. Messages that arrive meanwhile
are retried, not lost nor dead-lettered; HTTP answers 503 `unavailable`, not a stack trace.

PostgreSQL only: the database is closed to connections (ALLOW_CONNECTIONS false and its sessions
terminated) without stopping the server other tests use. SQLite has no server to refuse a
connection, and this machine runs tests as root, which file permissions do not stop."""
import importlib
import uuid

import pytest
import requests
import sqlalchemy as sa

from shared.db.engine import normalize_url
from shared.messaging.dead_letters import list_dead_letters
from shared.testing.databases import PG_ADMIN_URL, backend
from shared.testing.polling import wait_for
from tests.reliability.harness import say

pytestmark = pytest.mark.skipif(backend() != "postgres", reason="needs PostgreSQL (TEST_DB=postgres): SQLite has "
                                "no server to refuse connections and root ignores file permissions")
models = importlib.import_module("services.after_sales.models")
ORDERS_DURING_OUTAGE = 20


class Outage:
    """Close one database to new connections and cut the ones open; then open it again."""

    def __init__(self, url):
        self.name = sa.engine.make_url(url).database
        self.admin = sa.create_engine(normalize_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT",
                                      poolclass=sa.pool.NullPool)

    def __enter__(self):
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS false'))
            conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                         {"d": self.name})
        return self

    def __exit__(self, *exc):
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'ALTER DATABASE "{self.name}" ALLOW_CONNECTIONS true'))
        return False


def _retried(caplog):
    return [r for r in caplog.records if "retrying in" in r.getMessage() and "on_order_placed" in r.getMessage()]


def test_database_outage_retries_messages_and_answers_503(start_service, publish_order, rabbit_config,
                                                           record_property, caplog):
    service = start_service("after_sales")
    reader = service.headers("supervisor")
    agent = service.headers("agent", "S-agent", **{"Idempotency-Key": str(uuid.uuid4())})
    new_case = {"order_no": "SO-NONE", "case_type": "refund_only", "reason": "not_received",
                "lines": [{"sku": "SKU-001", "qty": 1}], "amount": "1.00"}
    with Outage(service.config["DATABASE_URL"]):
        orders = [publish_order() for _ in range(ORDERS_DURING_OUTAGE)]
        read = requests.get(service.url("/cases"), headers=reader, timeout=30)
        write = requests.post(service.url("/cases"), json=new_case, headers=agent, timeout=30)
        # Every order meets the closed database (and is put back for a retry) before it opens again.
        wait_for(lambda: len(_retried(caplog)) >= ORDERS_DURING_OUTAGE, timeout=30)
        retried = len(_retried(caplog))
    nos = {event["order"]["order_no"] for event in orders}

    def processed():
        with service.db.read() as session:
            return set(session.scalars(sa.select(models.SalesOrder.order_no)
                                       .where(models.SalesOrder.order_no.in_(nos))).all())
    wait_for(lambda: processed() == nos, timeout=60)
    letters = list_dead_letters(rabbit_config["AMQP_URI"], "after_sales")
    say(record_property, f"database closed: GET /cases {read.status_code} {read.json().get('error')}, "
                         f"POST /cases {write.status_code} {write.json().get('error')}; "
                         f"{len(nos)} orders sent meanwhile, {retried} failed attempts retried, "
                         f"{len(processed())} processed after, "
                         f"{len(letters)} dead letters")
    for answer in (read, write):
        assert answer.status_code == 503 and answer.json()["error"] == "unavailable"
        assert "Traceback" not in answer.text
    assert letters == []
