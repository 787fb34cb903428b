"""Every path of the refund flow chart (seed 001, business-rules §5) over HTTP on the real
broker and database: the events each step publishes, wrong-state actions (409), roles."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from services.after_sales import sla_watch
from services.after_sales.models import Base, CaseAction, SalesOrder, SalesOrderLine
from shared.testing.bus import publish_event
from shared.testing.polling import wait_for
from tests.after_sales.conftest import Desk, storefront_order


def test_rule5_2_refund_only_before_handover_cancels_fulfilment_and_refunds(desk, tap):
    order_no = desk.place()
    case = desk.open(order_no, amount="59.00")
    assert case["status"] == "pending_approval"
    assert case["allowed_actions"] == ["approve", "close", "reject", "note", "reassign"]

    approved = desk.act(case["id"], "approve", staff="SUP-1")
    assert approved["status"] == "approved"
    assert approved["sla"]["answered_by"] == "SUP-1" and approved["sla"]["within_sla"] is True
    cancelled = tap.wait("order_cancelled")[0]
    assert (cancelled["order_no"], cancelled["case_id"], cancelled["by"]) == (order_no, case["id"], "SUP-1")
    assert tap.wait("case_approved")[0]["before_handover"] is True

    asked = desk.act(case["id"], "refund", staff="SUP-1")
    assert asked["status"] == "refund_pending" and asked["refunded_amount"] is None
    assert "refund" not in asked["allowed_actions"] and "close" not in asked["allowed_actions"]
    request = tap.wait("refund_execution_requested")[0]
    assert (request["case_id"], request["order_no"], request["amount"], request["reason"], request["attempt"]) == (
        case["id"], order_no, "59.00", "not_received", 1)
    assert tap.of("refund_paid") == []   # not before the platform says it paid
    desk.platform_answers(case["id"], "refund_executed", amount="59.00")
    refunded = desk.wait_case(case["id"], "refunded")
    assert refunded["refunded_amount"] == "59.00" and refunded["platform"]["refund_id"] == f"TB-RF-{case['id']}"
    paid = tap.wait("refund_paid")[0]
    assert (paid["amount"], paid["paid_by"], paid["case_id"]) == ("59.00", "SUP-1", case["id"])

    closed = desk.act(case["id"], "close", role="agent", staff="A-1")
    assert (closed["status"], closed["outcome"]) == ("closed", "refunded")
    assert tap.wait("case_closed")[0]["by"] == "A-1"
    opened = tap.wait("case_opened")[0]
    assert (opened["agent"], opened["case_type"], opened["amount"]) == ("A-1", "refund_only", "59.00")
    assert tap.wait("case_answered")[0]["within_sla"] is True

    history = desk.case(case["id"])["history"]
    assert [h["action"] for h in history] == ["open", "approve", "refund", "refund_executed", "close"]
    assert history[1]["before"]["status"] == "pending_approval" and history[1]["after"]["status"] == "approved"
    assert history[2]["actor"] == "SUP-1" and history[2]["role"] == "supervisor"
    assert history[2]["after"]["status"] == "refund_pending"
    assert (history[3]["actor"], history[3]["after"]["status"]) == ("storefront", "refunded")


def test_rule5_2_refund_only_after_handover_asks_for_interception(desk, tap):
    order_no = desk.place()
    desk.ship(order_no)
    case = desk.open(order_no)
    desk.act(case["id"], "approve")
    intercept = tap.wait("interception_requested")[0]
    assert (intercept["tracking_no"], intercept["by"]) == ("EE123456785CN", "S-1")
    assert tap.wait("case_approved")[0]["before_handover"] is False
    assert tap.of("order_cancelled") == []


def test_rule5_3_to_5_return_refund_walks_return_receipt_and_refund(desk, tap):
    order_no = desk.place()
    desk.deliver(order_no)
    case = desk.open(order_no, "return_refund", lines=[{"sku": "SKU-001", "qty": 2}], amount="118.00",
                     reason="quality")
    case_id = case["id"]
    assert desk.act(case_id, "approve")["status"] == "awaiting_return"
    shipped = desk.act(case_id, "return-shipped", {"carrier": "SF", "tracking_no": "SF1234567"},
                       role="agent", staff="A-1")
    assert (shipped["status"], shipped["return_tracking_no"]) == ("return_shipped", "SF1234567")

    received = desk.act(case_id, "receive", {"reason": "杯盖漏水", "lines": [{"sku": "SKU-001", "qty": 2}],
                                             "accessories_complete": True, "condition": "resellable"},
                        role="warehouse", staff="W-1")
    assert received["status"] == "received"
    back = tap.wait("return_received")[0]
    assert (back["lines"], back["condition"], back["received_by"]) == (
        [{"sku": "SKU-001", "qty": 2}], "resellable", "W-1")
    assert desk.pay(case_id)["status"] == "refunded"
    assert tap.wait("refund_paid")[0]["amount"] == "118.00"
    assert desk.act(case_id, "close")["outcome"] == "refunded"
    note = desk.case(case_id)["return_note"]
    assert (note["reason"], note["discrepancies"]) == ("杯盖漏水", [])


def test_rule5_4_discrepancy_goes_to_negotiation_then_resubmitted_and_refunded(desk, tap):
    order_no = desk.place()
    desk.deliver(order_no)
    case_id = desk.open(order_no, "return_refund", amount="59.00", reason="quality")["id"]
    desk.act(case_id, "approve")
    found = desk.act(case_id, "receive", {"reason": "质量问题", "lines": [{"sku": "SKU-001", "qty": 1}],
                                          "accessories_complete": False, "condition": "resellable"},
                     role="warehouse", staff="W-1")
    assert found["status"] == "negotiation"
    assert found["allowed_actions"] == ["close", "resubmit", "note", "reassign"]
    note = desk.case(case_id)["return_note"]
    assert (note["discrepancies"], note["findings"]) == (["accessories missing"], [{"code": "accessories_missing"}])
    assert tap.of("return_received") == []

    desk.act(case_id, "refund", expect=409)
    back = desk.act(case_id, "resubmit", {"note": "买家同意扣除配件费", "amount": "50.00"}, role="agent")
    assert (back["status"], back["amount"]) == ("pending_approval", "50.00")
    assert desk.act(case_id, "approve")["status"] == "received"   # the goods are already here
    assert tap.wait("return_received")[0]["accessories_complete"] is False
    assert desk.pay(case_id)["refunded_amount"] == "50.00"


def test_rule5_exchange_sends_a_replacement_order_through_review(desk, tap):
    order_no = desk.place()
    desk.deliver(order_no)
    case_id = desk.open(order_no, "exchange", amount=None, reason="wrong_item")["id"]
    desk.act(case_id, "approve")
    done = desk.act(case_id, "receive", {"reason": "发错颜色", "lines": [{"sku": "SKU-001", "qty": 1}],
                                         "accessories_complete": True, "condition": "resellable"},
                    role="warehouse", staff="W-2")
    assert done["status"] == "replacement_ordered"
    replacement = tap.wait("replacement_ordered")[0]
    assert replacement["original_order_no"] == order_no
    assert replacement["order"]["replacement_of"] == order_no
    assert replacement["order"]["order_no"] == done["replacement_order_no"]
    assert [(l["sku"], l["qty"]) for l in replacement["order"]["lines"]] == [("SKU-001", 1)]
    desk.act(case_id, "refund", expect=409)
    assert desk.act(case_id, "close")["outcome"] == "exchanged"


def test_rule5_rejection_leads_to_negotiation_then_close_releases_the_return(desk, tap):
    order_no = desk.place()
    desk.deliver(order_no)
    case_id = desk.open(order_no, "return_refund", lines=[{"sku": "SKU-001", "qty": 2}], amount="118.00",
                        reason="changed_mind")["id"]
    rejected = desk.act(case_id, "reject", {"reason": "超过七天无理由退货期"})
    assert rejected["status"] == "negotiation"
    assert tap.wait("case_rejected")[0]["reason"] == "超过七天无理由退货期"
    desk.act(case_id, "notes", {"text": "已电话联系买家", "kind": "internal"}, role="agent", staff="A-1",
             expect=201)
    closed = desk.act(case_id, "close", role="agent")
    assert (closed["status"], closed["outcome"]) == ("closed", "settled_in_negotiation")
    with desk.service.db.read() as session:
        assert session.get(SalesOrderLine, (order_no, "SKU-001")).returned_qty == 0
    # The buyer comes back: a dispute after rejection is a difficult case (4 hours).
    again = desk.open(order_no, "return_refund", lines=[{"sku": "SKU-001", "qty": 2}], amount="118.00",
                      reason="changed_mind")
    assert again["sla"]["difficult_because"] == "dispute_after_rejection"
    assert again["sla"]["budget_minutes"] == 240


def test_rule5_wrong_state_actions_answer_409_naming_state_and_allowed_actions(desk):
    order_no = desk.place()
    case_id = desk.open(order_no)["id"]
    receive = {"reason": "x", "lines": [{"sku": "SKU-001", "qty": 1}], "accessories_complete": True,
               "condition": "resellable"}
    for action, body, role in [("refund", {}, "supervisor"), ("receive", receive, "warehouse"),
                               ("return-shipped", {"carrier": "SF", "tracking_no": "1"}, "agent"),
                               ("resubmit", {"note": "again"}, "agent")]:
        answer = desk.act(case_id, action, body, role=role, expect=409)
        assert answer["error"] == "invalid_transition"
        assert answer["state"] == "pending_approval"
        assert answer["allowed_actions"] == ["approve", "close", "reject", "note", "reassign"]
    desk.act(case_id, "approve")
    assert desk.act(case_id, "approve", expect=409)["allowed_actions"] == ["refund", "note", "reassign"]
    with desk.service.db.read() as session:
        assert session.query(CaseAction).filter_by(case_id=case_id).count() == 2


def test_roles_per_action(desk):
    order_no = desk.place()
    case_id = desk.open(order_no)["id"]
    assert desk.post(f"/cases/{case_id}/approve", {}, role="agent").status_code == 403
    assert desk.post(f"/cases/{case_id}/receive", {}, role="supervisor").status_code == 403
    assert desk.post("/cases", {}, role="warehouse").status_code == 403
    assert desk.post(f"/cases/{case_id}/refund", {}, role="agent").status_code == 403
    assert desk.call("GET", f"/cases/{case_id}", role="warehouse").status_code == 200
    assert desk.call("GET", "/cases/999999").status_code == 404
    spec = desk.call("GET", "/openapi.json").json()
    assert spec["paths"]["/cases/{case_id}/refund"]["post"]["x-roles"] == ["supervisor"]


def test_idempotent_posts_replay_the_first_answer(desk, tap):
    order_no = desk.place()
    body = {"order_no": order_no, "case_type": "refund_only", "reason": "not_received",
            "lines": [{"sku": "SKU-001", "qty": 1}], "amount": "59.00"}
    first = desk.post("/cases", body, key="open-1")
    again = desk.post("/cases", body, key="open-1")
    assert first.status_code == again.status_code == 201
    assert again.headers.get("Idempotent-Replay") == "true" and again.json()["id"] == first.json()["id"]
    assert desk.post("/cases", {**body, "amount": "1.00"}, key="open-1").status_code == 422   # key reused
    case_id = first.json()["id"]
    desk.act(case_id, "approve")
    paid = [desk.post(f"/cases/{case_id}/refund", {}, role="supervisor", staff="S-1", key="pay-1")
            for _ in range(3)]
    assert [r.status_code for r in paid] == [200, 200, 200]
    assert len(tap.wait("refund_execution_requested")) == 1
    desk.platform_answers(case_id, "refund_executed", amount="59.00")
    desk.wait_case(case_id, "refunded")
    assert len(tap.wait("refund_paid")) == 1
    assert len(tap.of("case_opened")) == 1
    listed = desk.call("GET", "/cases", params={"assignee": "A-1", "status": "refunded"}).json()["cases"]
    assert [c["id"] for c in listed] == [case_id] and Decimal(listed[0]["refunded_amount"]) == Decimal("59.00")


def test_bad_input_is_400_naming_the_field_and_nothing_is_stored(desk):
    order_no = desk.place()
    bad = desk.post("/cases", {"order_no": order_no, "case_type": "refund_only", "reason": "not_received",
                               "lines": [{"sku": "SKU-001", "qty": 0}], "amount": "59.001", "colour": "red"})
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"lines", "amount", "colour"}
    zero = desk.post("/cases", {"order_no": order_no, "case_type": "refund_only", "reason": "not_received",
                                "lines": [{"sku": "SKU-001", "qty": 1}], "amount": "0.00"})
    assert zero.status_code == 400 and list(zero.json()["fields"]) == ["amount"]
    unknown = desk.post("/cases", {"order_no": "SO-NOPE", "case_type": "refund_only", "reason": "other",
                                   "lines": [{"sku": "SKU-001", "qty": 1}], "amount": "1.00"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "order_not_found"
    assert desk.call("GET", "/cases", params={"sla": "purple"}).status_code == 400
    assert desk.call("GET", "/cases", params={"status": "", "sla": "", "assignee": ""}).json()["cases"] == []


def test_refund_for_an_order_rejected_in_review_cancels_nothing_more(desk, tap):
    order_no = desk.place()
    publish_event(desk.amqp_uri, "order_review", "order_rejected", {
        "order_no": order_no, "customer_id": "C1", "reason": "fraud", "reviewer": "R-1",
        "rejected_at": datetime.now(timezone.utc), "seconds_to_decision": 3.0})
    desk.wait_order(order_no, "rejected")
    case_id = desk.open(order_no)["id"]
    desk.act(case_id, "approve")
    assert tap.wait("case_approved")[0]["before_handover"] is True
    assert tap.of("order_cancelled") == [] and tap.of("interception_requested") == []


def test_breach_found_by_the_timer_is_in_the_case_history(desk):
    case_id = desk.open(desk.place())["id"]
    deadline = datetime.fromisoformat(desk.case(case_id)["sla"]["deadline"])
    with desk.service.db.unit_of_work() as uow:
        sla_watch.record_breaches(uow, deadline + timedelta(minutes=1))
    last = desk.case(case_id)["history"][-1]
    assert (last["action"], last["actor"]) == ("sla_breached", "sla-timer")
    assert last["before"]["sla_breached_at"] is None and last["after"]["sla_breached_at"] is not None


def test_rule5_2_rejected_then_resubmitted_for_less_and_approved(desk, tap):
    case_id = desk.open(desk.place(), amount="59.00")["id"]
    desk.act(case_id, "reject", {"reason": "物流显示已签收"}, staff="S-2")
    assert tap.wait("case_rejected")[0]["supervisor"] == "S-2"
    assert desk.act(case_id, "resubmit", {"note": "买家同意部分退款", "amount": "59.01"}, role="agent",
                    expect=422)["error"] == "over_case_value"
    desk.act(case_id, "resubmit", {"note": "买家同意部分退款", "amount": "40.00"}, role="agent")
    assert desk.act(case_id, "approve")["status"] == "approved"
    assert desk.pay(case_id)["refunded_amount"] == "40.00"
    assert [a["action"] for a in desk.case(case_id)["history"]] == ["open", "reject", "resubmit", "approve", "refund",
                                                                    "refund_executed"]
    assert len(tap.wait("case_answered")) == 1      # only the first answer counts for the SLA


def test_withdrawn_and_wrong_item_exchanges_give_the_quantities_back(desk, tap):
    order_no = desk.place()
    desk.deliver(order_no)
    withdrawn = desk.open(order_no, "return_refund", lines=[{"sku": "SKU-001", "qty": 2}], amount="118.00",
                          reason="changed_mind")["id"]
    assert desk.act(withdrawn, "close", {"note": "买家撤回"}, role="agent")["outcome"] == "withdrawn"
    assert tap.wait("case_closed")[0]["message"] == "买家撤回"
    exchange = desk.open(order_no, "exchange", lines=[{"sku": "SKU-001", "qty": 2}], amount=None,
                         reason="quality")["id"]
    desk.act(exchange, "approve")
    desk.act(exchange, "return-shipped", {"carrier": "SF", "tracking_no": "SF99"}, role="agent")
    found = desk.act(exchange, "receive", {"reason": "质量问题", "lines": [{"sku": "SKU-001", "qty": 2}],
                                           "accessories_complete": True, "condition": "wrong_item"},
                     role="warehouse")
    assert found["status"] == "negotiation" and tap.of("replacement_ordered") == []
    desk.act(exchange, "close", {"note": "退回买家"}, role="agent")
    with desk.service.db.read() as session:
        assert session.get(SalesOrderLine, (order_no, "SKU-001")).returned_qty == 0


def test_an_order_published_twice_keeps_its_first_copy_and_refunds(desk, publish_order):
    order_no = desk.place()
    case_id = desk.open(order_no)["id"]
    desk.act(case_id, "approve")
    desk.pay(case_id)
    again = storefront_order()
    again["order"]["order_no"] = order_no
    publish_order(event=again)
    inbox = Base.metadata.tables["inbox"]

    def handled():
        with desk.service.db.read() as session:
            return session.execute(sa.select(inbox).where(inbox.c.event_id == again["event_id"])).first()
    wait_for(handled, message="the second order_placed was not handled")
    with desk.service.db.read() as session:
        assert session.get(SalesOrder, order_no).refunded == Decimal("59.00")


def test_rule5_amount_over_the_configured_threshold_makes_a_difficult_case(start_service, rabbit_config,
                                                                           publish_order):
    desk = Desk(start_service("after_sales", DIFFICULT_AMOUNT="50.00"), rabbit_config["AMQP_URI"], publish_order)
    order_no = desk.place()
    assert desk.open(order_no, amount="50.00")["sla"]["difficult"] is False
    big = desk.open(order_no, amount="59.00")["sla"]
    assert (big["difficult_because"], big["budget_minutes"]) == ("amount_over_threshold", 240)
