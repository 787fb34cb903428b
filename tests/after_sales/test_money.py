"""Money and quantities (issue #6, business-rules §5): refunds never pass what was paid minus
what was refunded across all of an order's cases, returns never pass delivered minus returned,
the shipping fee only when stated; the refund is asked of the platform once however many requests race (the money
is reserved when it is asked for: platform refunds, issue #23)."""
import uuid
from decimal import Decimal

import eventlet
import sqlalchemy as sa

from services.after_sales.models import Base, RefundCase, SalesOrder


def _refund(desk, case_id):
    return desk.post(f"/cases/{case_id}/refund", {}, role="supervisor", staff="SUP-1", key=uuid.uuid4().hex)


def test_partial_refunds_up_to_what_was_paid_and_one_cent_over(desk):
    order_no = desk.place(shipping_fee="8.00")          # paid 137.90 + 8.00 = 145.90
    first = desk.open(order_no, amount="59.00")
    desk.act(first["id"], "approve")
    desk.pay(first["id"])                               # executed by the platform

    two_lines = [{"sku": "SKU-001", "qty": 1}, {"sku": "SKU-006", "qty": 1}]   # worth 78.90
    over_value = desk.open(order_no, lines=two_lines, amount="78.91", expect=422)
    assert (over_value["error"], over_value["cap"]) == ("over_case_value", "78.90")
    assert desk.open(order_no, lines=two_lines, amount="86.91", include_shipping_fee=True,
                     expect=422)["error"] in ("over_case_value", "over_refundable")
    second = desk.open(order_no, lines=two_lines, amount="86.90", include_shipping_fee=True)
    desk.act(second["id"], "approve")
    desk.act(second["id"], "refund")                    # asked of the platform: reserved, not yet paid

    nothing_left = desk.open(order_no, amount="0.01", expect=422)
    assert (nothing_left["error"], nothing_left["refundable"]) == ("over_refundable", "0.00")
    with desk.service.db.read() as session:
        order = session.get(SalesOrder, order_no)
        assert order.refunded == order.paid_amount == Decimal("145.90")


def _asked_before_the_rule(desk, case_ids, amount):
    """Cases opened before #19 refused over-committed ones: their amounts written as they were then."""
    with desk.service.db.unit_of_work() as uow:
        uow.session.execute(sa.update(RefundCase).where(RefundCase.id.in_(case_ids)).values(amount=Decimal(amount)))


def test_refunds_checked_again_when_paid_so_two_open_cases_cannot_both_take_the_rest(desk):
    order_no = desk.place()                              # paid 137.90
    a = desk.open(order_no, lines=[{"sku": "SKU-001", "qty": 2}], amount="100.00")
    b = desk.open(order_no, lines=[{"sku": "SKU-001", "qty": 2}], amount="37.90")
    for case in (a, b):
        desk.act(case["id"], "approve")
    _asked_before_the_rule(desk, [b["id"]], "37.91")
    desk.act(a["id"], "refund")
    refused = desk.act(b["id"], "refund", expect=422)
    assert (refused["error"], refused["refundable"]) == ("over_refundable", "37.90")
    assert desk.case(b["id"])["status"] == "approved"    # nothing changed
    desk.act(b["id"], "close", expect=409)


def test_returned_quantities_up_to_delivered_and_one_over(desk):
    order_no = desk.place()
    not_yet = desk.open(order_no, "return_refund", amount="59.00", reason="quality", expect=422)
    assert (not_yet["error"], not_yet["available"]) == ("over_quantity", 0)     # nothing delivered yet
    desk.deliver(order_no)
    desk.open(order_no, "return_refund", amount="59.00", reason="quality")
    over = desk.open(order_no, "exchange", lines=[{"sku": "SKU-001", "qty": 2}], amount=None,
                     reason="quality", expect=422)
    assert (over["error"], over["available"]) == ("over_quantity", 1)
    desk.open(order_no, "exchange", amount=None, reason="quality")
    assert desk.open(order_no, "exchange", amount=None, reason="quality", expect=422)["available"] == 0


def test_cod_order_has_nothing_to_refund_until_the_courier_collected_it(desk):
    order_no = desk.place(method="cod")
    assert desk.open(order_no, amount="1.00", expect=422)["refundable"] == "0.00"
    desk.deliver(order_no)
    assert desk.open(order_no, amount="59.00")["status"] == "pending_approval"


def test_50_concurrent_refund_requests_never_pay_more_than_was_paid(green_postgres, desk, tap):
    order_no = desk.place()                              # paid 137.90: two refunds of 59.00 fit, not three
    cases = [desk.open(order_no, amount="45.00")["id"] for _ in range(3)]
    for case_id in cases:
        desk.act(case_id, "approve")
    _asked_before_the_rule(desk, cases, "59.00")

    pool = eventlet.GreenPool(50)
    answers = list(pool.imap(lambda n: _refund(desk, cases[n % 3]), range(50)))

    statuses = sorted(r.status_code for r in answers)
    assert statuses.count(200) == 2, statuses
    assert set(statuses) <= {200, 409, 422}
    assert any(r.json().get("error") == "over_refundable" for r in answers)
    with desk.service.db.read() as session:
        assert session.get(SalesOrder, order_no).refunded == Decimal("118.00")
    asked = tap.wait("refund_execution_requested", count=2)
    assert sorted(p["case_id"] for p in asked) == sorted(
        c for c in cases if desk.case(c)["status"] == "refund_pending")
    with desk.service.db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Base.metadata.tables["outbox"]).where(
            sa.column("event_type") == "refund_execution_requested")) == 2


# Goods 47.80 + 35.50 = 83.30 paid (issue #19 item 3: 83.30 + 35.50 against 83.30 paid).
CUP_AND_CABLE = ({"sku": "SKU-001", "name": "保温杯", "qty": 1, "unit_price": "47.80", "unit_weight_g": 420},
                 {"sku": "SKU-006", "name": "数据线", "qty": 1, "unit_price": "35.50", "unit_weight_g": 60})
BOTH = [{"sku": "SKU-001", "qty": 1}, {"sku": "SKU-006", "qty": 1}]
CABLE = [{"sku": "SKU-006", "qty": 1}]


def test_a_second_case_that_could_never_be_paid_is_refused_when_it_opens(desk):
    order_no = desk.place(lines=CUP_AND_CABLE)
    desk.open(order_no, lines=BOTH, amount="83.30")
    refused = desk.open(order_no, lines=CABLE, amount="35.50", expect=422)
    assert {k: refused[k] for k in ("error", "field", "amount", "paid", "refunded", "held", "refundable")} == {
        "error": "over_refundable", "field": "amount", "amount": "35.50", "paid": "83.30", "refunded": "0.00",
        "held": "83.30", "refundable": "0.00"}
    assert len(desk.call("GET", "/cases", params={"order_no": order_no}).json()["cases"]) == 1


def test_open_cases_leave_exactly_the_remainder_and_not_a_cent_more(desk):
    order_no = desk.place(lines=CUP_AND_CABLE)
    first = desk.open(order_no, lines=BOTH, amount="47.81")                   # leaves 35.49
    over = desk.open(order_no, lines=CABLE, amount="35.50", expect=422)
    assert (over["error"], over["held"], over["refundable"]) == ("over_refundable", "47.81", "35.49")
    second = desk.open(order_no, lines=CABLE, amount="35.49")
    assert desk.open(order_no, lines=CABLE, amount="0.01", expect=422)["refundable"] == "0.00"

    desk.act(first["id"], "reject", {"reason": "买家已签收"})                  # negotiation: still open, still held
    assert desk.open(order_no, lines=CABLE, amount="0.01", expect=422)["held"] == "83.30"
    # A negotiated amount is checked without counting the case itself.
    desk.act(first["id"], "resubmit", {"note": "协商", "amount": "47.82"}, role="agent", expect=422)
    desk.act(first["id"], "resubmit", {"note": "协商", "amount": "47.81"}, role="agent")
    for case in (first, second):
        desk.act(case["id"], "approve")
        desk.act(case["id"], "refund")
    with desk.service.db.read() as session:
        assert session.get(SalesOrder, order_no).refunded == Decimal("83.30")


def test_a_closed_case_frees_what_it_asked_for(desk):
    order_no = desk.place(lines=CUP_AND_CABLE)
    withdrawn = desk.open(order_no, lines=BOTH, amount="83.30")
    desk.act(withdrawn["id"], "close", {"note": "买家撤回"}, role="agent")
    assert desk.open(order_no, lines=BOTH, amount="83.30")["amount"] == "83.30"
