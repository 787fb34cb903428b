"""Separation of duties on a case (issue 17) over HTTP on the real broker and database: whoever
opened a case can't approve or refund it; an agent can't speak with the buyer, resubmit or close
another agent's case; a supervisor reassigns it. Each refusal is a 403 with its reason, and
changes nothing."""
from datetime import datetime, timedelta

from services.after_sales import sla_watch


def refused(desk, case_id, role, staff):
    answer = desk.call("GET", f"/cases/{case_id}", role=role, staff=staff).json()["refused"]
    return sorted((r["action"], r["kind"], r["error"]) for r in answer)


def history(desk, case_id):
    return [h["action"] for h in desk.case(case_id)["history"]]


def test_whoever_opened_a_case_cant_approve_or_refund_it_another_supervisor_can(desk, tap):
    case_id = desk.open(desk.place())["id"]          # opened by A-1
    assert desk.case(case_id)["opened_by"] == "A-1"

    denied = desk.act(case_id, "approve", role="supervisor", staff="A-1", expect=403)
    assert (denied["error"], denied["action"], denied["opened_by"]) == ("opened_by_you", "approve", "A-1")
    assert "another supervisor" in denied["message"]
    assert desk.case(case_id)["status"] == "pending_approval" and history(desk, case_id) == ["open"]
    assert refused(desk, case_id, "supervisor", "A-1") == [("approve", None, "opened_by_you")]
    assert refused(desk, case_id, "supervisor", "S-2") == []

    # Reassigned to another agent, the case still names who opened it.
    desk.act(case_id, "reassign", {"agent": "A-2"}, staff="S-2")
    desk.act(case_id, "approve", role="supervisor", staff="A-1", expect=403)
    assert desk.act(case_id, "approve", staff="S-2")["status"] == "approved"

    assert desk.act(case_id, "refund", role="supervisor", staff="A-1", expect=403)["action"] == "refund"
    assert refused(desk, case_id, "supervisor", "A-1") == [("refund", None, "opened_by_you")]
    assert desk.case(case_id)["refunded_amount"] is None and tap.of("refund_paid") == []
    assert desk.pay(case_id, staff="S-2")["status"] == "refunded"
    assert tap.wait("refund_paid")[0]["paid_by"] == "S-2"


def test_the_opener_may_still_reject_their_own_case(desk):
    case_id = desk.open(desk.place())["id"]
    assert desk.act(case_id, "reject", {"reason": "买家已撤回"}, staff="A-1")["status"] == "negotiation"


def test_an_agent_cant_speak_with_the_buyer_on_another_agents_case(desk, tap):
    case_id = desk.open(desk.place())["id"]          # A-1's case
    for kind in ("answer", "ask_buyer", "buyer_reply"):
        denied = desk.act(case_id, "notes", {"text": "您好", "kind": kind}, role="agent", staff="A-2", expect=403)
        assert (denied["error"], denied["kind"], denied["assignee"]) == ("assigned_to_another", kind, "A-1")
    case = desk.case(case_id)
    assert case["sla"]["answered_at"] is None and case["sla"]["paused"] is False and history(desk, case_id) == ["open"]
    assert refused(desk, case_id, "agent", "A-2") == [
        ("approve", None, "supervisor_decides"),          # a refund without a return (return_window.py)
        ("close", None, "assigned_to_another"), ("note", "answer", "assigned_to_another"),
        ("note", "ask_buyer", "assigned_to_another"), ("note", "buyer_reply", "assigned_to_another")]
    assert refused(desk, case_id, "agent", "A-1") == [("approve", None, "opened_by_you")]   # whatever the role

    desk.act(case_id, "notes", {"text": "同事代为记录", "kind": "internal"}, role="agent", staff="A-2", expect=201)
    desk.act(case_id, "notes", {"text": "已核实物流", "kind": "answer"}, role="agent", staff="A-1", expect=201)
    assert tap.wait("case_answered")[0]["agent"] == "A-1"


def test_an_agent_cant_resubmit_or_withdraw_another_agents_case(desk, tap):
    case_id = desk.open(desk.place())["id"]
    desk.act(case_id, "reject", {"reason": "物流显示已签收"})
    denied = desk.act(case_id, "resubmit", {"note": "买家坚持"}, role="agent", staff="A-2", expect=403)
    assert (denied["error"], denied["action"]) == ("assigned_to_another", "resubmit")
    assert desk.case(case_id)["status"] == "negotiation"
    assert desk.act(case_id, "resubmit", {"note": "买家坚持"}, role="agent", staff="A-1")["status"] == \
        "pending_approval"

    assert desk.act(case_id, "close", {"note": "撤回"}, role="agent", staff="A-2", expect=403)["action"] == "close"
    assert desk.case(case_id)["status"] == "pending_approval" and tap.of("case_closed") == []
    assert desk.act(case_id, "close", {"note": "撤回"}, role="agent", staff="A-1")["outcome"] == "withdrawn"


def test_a_supervisor_reassigns_a_case_and_the_new_agent_takes_it_over(desk, tap):
    case_id = desk.open(desk.place())["id"]
    assert desk.post(f"/cases/{case_id}/reassign", {"agent": "A-2"}, role="agent", staff="A-1").status_code == 403

    moved = desk.act(case_id, "reassign", {"agent": "A-2", "note": "A-1 今日请假"}, staff="S-1")
    assert moved["assignee"] == "A-2" and moved["opened_by"] == "A-1" and moved["status"] == "pending_approval"
    last = desk.case(case_id)["history"][-1]
    assert (last["action"], last["actor"], last["role"]) == ("reassign", "S-1", "supervisor")
    assert last["detail"] == {"from": "A-1", "to": "A-2", "note": "A-1 今日请假"}
    assert (last["before"]["assignee"], last["after"]["assignee"]) == ("A-1", "A-2")
    assert abs(datetime.fromisoformat(last["at"]) - datetime.fromisoformat(moved["updated_at"])) < timedelta(seconds=1)
    listed = desk.call("GET", "/cases", params={"assignee": "A-2"}).json()["cases"]
    assert [c["id"] for c in listed] == [case_id]

    desk.act(case_id, "notes", {"text": "您好", "kind": "answer"}, role="agent", staff="A-1", expect=403)
    desk.act(case_id, "notes", {"text": "您好", "kind": "answer"}, role="agent", staff="A-2", expect=201)
    assert tap.wait("case_answered")[0]["agent"] == "A-2"

    again = desk.act(case_id, "reassign", {"agent": "A-2"}, expect=409)
    assert (again["error"], again["assignee"]) == ("already_assigned", "A-2")
    desk.act(case_id, "close", role="agent", staff="A-2")
    assert desk.act(case_id, "reassign", {"agent": "A-3"}, expect=409)["error"] == "invalid_transition"
    assert desk.act(case_id, "reassign", {"agent": ""}, expect=400)["fields"] == {
        "agent": ["Length must be between 1 and 64."]}
    assert history(desk, case_id) == ["open", "reassign", "note", "close"]


def test_a_reassigned_case_breaching_its_sla_counts_against_the_new_agent(desk, tap):
    case_id = desk.open(desk.place())["id"]
    desk.act(case_id, "reassign", {"agent": "A-2"})
    deadline = datetime.fromisoformat(desk.case(case_id)["sla"]["deadline"])
    with desk.service.db.unit_of_work() as uow:
        sla_watch.record_breaches(uow, deadline + timedelta(minutes=1))
    assert tap.wait("sla_breached")[0]["agent"] == "A-2"
