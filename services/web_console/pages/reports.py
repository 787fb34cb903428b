"""The weekly after-sales record table (售后记录表, seed 001: every week, for the department manager) on screen and
as CSV and XLSX, with the SLA breaches of the weeks before it as a chart."""
import re
from datetime import date, timedelta

from services.web_console import tables
from services.web_console.formatting import local_today
from services.web_console.routing import routes

READERS = ("manager", "supervisor")
TOTAL = "TOTAL"
WEEKS_CHARTED = 8
WEEK = re.compile(r"^\d{4}-W\d{2}$")
COLUMNS = [("agent", "weekly.col.agent"), ("cases_opened", "weekly.col.cases_opened"),
           ("cases_closed", "weekly.col.cases_closed"), ("refunded_amount", "weekly.col.refunded_amount"),
           ("sla_decided", "weekly.col.sla_decided"), ("sla_met", "weekly.col.sla_met"),
           ("sla_met_pct", "weekly.col.sla_met_pct")]


def iso_week(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _week(ctx):
    """The week asked for (the service checks it names one), else this week of the desk's calendar."""
    asked = ctx.request.args.get("week", "").strip()
    return asked if WEEK.match(asked) else iso_week(date.fromisoformat(local_today()))


def _monday(week):
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 1)


def shown_rows(ctx, table):
    """The table's rows as the screen and the files show them: the total named, reasons as columns."""
    rows = []
    for row in table["rows"]:
        shown = {**row, "agent": ctx.t("weekly.total") if row["agent"] == TOTAL else row["agent"],
                 "sla_met_pct": "" if row["sla_met_pct"] is None else row["sla_met_pct"]}
        shown.update({f"reason.{reason}": count for reason, count in row["reasons"].items()})
        rows.append(shown)
    return rows


def columns_of(table):
    reasons = list(table["rows"][-1]["reasons"]) if table["rows"] else []
    return COLUMNS + [(f"reason.{reason}", f"reason.{reason}") for reason in reasons]


def breaches_by_week(ctx, week):
    """SLA breaches (first answers decided and not met) of the team, week by week, up to `week`."""
    monday, bars = _monday(week), []
    for back in range(WEEKS_CHARTED - 1, -1, -1):
        shown = iso_week(monday - timedelta(weeks=back))
        total = ctx.api.get("after_sales", "/reports/weekly", week=shown)["rows"][-1]
        breached = total["sla_decided"] - total["sla_met"]
        bars.append({"label": shown[2:], "value": breached, "colour": "red" if breached else "green"})
    return bars


@routes.page("/weekly-report", roles=READERS)
def weekly_report(ctx):
    week = _week(ctx)
    table = ctx.api.get("after_sales", "/reports/weekly", week=week)
    monday = _monday(week)
    return ctx.render("weekly_report.html", table=table, week=week, rows=shown_rows(ctx, table),
                      columns=columns_of(table), kinds=tables.KINDS, breaches=breaches_by_week(ctx, week),
                      previous_week=iso_week(monday - timedelta(weeks=1)),
                      next_week=iso_week(monday + timedelta(weeks=1)))


@routes.page("/weekly-report.<kind>", roles=READERS)
def weekly_report_file(ctx, kind):
    week = _week(ctx)
    table = ctx.api.get("after_sales", "/reports/weekly", week=week)
    return tables.download(ctx, kind, f"after-sales-{week}", columns_of(table), shown_rows(ctx, table),
                           money=("refunded_amount",))
