"""Refunds only against secured goods (issue 18 item 1), on the real broker and database: a
not-received refund approved after hand-over waits until the carrier scans the parcel intercepted,
returning or returned, or another supervisor overrides with a reason; a parcel delivered after
its refund opens a recovery case, red, in the supervisors' queue."""
from datetime import datetime, timezone

import pytest

from services.after_sales import flow, securing
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for

TRACKING_NO = "EE123456785CN"   # what Desk.ship hands over


def coming_back(desk, order_no, status):
    if status == "returned_to_sender":
        publish_event(desk.amqp_uri, "shipping_labels", "parcel_returned_to_sender", {
            "order_no": order_no, "tracking_no": TRACKING_NO, "payment_method": "prepaid",
            "cod_amount_not_collected": "0.00"})
    else:
        publish_event(desk.amqp_uri, "shipping_labels", "parcel_returning", {
            "order_no": order_no, "tracking_no": TRACKING_NO, "status": status,
            "scanned_at": datetime.now(timezone.utc)})


def delivered(desk, order_no):
    publish_event(desk.amqp_uri, "shipping_labels", "parcel_delivered", {
        "order_no": order_no, "tracking_no": TRACKING_NO, "delivered_at": datetime.now(timezone.utc)})
    desk.wait_order(order_no, "delivered")


def waiting_case(desk):
    """A not-received refund case on a shipped order, approved by S-1: waiting for its goods."""
    order_no = desk.place()
    desk.ship(order_no)
    case = desk.open(order_no, amount="59.00")
    assert desk.act(case["id"], "approve")["status"] == "awaiting_secured"
    return order_no, case["id"]


def state_becomes(desk, case_id, status):
    return wait_for(lambda: (case := desk.case(case_id))["status"] == status and case,
                    message=f"case {case_id} never {status}")


def recovery_cases(desk, order_no):
    return desk.call("GET", "/cases", role="supervisor", staff="S-1",
                     params={"order_no": order_no, "case_type": "recovery"}).json()["cases"]


@pytest.mark.parametrize("scan", ["intercepted", "returning", "returned_to_sender"])
def test_refund_is_refused_until_the_carrier_says_the_parcel_is_coming_back(desk, tap, scan):
    order_no, case_id = waiting_case(desk)
    assert tap.wait("interception_requested")[0]["tracking_no"] == TRACKING_NO

    refused = desk.act(case_id, "refund", expect=409)
    assert (refused["error"], refused["state"]) == ("goods_not_secured", "awaiting_secured")
    assert "intercepted" in refused["message"] and "refund" not in refused["allowed_actions"]
    assert desk.case(case_id)["refunded_amount"] is None and tap.of("refund_paid") == []

    coming_back(desk, order_no, scan)
    secured = state_becomes(desk, case_id, "approved")
    assert (secured["secured_how"], secured["secured_by"], secured["secured_reason"]) == (scan, "carrier", None)
    assert desk.pay(case_id)["refunded_amount"] == "59.00"
    assert tap.wait("refund_paid")[0]["amount"] == "59.00"
    assert [h["action"] for h in desk.case(case_id)["history"]] == ["open", "approve", "secure", "refund",
                                                                    "refund_executed"]


def test_a_supervisor_who_did_not_open_the_case_may_secure_it_with_a_reason(desk, tap):
    order_no, case_id = waiting_case(desk)
    # The agent who opened it, signed in as a supervisor, may not let the money through.
    mine = desk.act(case_id, "secure", {"reason": "快递员确认包裹丢失"}, staff="A-1", expect=403)
    assert (mine["error"], mine["action"]) == ("opened_by_you", "secure")
    assert desk.act(case_id, "secure", {}, staff="S-2", expect=400)["fields"] == {
        "reason": ["Missing data for required field."]}
    assert desk.post(f"/cases/{case_id}/secure", {"reason": "快递员确认包裹丢失"}, role="agent").status_code == 403
    assert desk.case(case_id)["status"] == "awaiting_secured"

    secured = desk.act(case_id, "secure", {"reason": "快递员确认包裹丢失"}, staff="S-2")
    assert (secured["status"], secured["secured_how"], secured["secured_by"], secured["secured_reason"]) == (
        "approved", "override", "S-2", "快递员确认包裹丢失")
    assert secured["secured_at"] is not None
    record = desk.case(case_id)["history"][-1]
    assert (record["action"], record["actor"], record["role"], record["detail"]["reason"]) == (
        "secure", "S-2", "supervisor", "快递员确认包裹丢失")
    assert desk.act(case_id, "secure", {"reason": "again"}, staff="S-2", expect=409)["error"] == "invalid_transition"
    assert desk.pay(case_id)["status"] == "refunded"


def test_a_parcel_delivered_after_its_refund_opens_a_red_recovery_case_for_supervisors(desk, tap):
    order_no, case_id = waiting_case(desk)
    desk.act(case_id, "secure", {"reason": "物流停滞七天，快递员称已丢失"}, staff="S-2")
    desk.pay(case_id)
    assert recovery_cases(desk, order_no) == []

    delivered(desk, order_no)
    recovery, = recovery_cases(desk, order_no)
    assert (recovery["status"], recovery["reason"], recovery["amount"], recovery["assignee"]) == (
        "recovery_open", "delivered_after_refund", "59.00", "supervisors")
    assert recovery["sla"]["colour"] == "red" and recovery["sla"]["paused"] is False
    assert recovery["lines"] == [{"sku": "SKU-001", "qty": 2}, {"sku": "SKU-006", "qty": 1}]
    assert desk.case(case_id)["status"] == "refunded"   # the refund stands; the recovery is its own case
    red = desk.call("GET", "/cases", params={"order_no": order_no, "sla": "red"}).json()["cases"]
    green = desk.call("GET", "/cases", params={"order_no": order_no, "sla": "green"}).json()["cases"]
    assert [c["id"] for c in red] == [recovery["id"]] and recovery["id"] not in [c["id"] for c in green]

    page = desk.case(recovery["id"])
    assert page["allowed_actions"] == ["close", "note", "reassign"]
    assert desk.act(recovery["id"], "close", {"note": "x"}, role="agent", expect=403)["error"] == "assigned_to_another"
    closed = desk.act(recovery["id"], "close", {"note": "买家已退回货款"}, staff="S-3")
    assert (closed["outcome"], closed["sla"]["colour"]) == ("recovery_closed", "green")


def test_a_parcel_delivered_before_any_refund_opens_no_recovery_and_stops_the_refund(desk, tap):
    order_no, case_id = waiting_case(desk)
    quiet = desk.place()
    desk.ship(quiet)

    delivered(desk, order_no)
    delivered(desk, quiet)
    assert recovery_cases(desk, order_no) == [] and recovery_cases(desk, quiet) == []
    case = desk.case(case_id)
    assert case["status"] == "negotiation" and case["history"][-1]["actor"] == "carrier"
    assert desk.act(case_id, "refund", expect=409)["error"] == "invalid_transition"
    assert tap.of("refund_paid") == []


def test_on_a_delivered_order_only_a_not_received_refund_waits(desk):
    order_no = desk.place()
    desk.deliver(order_no)
    claim = desk.open(order_no, amount="59.00")
    assert desk.act(claim["id"], "approve")["status"] == "awaiting_secured"   # only an override now
    compensation = desk.open(order_no, amount="10.00", reason="damaged")     # the buyer keeps the goods
    assert desk.act(compensation["id"], "approve")["status"] == "approved"
    assert desk.pay(compensation["id"])["status"] == "refunded"


@pytest.mark.parametrize("case_type, reason, order_status, secured, waits", [
    ("refund_only", "not_received", "shipped", False, True),
    ("refund_only", "changed_mind", "shipped", False, True),     # with the carrier: stop it first
    ("refund_only", "not_received", "shipped", True, False),     # already coming back
    ("refund_only", "not_received", "placed", False, False),     # not handed over: the order is cancelled
    ("refund_only", "not_received", "delivered", False, True),   # only an override
    ("refund_only", "damaged", "delivered", False, False),       # compensation: the buyer keeps the goods
    ("return_refund", "quality", "delivered", False, False),     # waits for the return instead
])
def test_which_approvals_wait_for_the_goods(case_type, reason, order_status, secured, waits):
    assert securing.must_wait(case_type, reason, order_status, secured) is waits
    assert (flow.next_state(case_type, flow.PENDING, "approve", must_secure=waits) == flow.AWAITING_SECURED) is waits
