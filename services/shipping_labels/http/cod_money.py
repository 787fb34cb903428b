"""COD money over HTTP (issue 18 items 5, 6): importing a courier's remittance statement, the
reconciliation, and the monthly report as JSON, CSV or XLSX."""
from services.shipping_labels import remittance, replies
from services.shipping_labels.cod_report import AMOUNTS, COLUMNS, build, spreadsheet_rows
from services.shipping_labels.http.roles import COD_MONEY
from services.shipping_labels.http.uploads import upload_of
from services.shipping_labels.schemas import CarrierQuery, CodReportQuery, StatementQuery
from services.shipping_labels.storage import remittances
from shared.timeutil import utcnow
from shared.web import api, file_response, spreadsheets
from shared.web.downloads import csv_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def as_csv(report):
    return csv_text(report["rows"], COLUMNS)


def as_xlsx(report):
    """Amounts as numbers (they add up in the spreadsheet), the rest as text made safe (spreadsheets.py)."""
    return spreadsheets.xlsx_bytes(f"COD {report['month']}", COLUMNS, spreadsheet_rows(report), money_columns=AMOUNTS)


class CodMoneyEndpoints:
    @api("POST", "/remittances", roles=COD_MONEY, query=StatementQuery,
         summary="import a courier's remittance statement, CSV or XLSX (multipart `file`, or the raw file)")
    def import_remittance(self, request, query):
        upload = upload_of(request, self.settings.statement_limits.max_bytes, query["filename"])
        now = utcnow()
        with self.db.unit_of_work() as uow:
            statement, created = remittance.import_statement(uow, self.settings, query["carrier"], upload,
                                                             request.identity.staff_id, now)
            result = remittance.reconcile(uow.session, self.settings, query["carrier"], now)
            return 201 if created else 200, replies.import_view(statement, created, result)

    @api("GET", "/remittances/reconciliation", roles=COD_MONEY, query=CarrierQuery,
         summary="what is missing, short, over, unexpected or remitted twice, and what is owed, aged in colour")
    def remittance_reconciliation(self, request, query):
        now, carrier = utcnow(), self.settings.carriers.known_carrier(query["carrier"])
        with self.db.read() as session:
            result = remittance.reconcile(session, self.settings, carrier, now)
            return replies.reconciliation_view(carrier, result, self.settings.remittance_ageing, now,
                                                        remittances.recent_statements(session, carrier))

    @api("GET", "/reports/cod-monthly", roles=COD_MONEY, query=CodReportQuery,
         summary="回款及退回统计报表: per carrier per month, JSON, CSV or XLSX")
    def cod_monthly_report(self, request, query):
        known = self.settings.carriers
        carriers = [known.known_carrier(query["carrier"])] if query["carrier"] else known.cod_carriers()
        with self.db.read() as session:
            report = build(session, self.settings, query["month"], carriers, utcnow())
        name = f"cod-{query['month']}"
        if query["format"] == "csv":
            return file_response(as_csv(report), "text/csv", f"{name}.csv")
        if query["format"] == "xlsx":
            return file_response(as_xlsx(report), XLSX, f"{name}.xlsx")
        return report
