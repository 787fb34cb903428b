"""The weekly after-sales record table (售后记录表) for the department manager (business-rules §5):
cases opened and closed, amounts refunded, reasons, and how many first answers met their SLA,
per agent and in total. Weeks are ISO weeks of the team's local calendar."""
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from services.after_sales.flow import REASONS, SERVICE_OPENED
from shared.timeutil import to_iso

TOTAL = "TOTAL"
COLUMNS = ["agent", "cases_opened", "cases_closed", "refunded_amount", "sla_decided", "sla_met", "sla_met_pct"] \
    + [f"reason_{reason}" for reason in REASONS]


def week_bounds(iso_week, tz):
    """'2026-W48' -> (start, end) in UTC of that Monday-to-Monday week in the team's time zone."""
    year, week = iso_week.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    start = datetime.combine(monday, time(0), tz).astimezone(timezone.utc)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tz).astimezone(timezone.utc)


def _row():
    return {"opened": 0, "closed": 0, "refunded": Decimal("0.00"), "decided": 0, "met": 0, "reasons": Counter()}


def weekly_table(iso_week, cases, start, end):
    rows = defaultdict(_row)

    def inside(moment):
        return moment is not None and start <= moment < end

    for case in cases:
        # Opening counts for the agent who opened the case (recovery and stuck-parcel cases are opened by
        # the service: in the total only); its answer, close and refund for the agent it is assigned to (the
        # same person unless a supervisor reassigned it or an agent took it up from the agents' queue).
        openers = (rows[TOTAL],) if case.case_type in SERVICE_OPENED else (rows[case.opened_by], rows[TOTAL])
        for row in openers if inside(case.opened_at) else ():
            row["opened"] += 1
            row["reasons"][case.reason] += 1
        for row in (rows[case.assignee], rows[TOTAL]):
            if inside(case.opened_at) and (case.answered_at is not None or case.sla_breached_at is not None):
                row["decided"] += 1
                row["met"] += bool(case.answered_within_sla)
            row["closed"] += inside(case.closed_at)
            if inside(case.refunded_at):
                row["refunded"] += case.refunded_amount
    rows[TOTAL]   # the total row exists even in an empty week
    agents = sorted(name for name in rows if name != TOTAL) + [TOTAL]
    return {"week": iso_week, "from": to_iso(start), "to": to_iso(end), "rows": [_present(name, rows[name]) for name in agents]}


def _present(agent, row):
    pct = round(100 * row["met"] / row["decided"], 1) if row["decided"] else None
    return {"agent": agent, "cases_opened": row["opened"], "cases_closed": row["closed"],
            "refunded_amount": f"{row['refunded']:.2f}", "sla_decided": row["decided"], "sla_met": row["met"],
            "sla_met_pct": pct, "reasons": {reason: row["reasons"][reason] for reason in REASONS}}

