"""After-sales over HTTP: the case pages' endpoints, the holiday calendar, the weekly report and the duty roster,
joined in one class the service inherits."""
from services.after_sales.http.cases import CaseEndpoints
from services.after_sales.http.holidays import HolidayEndpoints
from services.after_sales.http.reports import ReportEndpoints
from services.after_sales.http.roster import RosterEndpoints
from shared.web.standard import StandardEndpoints


class AfterSalesHttp(CaseEndpoints, HolidayEndpoints, ReportEndpoints, RosterEndpoints, StandardEndpoints):
    pass
