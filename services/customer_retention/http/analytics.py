"""HTTP for the customer database: customers with RFM, one customer's record, the lookup before a
claim, merged names, repeat purchase and cohorts (JSON or CSV)."""

from services.customer_retention import analytics, lookup, rfm
from services.customer_retention.schemas import AnalyticsQuery, KeyQuery, LookupQuery
from shared.timeutil import utcnow
from shared.web import Role, api, file_response
from shared.web.downloads import csv_text

SALES, MANAGER, CARE = Role.SALES, Role.MANAGER, Role.CARE
EVERYONE = [SALES, MANAGER, CARE]


class AnalyticsHttp:

    @api("GET", "/customers", roles=EVERYONE, query=AnalyticsQuery, summary="customers with RFM scores")
    def customers(self, request, query):
        with self.db.read() as session:
            return analytics.rfm_report(session, query["as_of"] or utcnow(), segment=query.get("segment"))

    @api("GET", "/customers/record", roles=EVERYONE, query=KeyQuery,
         summary="one customer's record: buyers, orders, timeline, merged names, holder, RFM")
    def customer_record(self, request, query):
        with self.db.read() as session:
            return analytics.customer_record(session, query["customer_key"], utcnow())

    @api("GET", "/customers/lookup", roles=EVERYONE, query=LookupQuery,
         summary="known customers a name, phone or key prefix may mean (look before claiming: a typo must not "
                 "make a second customer)")
    def lookup_customers(self, request, query):
        with self.db.read() as session:
            return {"customers": lookup.find_customers(session, query["q"])}

    @api("GET", "/customers/merged-names", roles=EVERYONE, summary="registered names merged into one customer")
    def merged_names(self, request):
        with self.db.read() as session:
            return {"merged": analytics.merged_names(session)}

    @api("GET", "/analytics/repeat-purchase", roles=[MANAGER, CARE], summary="repeat-purchase rate")
    def repeat_purchase(self, request):
        with self.db.read() as session:
            rate = rfm.repeat_purchase_rate(analytics.purchases(session))
        return {**rate, "repeat_purchase_rate": str(rate["repeat_purchase_rate"])}

    @api("GET", "/analytics/cohorts", roles=[MANAGER, CARE], query=AnalyticsQuery,
         summary="cohort retention by first-order month (format=json|csv)")
    def cohorts(self, request, query):
        with self.db.read() as session:
            table = rfm.cohorts(analytics.purchases(session))
        if query["format"] == "csv":
            return file_response(cohort_csv(table), "text/csv", "cohorts.csv")
        return {"cohorts": table}


def cohort_csv(table):
    """The cohort table for spreadsheets (cells that look like formulas are kept as text)."""
    return csv_text(rfm.cohort_csv_rows(table), lineterminator="\n")
