"""The weekly record table (售后记录表) over HTTP, as JSON or as a CSV download."""
from services.after_sales import weekly
from services.after_sales.schemas import WeeklyQuerySchema
from shared.web import Role, api, file_response


class ReportEndpoints:
    @api("GET", "/reports/weekly", roles=[Role.MANAGER, Role.SUPERVISOR], query=WeeklyQuerySchema)
    def weekly_report(self, request, query):
        start, end = weekly.week_bounds(query["week"], self.settings.calendar().tz)
        with self.db.read() as session:
            table = weekly.weekly_table(query["week"], weekly.load_cases(session, start, end), start, end)
        if query["format"] == "csv":
            return file_response(weekly.as_csv(table), "text/csv", f"after-sales-{query['week']}.csv")
        return table
