"""HTTP for the care team and the customer database: tasks, customer records, RFM, cohorts."""

from services.customer_retention import analytics, care, lookup, rfm
from services.customer_retention.schemas import AnalyticsQuery, CompleteTaskSchema, KeyQuery, LookupQuery, TaskQuery
from shared.timeutil import utcnow
from shared.web import Role, api, file_response

SALES, MANAGER, CARE = Role.SALES, Role.MANAGER, Role.CARE
EVERYONE = [SALES, MANAGER, CARE]


class CareEndpoints:

    @api("GET", "/care-tasks", roles=EVERYONE, query=TaskQuery,
         summary="care tasks: mine, the care queue, or all (managers); overdue ones are red")
    def care_tasks(self, request, query):
        view = "mine" if request.identity.role == SALES else query["view"]
        with self.db.read() as session:
            return {"tasks": care.task_list(session, self.settings, utcnow(),
                                            assignee=request.identity.staff_id if view == "mine" else None,
                                            queue=view == "queue",
                                            status=None if query["status"] == "any" else query["status"])}

    @api("POST", "/care-tasks/<int:task_id>/completion", roles=EVERYONE, body=CompleteTaskSchema,
         idempotent=True, summary="complete a care task with its outcome")
    def complete_task(self, request, task_id, body):
        with self.db.unit_of_work() as uow:
            task = care.complete(uow, task_id, request.identity.staff_id, request.identity.role, body["outcome"],
                                 body["notes"], utcnow())
            who = care.contacts(uow.session, [task]).get(task.id)
            return uow.respond(200, care.task_view(task, self.settings, utcnow(), who))

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
            return file_response(analytics.cohort_csv(table), "text/csv", "cohorts.csv")
        return {"cohorts": table}
