"""The automatic review's rule table as plain functions (business-rules §2; issue #3)."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from contracts.storefront import Order
from services.order_review import review, rules
from services.order_review.contact import address_problems, phone_problem
from services.order_review.settings import Settings as ReviewPolicy
from services.order_review.rules import CustomerHistory
from tests.order_review.conftest import cod_order, storefront_order


@pytest.mark.parametrize("phone", ["13812345678", "199 1234 5678", "+8613812345678", "138-1234-5678",
                                   "025-83201234", "02583201234", "0991-2345678", "010-62345678-123"])
def test_mainland_mobiles_and_landlines_with_area_code_are_reachable(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["", "1234567", "0000", "12812345678", "138-1234", "1381234567",
                                   "138123456789", "83201234", "025-0320123", "phone me"])
def test_other_phones_are_bad(phone):
    """BAD_PHONE (§2: a COD order with a malformed phone must not ship unreviewed)."""
    assert phone_problem(phone)


ADDRESS = {"recipient": "王芳", "phone": "13812345678", "province": "江苏省", "city": "南京市",
           "district": "鼓楼区", "line1": "中山北路 12 号", "postcode": "210008"}


@pytest.mark.parametrize("changes, problem", [
    ({"recipient": ""}, "recipient missing"), ({"province": " "}, "province missing"),
    ({"city": ""}, "city missing"), ({"district": ""}, "district missing"), ({"line1": ""}, "line1 missing"),
    ({"recipient": "王"}, "not a plausible name"), ({"recipient": "王芳2"}, "not a plausible name"),
    ({"province": "Atlantis"}, "not a mainland province"), ({"city": "市"}, "too short"),
    ({"line1": "12号"}, "too short to deliver"), ({"line1": "1234 5678"}, "too short to deliver"),
    ({"postcode": "2100"}, "not 6 digits"),
])
def test_missing_or_implausible_address_parts(changes, problem):
    problems = address_problems({**ADDRESS, **changes})
    assert len(problems) == 1 and problem in problems[0]


@pytest.mark.parametrize("changes", [{}, {"postcode": ""}, {"province": "内蒙古自治区", "city": "呼和浩特市"},
                                     {"province": "上海", "city": "上海市", "district": "浦东新区"}])
def test_plausible_addresses(changes):
    assert address_problems({**ADDRESS, **changes}) == []


def loaded(event):
    return Order().load(event["order"])


def codes(event, history=CustomerHistory(), policy=ReviewPolicy()):
    return [hold.code for hold in rules.review(loaded(event), history, policy)]


def test_a_clean_order_has_no_hold():
    assert codes(storefront_order()) == []


def test_cod_risk_by_amount_and_by_refusal_history():
    """COD_RISK (000 art. 6: ~30% of COD parcels come back); thresholds from the policy."""
    order = cod_order()   # 137.90
    assert codes(order) == []
    assert codes(order, policy=ReviewPolicy(cod_risk_amount=Decimal("137.89"))) == ["COD_RISK"]
    assert codes(order, policy=ReviewPolicy(cod_risk_amount=Decimal("137.90"))) == []
    assert codes(order, CustomerHistory(cod_refusals=1)) == ["COD_RISK"]
    assert codes(order, CustomerHistory(cod_refusals=1), ReviewPolicy(cod_refusals_for_risk=2)) == []
    assert codes(storefront_order(), CustomerHistory(cod_refusals=3)) == []   # prepaid: nothing to refuse


def test_possible_duplicate_names_the_other_orders():
    earlier = datetime(2026, 11, 23, 8, tzinfo=timezone.utc)
    [hold] = rules.review(loaded(storefront_order()), CustomerHistory(same_goods_orders=[("SO-1", earlier)]),
                         ReviewPolicy())
    assert hold.code == "POSSIBLE_DUPLICATE" and "SO-1 (placed 2026-11-23T08:00:00Z)" in hold.message


def test_amount_mismatch_says_which_sum_is_off():
    [hold] = rules.review(loaded(storefront_order(shipping_fee="8.00")), CustomerHistory(), ReviewPolicy())
    assert hold.code == "AMOUNT_MISMATCH"
    assert "lines 137.90 + shipping 8.00" in hold.message and "paid" not in hold.message


def test_the_same_goods_in_another_order_or_split_have_the_same_key():
    a = {"sku": "A", "qty": 2}
    b = {"sku": "B", "qty": 1}
    assert rules.goods_key([a, b]) == rules.goods_key([b, {"sku": "A", "qty": 1}, {"sku": "A", "qty": 1}])
    assert rules.goods_key([a, b]) != rules.goods_key([a, {"sku": "B", "qty": 2}])


def test_a_conflict_names_the_fields_that_differ():
    first = storefront_order()["order"]
    second = {**first, "total": "1.00", "buyer_remark": "x"}
    hold = rules.conflict_hold(first, second)
    assert hold.code == "CONFLICTING_ORDER" and "buyer_remark, total" in hold.message


def test_a_conflict_after_the_decision_names_the_fields_and_who_handles_it_now():
    first = storefront_order()["order"]
    second = {**first, "lines": [{**first["lines"][0], "qty": 9}]}
    approved = rules.conflict_after_decision(first, second, "approved")
    assert first["order_no"] in approved and "different lines" in approved and "after-sales" in approved
    assert "rejection stands" in rules.conflict_after_decision(first, second, "rejected")


@pytest.mark.parametrize("status, open_holds, started", [
    ("held", {"BUYER_REMARK"}, False),
    ("held", set(), False),
    ("approved", {"OUT_OF_STOCK"}, False),                         # the warehouse waits for the goods
    ("approved", {"OUT_OF_STOCK", "CONFLICTING_ORDER"}, False),
    ("approved", set(), True),                                     # reserved, or not heard of yet
    ("approved", {"CONFLICTING_ORDER"}, True),                     # a hold left from before #16 item 10
    ("rejected", set(), False),                                    # refused as already_rejected instead
])
def test_the_warehouse_has_started_once_an_approved_order_no_longer_waits_for_goods(status, open_holds, started):
    assert review.warehouse_started(status, open_holds) is started
