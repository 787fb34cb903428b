"""The queue and claims with time driven explicitly (issue #3: queue filterable by hold code and
age, oldest first; claims expire). Use cases on a real database, no broker."""
from datetime import datetime, timedelta, timezone

import pytest

from services.order_review import decisions as desk, queue
from services.order_review.settings import Settings as ReviewPolicy
from shared.errors import Conflict
from tests.order_review.conftest import arrive, storefront_order

NINE = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
POLICY = ReviewPolicy(claim_ttl=timedelta(minutes=15))


def test_the_queue_is_oldest_first_and_filters_by_code_and_age(review_db):
    remark = arrive(review_db, storefront_order(buyer_remark="不要放快递柜"), NINE)
    phone = arrive(review_db, storefront_order(shipping_address={"phone": "0000"}), NINE + timedelta(minutes=30))
    both = arrive(review_db, storefront_order(buyer_remark="发顺丰", shipping_address={"phone": "0000"}),
                  NINE + timedelta(minutes=10))
    arrive(review_db, storefront_order(), NINE)   # approved: not in the queue
    now = NINE + timedelta(hours=1)

    def listed(**filters):
        with review_db.read() as session:
            return [o["order_no"] for o in queue.held_orders(session, now, **filters)]

    assert listed() == [remark, both, phone]
    assert listed(code="BAD_PHONE") == [both, phone]
    assert listed(code="COD_RISK") == []
    assert listed(older_than_minutes=45) == [remark, both]
    assert listed(younger_than_minutes=40) == [phone]
    assert listed(limit=1) == [remark]
    with review_db.read() as session:
        [first] = queue.held_orders(session, now, limit=1)
    assert first["age_minutes"] == 60.0
    assert first["holds"][0]["code"] == "BUYER_REMARK" and "不要放快递柜" in first["holds"][0]["message"]


def claim(db, order_no, staff, now):
    with db.unit_of_work() as uow:
        return desk.claim(uow, order_no, staff, now, POLICY).claimed_by


def test_a_claim_expires_and_another_reviewer_may_take_the_order(review_db):
    order_no = arrive(review_db, storefront_order(buyer_remark="请周末送货"), NINE)
    assert claim(review_db, order_no, "R-1", NINE) == "R-1"
    with pytest.raises(Conflict) as taken:
        claim(review_db, order_no, "R-2", NINE + timedelta(minutes=14))
    assert taken.value.details["holder"] == "R-1"
    assert claim(review_db, order_no, "R-1", NINE + timedelta(minutes=14)) == "R-1"   # renewed to 9:29
    with pytest.raises(Conflict):
        claim(review_db, order_no, "R-2", NINE + timedelta(minutes=28))
    assert claim(review_db, order_no, "R-2", NINE + timedelta(minutes=29)) == "R-2"
    with review_db.read() as session:
        [listed] = queue.held_orders(session, NINE + timedelta(minutes=30))
        assert listed["claimed_by"] == "R-2"
        [lapsed] = queue.held_orders(session, NINE + timedelta(minutes=45))
        assert lapsed["claimed_by"] is None


def test_the_claim_time_is_configuration():
    """Issue #3: windows from config."""
    policy = ReviewPolicy.from_config({"CLAIM_MINUTES": 5, "DUPLICATE_WINDOW_HOURS": 48,
                                       "COD_RISK_AMOUNT": "300", "COD_REFUSALS_FOR_RISK": 2})
    assert policy.claim_ttl == timedelta(minutes=5) and policy.duplicate_window == timedelta(hours=48)
    assert (str(policy.cod_risk_amount), policy.cod_refusals_for_risk) == ("300", 2)
    assert ReviewPolicy.from_config({}) == ReviewPolicy()
