"""The migration that records who opened each case fills it in for cases opened before it."""
from datetime import datetime, timezone

import sqlalchemy as sa

from shared.db.engine import normalize_url
from shared.migrations import upgrade

BEFORE_OPENED_BY = "d52d958540e8"
NOW = datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)


def _case(case_id, assignee):   # money in cents, as stored
    return {"id": case_id, "order_no": "SO-1", "customer_id": "C1", "case_type": "refund_only",
            "status": "pending_approval", "reason": "not_received", "reason_text": "",
            "lines": [{"sku": "SKU-001", "qty": 1}], "amount": 5900, "include_shipping_fee": False,
            "difficult": False, "assignee": assignee, "opened_at": NOW, "updated_at": NOW, "return_in_hand": False,
            "sla_budget_s": 3600, "sla_used_s": 0}


def test_cases_opened_before_the_release_are_opened_by_the_actor_of_their_open_record(test_databases):
    url = test_databases.empty_url("after_sales_upgrade")
    upgrade("after_sales", url, BEFORE_OPENED_BY)
    engine = sa.create_engine(normalize_url(url))
    tables = sa.MetaData()
    tables.reflect(engine, only=["sales_orders", "refund_cases", "case_actions"])
    with engine.begin() as connection:
        connection.execute(tables.tables["sales_orders"].insert(), {
            "order_no": "SO-1", "customer_id": "C1", "order": {}, "shipping_fee": 0, "total": 5900,
            "paid_amount": 5900, "refunded": 0, "payment_method": "prepaid", "placed_at": NOW,
            "status": "placed"})
        connection.execute(tables.tables["refund_cases"].insert(), [_case(1, "A-9"), _case(2, "A-5")])
        connection.execute(tables.tables["case_actions"].insert(), {
            "case_id": 1, "actor": "A-1", "role": "agent", "action": "open", "at": NOW, "before": None,
            "after": {}, "detail": {}})
    upgrade("after_sales", url)
    with engine.connect() as connection:
        opened_by = connection.execute(sa.text("SELECT opened_by FROM refund_cases ORDER BY id")).scalars().all()
    engine.dispose()
    assert opened_by == ["A-1", "A-5"]   # the "open" record's actor; without one, the assignee
