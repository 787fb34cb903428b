"""The weekly record table (售后记录表) over HTTP, as JSON or as a CSV download."""
from services.after_sales.flow import REASONS
from services.after_sales.schemas import WeeklyQuerySchema
from services.after_sales.storage import load_cases
from services.after_sales.weekly import COLUMNS, week_bounds, weekly_table
from shared.web import Role, api, file_response
from shared.web.downloads import csv_text


class ReportEndpoints:
    @api("GET", "/reports/weekly", roles=[Role.MANAGER, Role.SUPERVISOR], query=WeeklyQuerySchema)
    def weekly_report(self, request, query):
        start, end = week_bounds(query["week"], self.settings.calendar().tz)
        with self.db.read() as session:
            table = weekly_table(query["week"], load_cases(session, start, end), start, end)
        if query["format"] == "csv":
            return file_response(as_csv(table), "text/csv", f"after-sales-{query['week']}.csv")
        return table


def as_csv(table):
    return csv_text([COLUMNS] + [
        [row["agent"], row["cases_opened"], row["cases_closed"], row["refunded_amount"], row["sla_decided"],
         row["sla_met"], "" if row["sla_met_pct"] is None else row["sla_met_pct"]]
        + [row["reasons"][r] for r in REASONS] for row in table["rows"]])
