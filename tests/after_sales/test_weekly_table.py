"""The weekly after-sales record table (售后记录表, business-rules §5: logged and sent to the
department manager every week): cases opened and closed, refunds, reasons, SLA met %, per agent."""
import csv
import io
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from services.after_sales import platform_refunds, sla_watch
from services.after_sales.case_actions import Actor
from services.after_sales.http import reports as weekly
from services.after_sales.refunds import RefundActions as RefundDesk
from services.after_sales.settings import Settings as SlaPolicy
from shared.timeutil import utcnow
from tests.after_sales.test_sla_flow import AGENT, SUPERVISOR, act, local, open_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def refund(db, case_id, now):
    """Asked of the platform, and executed by it at once."""
    with db.unit_of_work() as uow:
        case = RefundDesk(uow, SUPERVISOR, now, SlaPolicy()).refund(case_id)
        executed = {"case_id": case_id, "order_no": case.order_no, "platform_refund_id": f"TB-RF-{case_id}",
                    "amount": case.amount, "executed_at": now}
    with db.unit_of_work() as uow:
        platform_refunds.refund_executed(uow, executed, now)


def table_for(db, week):
    start, end = weekly.week_bounds(week, SHANGHAI)
    with db.read() as session:
        return weekly.weekly_table(week, weekly.load_cases(session, start, end), start, end)


def test_rule5_weekly_record_table_per_agent_and_total(after_sales_db):
    db = after_sales_db
    met = open_case(db, local(24, 9, 0))
    act(db, SUPERVISOR, local(24, 9, 30), "approve", met, {"note": ""})
    refund(db, met, local(24, 10, 0))
    act(db, AGENT, local(24, 11, 0), "close", met, {"note": ""})
    open_case(db, local(24, 9, 0), reason="damaged")                 # difficult: due 15:00, breached
    with db.unit_of_work() as uow:
        assert len(sla_watch.record_breaches(uow, local(24, 15, 0))) == 1
    other = Actor("A-8", "agent")
    open_case(db, local(25, 9, 0), reason="quality", actor=other)     # still running: not in SLA %
    open_case(db, local(30, 9, 0), reason="quality", actor=other)     # next week

    table = table_for(db, "2026-W48")
    assert table["from"] == "2026-11-22T16:00:00Z" and table["to"] == "2026-11-29T16:00:00Z"
    rows = {row["agent"]: row for row in table["rows"]}
    assert list(rows) == ["A-7", "A-8", "TOTAL"]
    assert {k: rows["A-7"][k] for k in ("cases_opened", "cases_closed", "refunded_amount", "sla_decided",
                                         "sla_met", "sla_met_pct")} == {
        "cases_opened": 2, "cases_closed": 1, "refunded_amount": "59.00", "sla_decided": 2, "sla_met": 1,
        "sla_met_pct": 50.0}
    assert rows["A-7"]["reasons"]["damaged"] == 1 and rows["A-7"]["reasons"]["not_received"] == 1
    assert (rows["A-8"]["cases_opened"], rows["A-8"]["sla_met_pct"]) == (1, None)
    assert (rows["TOTAL"]["cases_opened"], rows["TOTAL"]["refunded_amount"]) == (3, "59.00")

    parsed = list(csv.DictReader(io.StringIO(weekly.as_csv(table))))
    assert [r["agent"] for r in parsed] == ["A-7", "A-8", "TOTAL"]
    assert (parsed[0]["sla_met_pct"], parsed[1]["sla_met_pct"], parsed[2]["reason_damaged"]) == ("50.0", "", "1")


def test_a_reassigned_case_counts_as_opened_by_its_opener_and_answered_by_its_new_agent(after_sales_db):
    db = after_sales_db
    case_id = open_case(db, local(24, 9, 0))
    act(db, SUPERVISOR, local(24, 9, 10), "reassign", case_id, {"agent": "A-8", "note": ""})
    taker = Actor("A-8", "agent")
    act(db, taker, local(24, 9, 20), "note", case_id, {"kind": "answer", "text": "已核实"})
    act(db, taker, local(24, 9, 30), "close", case_id, {"note": ""})
    rows = {row["agent"]: row for row in table_for(db, "2026-W48")["rows"]}
    figures = ("cases_opened", "cases_closed", "sla_decided", "sla_met")
    assert {agent: [rows[agent][k] for k in figures] for agent in rows} == {
        "A-7": [1, 0, 0, 0], "A-8": [0, 1, 1, 1], "TOTAL": [1, 1, 1, 1]}
    assert (rows["A-7"]["reasons"]["not_received"], rows["A-8"]["reasons"]["not_received"]) == (1, 0)


def test_weekly_table_and_holidays_over_http(desk):
    holiday = desk.post("/holidays", {"day": "2026-10-01", "name": "国庆节"}, role="manager", staff="M-1")
    assert holiday.status_code == 201
    assert desk.call("GET", "/holidays").json()["holidays"] == [{"day": "2026-10-01", "name": "国庆节"}]
    case_id = desk.open(desk.place())["id"]
    desk.act(case_id, "approve")
    desk.pay(case_id)
    year, week, _ = utcnow().astimezone(SHANGHAI).isocalendar()
    iso_week = f"{year}-W{week:02d}"
    as_json = desk.call("GET", "/reports/weekly", role="manager", params={"week": iso_week}).json()
    assert as_json["rows"][0]["agent"] == "A-1" and as_json["rows"][0]["refunded_amount"] == "59.00"
    as_csv = desk.call("GET", "/reports/weekly", role="manager", params={"week": iso_week, "format": "csv"})
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(as_csv.text)))[-1]["sla_met"] == "1"
    assert desk.call("GET", "/reports/weekly", role="agent", params={"week": iso_week}).status_code == 403
    assert desk.call("GET", "/reports/weekly", role="manager", params={"week": "2026-48"}).status_code == 400


def test_a_recovery_case_counts_in_the_total_not_for_the_carrier_who_told_of_the_delivery():
    start = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
    case = SimpleNamespace(case_type="recovery", opened_by="carrier", assignee="supervisors",
                           reason="delivered_after_refund", opened_at=start + timedelta(days=1), closed_at=None,
                           refunded_at=None, answered_at=None, sla_breached_at=None, answered_within_sla=None)
    table = weekly.weekly_table("2026-W48", [case], start, start + timedelta(days=7))
    rows = {row["agent"]: row for row in table["rows"]}
    assert "carrier" not in rows and rows["TOTAL"]["cases_opened"] == 1
