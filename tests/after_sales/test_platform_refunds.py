"""Refunds executed by the platform and applications made by the buyer (issue #23; seed 001: the chart starts
with 买家申请退款, and 3.15: refunds are operated 在淘宝后台操作), on the real broker and database: the
refund asked of the storefront and answered by a stand-in written with pika, the refusal and the time-out shown
on the case, answers told twice or late, answers that can't be right dead-lettered with the reason."""
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.after_sales import platform_refunds
from services.after_sales.models import RefundCase, SalesOrder
from shared.messaging.dead_letters import list_dead_letters
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.after_sales.platform_standin import PlatformStandIn

TIMEOUT_MINUTES = 120   # PLATFORM_REFUND_TIMEOUT_MINUTES' default


@pytest.fixture
def platform(rabbit_config):
    standin = PlatformStandIn(rabbit_config["AMQP_URI"])
    yield standin
    standin.close()


def approved_case(desk, amount="59.00", **kwargs):
    case_id = desk.open(desk.place(), amount=amount, **kwargs)["id"]
    desk.act(case_id, "approve")
    return case_id


def refunded_total(desk, order_no):
    with desk.service.db.read() as session:
        return session.get(SalesOrder, order_no).refunded


def dead_letter_of(desk, event_id):
    return wait_for(lambda: [d for d in list_dead_letters(desk.amqp_uri, "after_sales") if d.event_id == event_id],
                    message=f"{event_id} was not dead-lettered")[0]


def handled(desk, event_id):
    """Waits until the service has taken the event (its inbox holds it)."""
    import sqlalchemy as sa
    from services.after_sales.models import Base
    inbox = Base.metadata.tables["inbox"]

    def seen():
        with desk.service.db.read() as session:
            return session.execute(sa.select(inbox.c.event_id).where(inbox.c.event_id == event_id)).first()
    wait_for(seen, message=f"{event_id} never handled")


def test_the_refund_is_asked_of_the_platform_and_paid_when_a_pika_storefront_says_it_executed(desk, tap, platform):
    case_id = approved_case(desk)
    asked = desk.act(case_id, "refund", staff="S-2")
    assert (asked["status"], asked["refunded_amount"], asked["platform"]["state"]) == ("refund_pending", None, "waiting")
    assert (asked["platform"]["requested_by"], asked["platform"]["attempts"], asked["platform"]["amount"]) == (
        "S-2", 1, "59.00")
    order_no = asked["order_no"]
    assert refunded_total(desk, order_no) == Decimal("59.00")   # reserved when asked for

    request = platform.next_request()
    assert {k: request[k] for k in ("case_id", "order_no", "amount", "reason", "attempt", "requested_by")} == {
        "case_id": case_id, "order_no": order_no, "amount": "59.00", "reason": "not_received", "attempt": 1,
        "requested_by": "S-2"}
    assert tap.of("refund_paid") == []
    answer = platform.execute(request, refund_id="TB-RF-20261203-001")

    refunded = desk.wait_case(case_id, "refunded")
    assert refunded["refunded_amount"] == "59.00"
    assert refunded["platform"]["state"] == "executed" and refunded["platform"]["refund_id"] == "TB-RF-20261203-001"
    assert refunded["refunded_at"] == refunded["platform"]["answered_at"]
    assert datetime.fromisoformat(refunded["refunded_at"]) == datetime.fromisoformat(answer["executed_at"])
    paid = tap.wait("refund_paid")[0]
    assert (paid["case_id"], paid["amount"], paid["paid_by"]) == (case_id, "59.00", "S-2")
    assert refunded_total(desk, order_no) == Decimal("59.00")   # counted once, not again when executed
    assert desk.case(case_id)["history"][-1]["detail"]["platform_refund_id"] == "TB-RF-20261203-001"


def test_a_refusal_is_shown_on_the_case_gives_the_money_back_and_the_refund_may_be_asked_again(desk, tap, platform):
    case_id = approved_case(desk)
    order_no = desk.act(case_id, "refund")["order_no"]
    platform.refuse(platform.next_request(), "buyer_in_dispute", "买家已申请小二介入")

    back = desk.wait_case(case_id, "approved")
    assert back["platform"]["state"] == "refused"
    assert (back["platform"]["refusal_code"], back["platform"]["refusal_text"]) == ("buyer_in_dispute", "买家已申请小二介入")
    assert "refund" in back["allowed_actions"]
    assert refunded_total(desk, order_no) == Decimal("0.00")
    order = desk.call("GET", f"/orders/{order_no}").json()
    assert (order["refunded"], order["held"], order["refundable"]) == ("0.00", "59.00", "78.90")   # held again

    again = desk.act(case_id, "refund")
    assert (again["platform"]["state"], again["platform"]["attempts"], again["platform"]["refusal_code"]) == (
        "waiting", 2, None)
    platform.execute(platform.next_request())
    assert desk.wait_case(case_id, "refunded")["refunded_amount"] == "59.00"
    assert [h["action"] for h in desk.case(case_id)["history"]] == [
        "open", "approve", "refund", "refund_refused", "refund", "refund_executed"]


def test_unanswered_at_the_time_out_and_not_a_second_before_then_asked_again_without_counting_twice(desk, tap):
    case_id = approved_case(desk)
    asked = desk.act(case_id, "refund")
    order_no, requested_at = asked["order_no"], datetime.fromisoformat(asked["platform"]["requested_at"])
    assert desk.act(case_id, "refund", expect=409)["error"] == "refund_awaiting_platform"

    with desk.service.db.unit_of_work() as uow:
        just_before = requested_at + timedelta(minutes=TIMEOUT_MINUTES, seconds=-1)
        assert platform_refunds.flag_unanswered(uow, just_before, TIMEOUT_MINUTES) == []
    assert desk.case(case_id)["platform"]["timed_out_at"] is None
    waiting = desk.call("GET", "/cases", params={"platform": "waiting"}).json()["cases"]
    assert [c["id"] for c in waiting] == [case_id]

    at = requested_at + timedelta(minutes=TIMEOUT_MINUTES)
    with desk.service.db.unit_of_work() as uow:
        assert platform_refunds.flag_unanswered(uow, at, TIMEOUT_MINUTES) == [case_id]
    with desk.service.db.unit_of_work() as uow:   # flagged once
        assert platform_refunds.flag_unanswered(uow, at + timedelta(hours=1), TIMEOUT_MINUTES) == []
    late = desk.case(case_id)
    assert datetime.fromisoformat(late["platform"]["timed_out_at"]) == at
    assert (late["status"], late["allowed_actions"]) == ("refund_pending", ["refund", "note", "reassign"])
    assert (late["history"][-1]["action"], late["history"][-1]["actor"]) == ("platform_timeout", "platform-watch")
    timed_out = desk.call("GET", "/cases", params={"platform": "timed_out"}).json()["cases"]
    assert [c["id"] for c in timed_out] == [case_id]
    assert desk.call("GET", "/cases", params={"platform": "waiting"}).json()["cases"] == []

    again = desk.act(case_id, "refund", staff="S-3")
    assert (again["platform"]["attempts"], again["platform"]["timed_out_at"]) == (2, None)
    assert [r["attempt"] for r in tap.wait("refund_execution_requested", count=2)] == [1, 2]
    assert refunded_total(desk, order_no) == Decimal("59.00")   # the reservation stands, not taken twice
    desk.platform_answers(case_id, "refund_executed", amount="59.00")
    assert desk.wait_case(case_id, "refunded")["platform"]["state"] == "executed"
    assert tap.wait("refund_paid")[0]["paid_by"] == "S-3"


def test_answers_told_twice_or_late_change_nothing(desk, tap):
    case_id = approved_case(desk)
    order_no = desk.act(case_id, "refund")["order_no"]
    executed = {"case_id": case_id, "order_no": order_no, "platform_refund_id": "TB-RF-1", "amount": "59.00",
                "executed_at": datetime.now(timezone.utc)}
    publish_event(desk.amqp_uri, "storefront", "refund_executed", executed)
    desk.wait_case(case_id, "refunded")
    twice = publish_event(desk.amqp_uri, "storefront", "refund_executed", executed)   # another event id
    late = publish_event(desk.amqp_uri, "storefront", "refund_refused", {
        "case_id": case_id, "order_no": order_no, "code": "timeout", "refused_at": datetime.now(timezone.utc)})
    handled(desk, twice["event_id"])
    handled(desk, late["event_id"])
    case = desk.case(case_id)
    assert (case["status"], case["platform"]["state"]) == ("refunded", "executed")
    assert len(tap.wait("refund_paid")) == 1 and refunded_total(desk, order_no) == Decimal("59.00")
    assert [h["action"] for h in case["history"]][-2:] == ["refund", "refund_executed"]


def test_an_answer_that_cant_be_right_is_dead_lettered_with_the_reason(desk):
    case_id = approved_case(desk)
    order_no = desk.act(case_id, "refund")["order_no"]
    now = datetime.now(timezone.utc)
    wrong_amount = publish_event(desk.amqp_uri, "storefront", "refund_executed", {
        "case_id": case_id, "order_no": order_no, "platform_refund_id": "TB-RF-2", "amount": "59.01",
        "executed_at": now})
    letter = dead_letter_of(desk, wrong_amount["event_id"])
    assert "59.01 executed, 59.00 asked" in letter.reason
    unknown = publish_event(desk.amqp_uri, "storefront", "refund_executed", {
        "case_id": 999999, "order_no": order_no, "platform_refund_id": "TB-RF-3", "amount": "59.00",
        "executed_at": now})
    assert "no such case" in dead_letter_of(desk, unknown["event_id"]).reason
    other_order = publish_event(desk.amqp_uri, "storefront", "refund_refused", {
        "case_id": case_id, "order_no": "SO-SOMEONE-ELSE", "code": "x", "refused_at": now})
    assert "no such case" in dead_letter_of(desk, other_order["event_id"]).reason
    assert desk.case(case_id)["status"] == "refund_pending"


def refund_requested(order_no, platform_request_id, **fields):
    return {"platform_request_id": platform_request_id, "order_no": order_no, "kind": "refund_only",
            "reason": "not_received", "reason_text": "买家说没收到", "amount": "59.00",
            "lines": [{"sku": "SKU-001", "qty": 1}], "requested_at": datetime.now(timezone.utc), **fields}


def cases_of(desk, order_no):
    return desk.call("GET", "/cases", params={"order_no": order_no}).json()["cases"]


def test_the_buyers_application_opens_a_case_once_that_any_supervisor_may_approve(desk, tap, platform):
    order_no = desk.place()
    application = refund_requested(order_no, "TB-APPLY-1")
    first = publish_event(desk.amqp_uri, "storefront", "refund_requested", application)
    case, = wait_for(lambda: cases_of(desk, order_no), message="no case opened")
    assert (case["status"], case["opened_by"], case["assignee"], case["platform_request_id"]) == (
        "pending_approval", "storefront", "agents", "TB-APPLY-1")
    assert (case["reason"], case["reason_text"], case["amount"], case["lines"]) == (
        "not_received", "买家说没收到", "59.00", [{"sku": "SKU-001", "qty": 1}])
    assert case["sla"]["deadline"] is not None   # the answer clock runs for the buyer
    opened = tap.wait("case_opened")[0]
    assert (opened["case_id"], opened["agent"]) == (case["id"], "")   # no agent's doing (staff performance)

    again = publish_event(desk.amqp_uri, "storefront", "refund_requested", application)   # told again
    handled(desk, again["event_id"])
    assert first["event_id"] != again["event_id"] and len(cases_of(desk, order_no)) == 1

    # Not opened by anyone here: every supervisor may decide, the first agent who speaks takes it (an agent
    # approves no refund without a return: after_sales README rule 11).
    as_supervisor = desk.call("GET", f"/cases/{case['id']}", role="supervisor", staff="S-1").json()
    assert as_supervisor["refused"] == []
    assert [r["error"] for r in desk.case(case["id"])["refused"]] == ["supervisor_decides"]
    desk.act(case["id"], "notes", {"text": "您好，已收到申请", "kind": "answer"}, role="agent", staff="A-7",
             expect=201)
    assert desk.case(case["id"])["assignee"] == "A-7"
    desk.act(case["id"], "approve", staff="S-1")
    asked = desk.act(case["id"], "refund", staff="S-1")
    request = platform.next_request()
    assert (request["platform_request_id"], request["case_id"]) == ("TB-APPLY-1", asked["id"])
    platform.execute(request)
    assert desk.wait_case(case["id"], "refunded")["refunded_amount"] == "59.00"


def test_an_application_for_the_whole_order_and_one_the_rules_refuse(desk):
    order_no = desk.place()                    # paid 137.90
    whole = publish_event(desk.amqp_uri, "storefront", "refund_requested",
                          {**refund_requested(order_no, "TB-APPLY-2", amount="137.90"), "lines": None})
    handled(desk, whole["event_id"])
    case, = cases_of(desk, order_no)
    assert (case["lines"], case["amount"]) == ([{"sku": "SKU-001", "qty": 2}, {"sku": "SKU-006", "qty": 1}], "137.90")

    over = publish_event(desk.amqp_uri, "storefront", "refund_requested",
                         refund_requested(order_no, "TB-APPLY-3", amount="0.01"))
    letter = dead_letter_of(desk, over["event_id"])
    assert "over_refundable" in letter.reason and "TB-APPLY-3" in letter.reason
    assert len(cases_of(desk, order_no)) == 1
    with desk.service.db.read() as session:
        assert session.query(RefundCase).filter_by(platform_request_id="TB-APPLY-3").count() == 0
