"""The shop's policy an operator sets (issue 23), driven with chosen times on the service's database: the return
window (RETURN_WINDOW_DAYS) and who approves after it, the update and resolution deadlines in working time with
their colours, breaches recorded once and escalated to the supervisors, and new cases for the agents on duty."""
from datetime import timedelta
from decimal import Decimal

import pytest

from contracts.storefront import OrderPlaced
from services.after_sales import (
    assignment, buyer_requests, deadlines, lookups, orders, parcels, platform_refunds, sla_watch,
)
from services.after_sales.case_actions import Actor
from services.after_sales.cases import AllCaseActions, CaseLifecycle
from services.after_sales.settings import Settings
from shared.errors import PermissionDenied
from tests.after_sales.conftest import storefront_order
from tests.after_sales.test_sla_flow import case, local, outbox, store_order

OPENER, OTHER_AGENT, SUPERVISOR = Actor("A-7", "agent"), Actor("A-8", "agent"), Actor("S-7", "supervisor")
POLICY = Settings()


def act(db, actor, now, use_case, *args, policy=POLICY):
    with db.unit_of_work() as uow:
        return getattr(CaseLifecycle(uow, actor, now, policy), use_case)(*args).id


def delivered_order(db, delivered_at):
    order = OrderPlaced().load(storefront_order())["order"]
    with db.unit_of_work() as uow:
        orders.record_order(uow, order)
        uow.session.flush()
        orders.record_delivered(uow, {"order_no": order["order_no"], "tracking_no": "EE123456785CN",
                                      "delivered_at": delivered_at})
    return order["order_no"]


def open_case(db, now, order_no=None, case_type="refund_only", policy=POLICY, actor=OPENER, **extra):
    order_no = order_no or store_order(db, delivered=False)
    return act(db, actor, now, "open", {
        "order_no": order_no, "case_type": case_type, "reason": "changed_mind", "reason_text": "",
        "lines": [{"sku": "SKU-001", "qty": 1}], "amount": None if case_type == "exchange" else Decimal("59.00"),
        "include_shipping_fee": False, "difficult": False, **extra}, policy=policy)


def watch(db, now, policy=POLICY):
    with db.unit_of_work() as uow:
        sla_watch.record_breaches(uow, now, policy)


def history(db, case_id):
    with db.read() as session:
        return [row.action for row in lookups.get_case(session, case_id)[1]]


# -- the return window ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("case_type", ["return_refund", "exchange"])
def test_return_window_last_moment_inside_an_agent_approves_one_second_later_a_supervisor(after_sales_db, case_type):
    db = after_sales_db
    delivered = local(10, 15, 0)
    inside = open_case(db, delivered + timedelta(days=7), delivered_order(db, delivered), case_type)
    late = open_case(db, delivered + timedelta(days=7, seconds=1), delivered_order(db, delivered), case_type)
    assert case(db, inside).return_window_ends_at == delivered + timedelta(days=7)
    assert act(db, OTHER_AGENT, local(17, 16, 0), "approve", inside, {"note": "七天无理由"}) == inside
    assert case(db, inside).status == "awaiting_return"
    with pytest.raises(PermissionDenied) as refused:
        act(db, OTHER_AGENT, local(17, 16, 0), "approve", late, {"note": ""})
    assert refused.value.code == "outside_return_window"
    assert (refused.value.details["window_days"], refused.value.details["asked_after_days"]) == (7, 8)
    assert case(db, late).status == "pending_approval"
    act(db, SUPERVISOR, local(17, 16, 0), "approve", late, {"note": "主管同意"})
    assert case(db, late).status == "awaiting_return"


def test_return_window_is_the_operators_setting(after_sales_db):
    db = after_sales_db
    delivered = local(10, 15, 0)
    case_id = open_case(db, delivered + timedelta(days=3), delivered_order(db, delivered), "return_refund",
                        policy=Settings(return_window_days=2))
    with pytest.raises(PermissionDenied) as refused:
        act(db, OTHER_AGENT, local(13, 16, 0), "approve", case_id, {"note": ""})
    assert (refused.value.code, refused.value.details["window_days"]) == ("outside_return_window", 2)


def test_an_agent_never_approves_a_refund_without_a_return(after_sales_db):
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0))
    with pytest.raises(PermissionDenied) as refused:
        act(db, OTHER_AGENT, local(24, 9, 5), "approve", case_id, {"note": ""})
    assert refused.value.code == "supervisor_decides"
    assert case(db, case_id).return_window_ends_at is None


# -- updates and resolution ------------------------------------------------------------------------------------
def test_update_every_8_working_hours_missed_once_escalated_and_taken_by_a_supervisor(after_sales_db):
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0))
    act(db, OPENER, local(24, 9, 10), "note", case_id, {"text": "您好，正在处理", "kind": "answer"})
    # 9:10–12:00 and 14:00–18:00 are 6 h 50; the last 1 h 10 from 8:30 the next morning.
    stored = case(db, case_id)
    assert stored.update_due_at == local(25, 9, 40) and stored.update_yellow_at == local(24, 17, 10)
    assert deadlines.view(stored, local(24, 17, 9))["update"]["colour"] == "green"
    assert deadlines.view(stored, local(24, 17, 10))["update"]["colour"] == "yellow"
    act(db, OPENER, local(24, 11, 0), "note", case_id, {"text": "内部备注", "kind": "internal"})
    assert case(db, case_id).update_due_at == local(25, 9, 40)     # an internal note tells the buyer nothing
    watch(db, local(25, 9, 39))
    assert case(db, case_id).update_breached_at is None and case(db, case_id).escalated_at is None
    watch(db, local(25, 9, 40))
    watch(db, local(25, 9, 50))
    missed = case(db, case_id)
    assert (missed.update_breached_at, missed.escalated_for, missed.escalated_at) == (
        local(25, 9, 40), "update", local(25, 9, 40))
    assert deadlines.view(missed, local(25, 9, 50))["update"]["colour"] == "red"
    assert history(db, case_id).count("update_breached") == 1
    [escalated] = outbox(db, "case_escalated")
    assert '"clock": "update"' in escalated and '"agent": "A-7"' in escalated
    with db.read() as session:
        assert [c.id for c in lookups.find_cases(session, local(25, 10, 0), escalated=True)] == [case_id]
    act(db, OPENER, local(25, 10, 0), "note", case_id, {"text": "已联系买家", "kind": "ask_buyer"})
    updated = case(db, case_id)
    assert updated.update_breached_at is None and updated.update_due_at == local(26, 10, 30)
    assert updated.escalation_taken_at is None                       # an agent's update does not take it
    act(db, SUPERVISOR, local(25, 10, 5), "note", case_id, {"text": "主管已跟进", "kind": "internal"})
    taken = case(db, case_id)
    assert (taken.escalation_taken_by, taken.escalation_taken_at) == ("S-7", local(25, 10, 5))
    with db.read() as session:
        assert lookups.find_cases(session, local(25, 10, 6), escalated=True) == []


def test_the_update_clock_stops_while_the_buyer_ships_the_goods_back(after_sales_db):
    db = after_sales_db
    delivered = local(20, 10, 0)
    case_id = open_case(db, local(24, 9, 0), delivered_order(db, delivered), "return_refund")
    act(db, SUPERVISOR, local(24, 9, 5), "approve", case_id, {"note": ""})
    assert case(db, case_id).update_due_at is None
    watch(db, local(30, 9, 0))
    assert case(db, case_id).update_breached_at is None and "update_breached" not in history(db, case_id)


def test_the_update_clock_stops_while_the_platform_executes_the_refund(after_sales_db):
    """refund_pending waits on the platform as awaiting_return waits on the buyer: no update is due meanwhile;
    the platform's refusal brings the case back in hand (the clock starts at the SLA timer's next round), its
    execution resolves it."""
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0))                  # not handed over: approved, then refunded at once
    act(db, SUPERVISOR, local(24, 9, 5), "approve", case_id, {"note": ""})
    assert case(db, case_id).update_due_at is not None        # in hand: the clock runs
    with db.unit_of_work() as uow:
        AllCaseActions(uow, SUPERVISOR, local(24, 9, 10), POLICY).refund(case_id)
    assert (case(db, case_id).status, case(db, case_id).update_due_at) == ("refund_pending", None)
    watch(db, local(25, 10, 0))                               # past 8 working hours after the refund was asked
    waiting = case(db, case_id)
    assert (waiting.update_due_at, waiting.update_breached_at) == (None, None)
    assert "update_breached" not in history(db, case_id)
    with db.unit_of_work() as uow:
        platform_refunds.refund_refused(uow, {"case_id": case_id, "order_no": waiting.order_no, "code": "closed",
                                              "text": "", "refused_at": local(25, 10, 5)}, local(25, 10, 5))
    assert (case(db, case_id).status, case(db, case_id).update_due_at) == ("approved", None)
    watch(db, local(25, 10, 30))
    assert case(db, case_id).update_due_at == local(26, 11, 0)    # 8 working hours from the timer's round
    with db.unit_of_work() as uow:
        AllCaseActions(uow, SUPERVISOR, local(25, 11, 0), POLICY).refund(case_id)
        platform_refunds.refund_executed(uow, {"case_id": case_id, "order_no": waiting.order_no,
                                               "platform_refund_id": "TB-R-1", "amount": Decimal("59.00"),
                                               "executed_at": local(25, 11, 30)}, local(25, 11, 30))
    watch(db, local(30, 9, 0))
    done = case(db, case_id)
    assert (done.status, done.update_due_at, done.resolution_breached_at) == ("refunded", None, None)
    assert deadlines.view(done, local(30, 9, 0))["resolution"]["resolved"] is True


def shipped_order(db, shipped_at):
    order_no = store_order(db, delivered=False)
    with db.unit_of_work() as uow:
        orders.record_shipped(uow, {"order_no": order_no, "tracking_no": "EE123456785CN", "shipped_at": shipped_at})
    return order_no


def test_moved_back_in_hand_by_the_carrier_the_update_clock_starts_at_the_timers_next_round(after_sales_db):
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0), shipped_order(db, local(23, 9, 0)), reason="not_received")
    act(db, SUPERVISOR, local(24, 9, 5), "approve", case_id, {"note": ""})
    assert (case(db, case_id).status, case(db, case_id).update_due_at) == ("awaiting_secured", None)
    with db.unit_of_work() as uow:      # the carrier's scan: intercepted, the goods are secured
        parcels.parcel_returning(uow, {"order_no": case(db, case_id).order_no, "status": "intercepted",
                                       "scanned_at": local(24, 10, 0)}, local(24, 10, 0))
    assert (case(db, case_id).status, case(db, case_id).update_due_at) == ("approved", None)
    watch(db, local(24, 10, 30))
    assert case(db, case_id).update_due_at == local(25, 11, 0)    # 8 working hours from the timer's round
    assert case(db, case_id).update_breached_at is None


def test_resolution_deadline_missed_once_and_escalated(after_sales_db):
    db = after_sales_db
    policy = Settings(resolution_hours=2, update_every_hours=100)
    case_id = open_case(db, local(24, 11, 0), policy=policy)      # 11:00–12:00, then 14:00–15:00
    act(db, OPENER, local(24, 11, 5), "note", case_id, {"text": "您好", "kind": "answer"}, policy=policy)
    assert case(db, case_id).resolution_due_at == local(24, 15, 0)
    watch(db, local(24, 14, 59), policy)
    assert case(db, case_id).resolution_breached_at is None
    watch(db, local(24, 15, 0), policy)
    watch(db, local(24, 16, 0), policy)
    missed = case(db, case_id)
    assert (missed.resolution_breached_at, missed.escalated_for) == (local(24, 15, 0), "resolution")
    assert history(db, case_id).count("resolution_breached") == 1
    assert ['"clock": "resolution"' in body for body in outbox(db, "case_escalated")] == [True]


def test_a_missed_first_answer_escalates_too(after_sales_db):
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0))
    watch(db, local(24, 10, 0))
    assert (case(db, case_id).escalated_for, len(outbox(db, "case_escalated"))) == ("first_answer", 1)


def test_a_late_first_answer_before_the_timer_ran_escalates_once(after_sales_db):
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0))
    act(db, OPENER, local(24, 10, 1), "note", case_id, {"text": "抱歉久等", "kind": "answer"})
    watch(db, local(24, 10, 5))
    assert (case(db, case_id).escalated_for, len(outbox(db, "case_escalated"))) == ("first_answer", 1)


# -- auto-assignment -------------------------------------------------------------------------------------------
def on_duty(db, *staff_ids):
    with db.unit_of_work() as uow:
        for staff_id in staff_ids:
            assignment.put_on_duty(uow, staff_id, "S-7", local(24, 8, 30))


def test_a_case_for_the_agent_on_duty_goes_to_the_least_busy_ties_by_staff_id(after_sales_db):
    db = after_sales_db
    assert case(db, open_case(db, local(24, 9, 0), for_duty_agent=True)).assignee == "agents"   # nobody on duty
    on_duty(db, "A-3", "A-2")
    first = open_case(db, local(24, 9, 1), for_duty_agent=True)
    second = open_case(db, local(24, 9, 2), for_duty_agent=True)
    third = open_case(db, local(24, 9, 3), for_duty_agent=True)
    assert [case(db, c).assignee for c in (first, second, third)] == ["A-2", "A-3", "A-2"]
    act(db, SUPERVISOR, local(24, 9, 4), "close", first, {"note": "撤销"})      # A-2 has 1 open, A-3 has 1
    assert case(db, open_case(db, local(24, 9, 5), for_duty_agent=True)).assignee == "A-2"
    assert case(db, open_case(db, local(24, 9, 6))).assignee == "A-7"           # the opener keeps their own
    with db.read() as session:
        assert [(a["staff_id"], a["open_cases"]) for a in assignment.roster(session)["agents"]] == [
            ("A-2", 2), ("A-3", 1)]


def test_auto_assignment_off_sends_cases_to_the_agents_queue(after_sales_db):
    db = after_sales_db
    on_duty(db, "A-2")
    off = Settings(auto_assign=False)
    assert case(db, open_case(db, local(24, 9, 0), for_duty_agent=True, policy=off)).assignee == "agents"


def apply_as_buyer(db, now, request_id, policy=POLICY):
    with db.unit_of_work() as uow:
        return buyer_requests.open_from_platform(uow, {
            "platform_request_id": request_id, "order_no": store_order(db, delivered=False), "kind": "refund_only",
            "reason": "not_received", "reason_text": "", "lines": [{"sku": "SKU-001", "qty": 1}],
            "amount": Decimal("59.00"), "include_shipping_fee": False, "requested_at": now}, now, policy).id


def test_the_buyers_application_goes_to_the_agent_on_duty_with_its_deadlines(after_sales_db):
    db = after_sales_db
    assert case(db, apply_as_buyer(db, local(24, 9, 0), "TB-1")).assignee == "agents"    # nobody on duty
    on_duty(db, "A-3", "A-2")
    first, second = apply_as_buyer(db, local(24, 9, 1), "TB-2"), apply_as_buyer(db, local(24, 9, 2), "TB-3")
    assert [case(db, c).assignee for c in (first, second)] == ["A-2", "A-3"]
    applied = case(db, first)
    assert (applied.opened_by, applied.update_due_at, applied.resolution_due_at is not None) == (
        "storefront", local(25, 9, 31), True)                # 8 working hours from 9:01, lunch skipped
    off = Settings(auto_assign=False)
    assert case(db, apply_as_buyer(db, local(24, 9, 3), "TB-4", policy=off)).assignee == "agents"


# -- over HTTP on the running service ------------------------------------------------------------------------
def test_roster_deadlines_and_escalation_over_http(desk, tap):
    assert desk.call("PUT", "/roster/A-5", role="agent", key="k-agent").status_code == 403
    too_long = desk.call("PUT", "/roster/" + "A" * 65, role="supervisor", staff="S-1", key="k-long")
    assert too_long.status_code == 422 and "staff_id" in too_long.json()["fields"]
    assert desk.call("PUT", "/roster/" + "A" * 64, role="supervisor", staff="S-1", key="k-64").status_code == 201
    answer = desk.call("PUT", "/roster/A-5", role="supervisor", staff="S-1", key="k-put")
    assert answer.status_code == 201 and answer.json()["next"] == "A-5"     # no open cases; A-5 < AAA…
    assert desk.call("DELETE", "/roster/" + "A" * 64, role="supervisor", staff="S-1", key="k-64d").status_code == 200
    order_no = desk.place()
    body = {"order_no": order_no, "case_type": "refund_only", "reason": "not_received", "amount": "59.00",
            "lines": [{"sku": "SKU-001", "qty": 1}], "for_duty_agent": True}
    opened = desk.post("/cases", body).json()
    assert (opened["assignee"], opened["opened_by"]) == ("A-5", "A-1")
    assert opened["deadlines"]["update"]["colour"] == "green" and opened["deadlines"]["resolution"]["due_at"]
    assert opened["escalation"]["open"] is False and opened["return_window"] is None
    denied = desk.act(opened["id"], "approve", role="agent", staff="A-5", expect=403)
    assert denied["error"] == "supervisor_decides"
    with desk.service.db.unit_of_work() as uow:      # what the timer does, at the first answer's deadline
        sla_watch.record_breaches(uow, lookups.get_case(uow.session, opened["id"])[0].sla_deadline, POLICY)
    assert tap.wait("case_escalated")[0]["clock"] == "first_answer"
    queue = desk.call("GET", "/cases", role="supervisor", staff="S-1", params={"escalated": "true"}).json()["cases"]
    assert [c["id"] for c in queue] == [opened["id"]] and queue[0]["escalation"]["clock"] == "first_answer"
    assert desk.call("DELETE", "/roster/A-5", role="supervisor", staff="S-1", key="k-del").json()["agents"] == []
    assert desk.call("DELETE", "/roster/A-5", role="supervisor", staff="S-1", key="k-del2").status_code == 404
