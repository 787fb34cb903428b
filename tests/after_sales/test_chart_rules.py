"""The refund flow chart of seed 001 (business-rules §5), the money caps, the warehouse
inspection and the replacement order, as plain unit tests (no broker, no database)."""
from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest

from contracts.storefront import Order
from services.after_sales import flow, inspection, money
from services.after_sales.replacement import replacement_order
from shared.errors import Conflict, RuleViolation
from tests.after_sales.conftest import storefront_order


@pytest.mark.parametrize("case_type, path", [
    ("refund_only", [("approve", "approved"), ("refund", "refund_pending"), ("refund_executed", "refunded"),
                     ("close", "closed")]),
    ("return_refund", [("approve", "awaiting_return"), ("return_shipped", "return_shipped"),
                       ("receive", "received"), ("refund", "refund_pending"), ("refund_executed", "refunded"),
                       ("close", "closed")]),
    # The platform refused: back to where the refund was asked from, and asked again.
    ("refund_only", [("approve", "approved"), ("refund", "refund_pending"), ("refund_refused", "approved"),
                     ("refund", "refund_pending")]),
    ("return_refund", [("approve", "awaiting_return"), ("receive", "received"), ("refund", "refund_pending"),
                       ("refund_refused", "received")]),
    ("exchange", [("approve", "awaiting_return"), ("return_shipped", "return_shipped"),
                  ("receive", "replacement_ordered"), ("close", "closed")]),
    ("refund_only", [("reject", "negotiation"), ("resubmit", "pending_approval"), ("approve", "approved")]),
    ("exchange", [("reject", "negotiation"), ("close", "closed")]),
    ("return_refund", [("close", "closed")]),
])
def test_rule5_paths_of_the_chart(case_type, path):
    state = flow.PENDING
    for action, expected in path:
        state = flow.next_state(case_type, state, action)
        assert state == expected


def test_rule5_4_a_discrepancy_on_receipt_goes_to_negotiation():
    assert flow.next_state("return_refund", "return_shipped", "receive", discrepancy=True) == "negotiation"


def test_rule5_reapproval_after_negotiated_discrepancy_takes_the_goods_in():
    assert flow.next_state("return_refund", flow.PENDING, "approve", return_in_hand=True) == "received"
    assert flow.next_state("exchange", flow.PENDING, "approve", return_in_hand=True) == "replacement_ordered"


@pytest.mark.parametrize("case_type, state, action", [
    ("refund_only", "pending_approval", "refund"),        # not approved yet
    ("refund_only", "approved", "receive"),               # nothing comes back on a refund only
    ("exchange", "received", "refund"),                   # an exchange refunds nothing
    ("return_refund", "awaiting_return", "refund"),       # goods not back yet
    ("return_refund", "refunded", "refund"),              # never twice
    ("refund_only", "refund_pending", "close"),           # the platform may be paying it
    ("exchange", "received", "refund_executed"),
    ("return_refund", "closed", "approve"),
])
def test_rule5_actions_off_the_chart_are_409_with_state_and_allowed_actions(case_type, state, action):
    with pytest.raises(Conflict) as raised:
        flow.next_state(case_type, state, action)
    assert raised.value.code == "invalid_transition"
    assert raised.value.details["state"] == state
    assert raised.value.details["allowed_actions"] == flow.allowed_actions(case_type, state)


def test_a_refund_waiting_for_the_platform_is_asked_again_only_once_overdue():
    with pytest.raises(Conflict) as raised:
        flow.next_state("refund_only", flow.REFUND_PENDING, "refund")
    assert (raised.value.code, raised.value.details["state"]) == ("refund_awaiting_platform", "refund_pending")
    assert flow.next_state("refund_only", flow.REFUND_PENDING, "refund", platform_overdue=True) == "refund_pending"
    # The platform's answers are the service's moves, never offered to a person.
    assert flow.allowed_actions("return_refund", "refund_pending") == ["refund", "note", "reassign"]


def test_allowed_actions_name_what_the_state_permits():
    assert flow.allowed_actions("refund_only", "pending_approval") == ["approve", "close", "reject", "note", "reassign"]
    assert flow.allowed_actions("return_refund", "awaiting_return") == ["receive", "return_shipped", "note", "reassign"]
    assert flow.allowed_actions("exchange", "closed") == []


def _order_lines():
    return {"SKU-001": SimpleNamespace(qty=2, unit_price=Decimal("59.00"), delivered_qty=2, returned_qty=1),
            "SKU-006": SimpleNamespace(qty=1, unit_price=Decimal("19.90"), delivered_qty=0, returned_qty=0)}


def test_returned_quantity_is_capped_by_delivered_minus_returned():
    lines = _order_lines()
    assert money.check_lines(lines, [{"sku": "SKU-001", "qty": 1}], "return_refund") == {"SKU-001": 1}
    with pytest.raises(RuleViolation) as raised:
        money.check_lines(lines, [{"sku": "SKU-001", "qty": 2}], "return_refund")
    assert raised.value.details["available"] == 1
    with pytest.raises(RuleViolation):
        money.check_lines(lines, [{"sku": "SKU-006", "qty": 1}], "exchange")   # never delivered
    assert money.check_lines(lines, [{"sku": "SKU-006", "qty": 1}], "refund_only") == {"SKU-006": 1}


def test_unknown_sku_is_refused():
    with pytest.raises(RuleViolation) as raised:
        money.check_lines(_order_lines(), [{"sku": "NOPE", "qty": 1}], "refund_only")
    assert raised.value.code == "unknown_sku"


def test_shipping_fee_counts_only_when_stated():
    lines = _order_lines()
    assert money.case_cap(lines, {"SKU-001": 1}, False, Decimal("8.00")) == Decimal("59.00")
    assert money.case_cap(lines, {"SKU-001": 1}, True, Decimal("8.00")) == Decimal("67.00")


@pytest.mark.parametrize("amount, code", [("59.01", "over_case_value"), ("40.01", "over_refundable"),
                                          ("0.00", "invalid_amount")])
def test_amount_caps_one_cent_over(amount, code):
    assert money.check_amount("refund_only", Decimal("40.00"), Decimal("59.00"), Decimal("40.00")) == Decimal("40.00")
    with pytest.raises(RuleViolation) as raised:
        money.check_amount("refund_only", Decimal(amount), Decimal("59.00"), Decimal("40.00"))
    assert raised.value.code == code


def test_an_exchange_asks_for_no_money():
    assert money.check_amount("exchange", None, Decimal("59.00"), Decimal("100.00")) == Decimal("0.00")
    with pytest.raises(RuleViolation):
        money.check_amount("exchange", Decimal("1.00"), Decimal("59.00"), Decimal("100.00"))


@pytest.mark.parametrize("received, accessories, condition, reason, found", [
    ([{"sku": "A", "qty": 1}], True, "resellable", "quality", []),
    ([{"sku": "A", "qty": 1}], True, "damaged", "damaged", []),
    ([{"sku": "A", "qty": 1}], True, "damaged", "quality", ["damaged, but the case was not about damage"]),
    ([{"sku": "A", "qty": 1}], False, "resellable", "quality", ["accessories missing"]),
    ([{"sku": "A", "qty": 1}], True, "wrong_item", "quality", ["not the item sold"]),
    ([{"sku": "B", "qty": 1}], True, "resellable", "quality", ["A: expected 1, received 0",
                                                               "B: expected 0, received 1"]),
])
def test_rule5_4_inspection_finds_discrepancies(received, accessories, condition, reason, found):
    assert inspection.discrepancies([{"sku": "A", "qty": 1}], reason, received, accessories, condition) == found


def test_discrepancies_are_codes_with_parameters_for_the_console():
    assert inspection.findings([{"sku": "A", "qty": 2}], "quality", [{"sku": "A", "qty": 1}], False, "damaged") == [
        {"code": "quantity_differs", "sku": "A", "expected": 2, "received": 1}, {"code": "accessories_missing"},
        {"code": "unexpected_damage"}]


def test_replacement_is_a_storefront_order_marked_as_replacement():
    original = Order().dump(Order().load(storefront_order()["order"]))
    now = datetime(2026, 11, 24, 3, tzinfo=timezone.utc)
    order = replacement_order(original, 7, {"SKU-001": 1}, now)
    loaded = Order().load(Order().dump(order))
    assert loaded["replacement_of"] == original["order_no"]
    assert loaded["order_no"] == original["order_no"] + "-X7"
    assert [(l["sku"], l["qty"]) for l in loaded["lines"]] == [("SKU-001", 1)]
    assert loaded["total"] == loaded["payment"]["paid_amount"] == Decimal("59.00")
