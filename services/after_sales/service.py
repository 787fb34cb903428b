"""The after-sales refunds service (售后): agents, supervisors and the warehouse over HTTP,
the order copy kept from the bus, SLA breaches found by a timer."""

from contracts.base import schema
from services.after_sales import duties, holidays, orders, parcels, queries, sla_watch, stuck_parcels, weekly
from services.after_sales.actions import AfterSalesDesk
from services.after_sales.desk import Actor
from services.after_sales.models import Base
from services.after_sales.schemas import (
    NOTE_KINDS, ApproveSchema, CaseQuerySchema, CloseSchema, HolidaySchema, NoteSchema, OpenCaseSchema,
    OrderContextView, ReassignSchema, ReceiveSchema, RejectSchema, ResubmitSchema, ReturnShippedSchema, SecureSchema,
    WeeklyQuerySchema,
)
from services.after_sales.sla import SlaPolicy
from services.after_sales.views import case_view
from shared.messaging.relayed_database import RelayedDatabase
from shared.messaging.consumer import consume_event
from shared.timers import timer
from shared.timeutil import utcnow
from shared.web import Role, api, file_response
from shared.web.standard import StandardEndpoints

READERS = [Role.AGENT, Role.SUPERVISOR, Role.WAREHOUSE, Role.MANAGER]
STAFF = [Role.AGENT, Role.SUPERVISOR]
SLA_CHECK_SECONDS = 10


class AfterSalesService(StandardEndpoints):
    name = "after_sales"
    db = RelayedDatabase(Base)

    # -- the order copy ----------------------------------------------------
    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_order(uow, event["order"])

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_shipped(uow, event)

    @consume_event("shipping_labels", "parcel_delivered")
    def on_parcel_delivered(self, event):
        with self.db.unit_of_work() as uow:
            parcels.parcel_delivered(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_returning")
    def on_parcel_returning(self, event):
        with self.db.unit_of_work() as uow:
            parcels.parcel_returning(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        with self.db.unit_of_work() as uow:
            parcels.parcel_returned(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_stuck")
    def on_parcel_stuck(self, event):
        with self.db.unit_of_work() as uow:
            stuck_parcels.open_stuck_case(uow, event, utcnow())

    @consume_event("order_review", "order_rejected")
    def on_order_rejected(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_rejected(uow, event)

    # -- cases ---------------------------------------------------------------
    def _act(self, request, use_case, *args, status=200):
        """Runs one case action (a desk method) in a unit of work and answers with the case;
        the answer is remembered under the Idempotency-Key for retries."""
        now = utcnow()
        with self.db.unit_of_work() as uow:
            desk = AfterSalesDesk(uow, actor_of(request), now, self.policy())
            return uow.respond(status, case_view(use_case(desk, *args), now))

    def policy(self):
        return SlaPolicy.from_config(self.config)

    @api("POST", "/cases", roles=[Role.AGENT], body=OpenCaseSchema, idempotent=True)
    def open_case(self, request, body):
        return self._act(request, AfterSalesDesk.open, body, status=201)

    @api("GET", "/cases/<int:case_id>", roles=READERS)
    def get_case(self, request, case_id):
        with self.db.read() as session:
            case, history, note = queries.get_case(session, case_id)
            refused = duties.refused(case, actor_of(request), queries.allowed_actions(case), NOTE_KINDS)
            return case_view(case, utcnow(), history, note, refused)

    @api("GET", "/cases", roles=READERS, query=CaseQuerySchema)
    def list_cases(self, request, query):
        now = utcnow()
        with self.db.read() as session:
            found = queries.find_cases(session, now, open_only=query.pop("open"), **query)
            return {"cases": [case_view(case, now) for case in found]}

    @api("GET", "/orders/<order_no>", roles=READERS,
         summary="an order beside its cases: goods, money (what a new case may still ask for), parcel, buyer")
    def get_order(self, request, order_no):
        with self.db.read() as session:
            return schema(OrderContextView).dump(queries.order_context(session, order_no))

    @api("POST", "/cases/<int:case_id>/notes", roles=STAFF, body=NoteSchema, idempotent=True)
    def add_note(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.note, case_id, body, status=201)

    @api("POST", "/cases/<int:case_id>/approve", roles=[Role.SUPERVISOR], body=ApproveSchema, idempotent=True)
    def approve(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.approve, case_id, body)

    @api("POST", "/cases/<int:case_id>/reject", roles=[Role.SUPERVISOR], body=RejectSchema, idempotent=True)
    def reject(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.reject, case_id, body)

    @api("POST", "/cases/<int:case_id>/resubmit", roles=[Role.AGENT], body=ResubmitSchema, idempotent=True)
    def resubmit(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.resubmit, case_id, body)

    @api("POST", "/cases/<int:case_id>/return-shipped", roles=[Role.AGENT], body=ReturnShippedSchema,
         idempotent=True)
    def return_shipped(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.return_shipped, case_id, body)

    @api("POST", "/cases/<int:case_id>/receive", roles=[Role.WAREHOUSE], body=ReceiveSchema, idempotent=True)
    def receive(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.receive, case_id, body)

    @api("POST", "/cases/<int:case_id>/secure", roles=[Role.SUPERVISOR], body=SecureSchema, idempotent=True,
         summary="let a refund waiting for its goods through without the carrier's scan (not its opener; "
                 "who, when and why are recorded)")
    def secure(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.secure, case_id, body)

    @api("POST", "/cases/<int:case_id>/refund", roles=[Role.SUPERVISOR], idempotent=True,
         summary="pay the refund (409 goods_not_secured while the case waits for its goods)")
    def refund(self, request, case_id):
        return self._act(request, AfterSalesDesk.refund, case_id)

    @api("POST", "/cases/<int:case_id>/close", roles=STAFF, body=CloseSchema, idempotent=True)
    def close(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.close, case_id, body)

    @api("POST", "/cases/<int:case_id>/reassign", roles=[Role.SUPERVISOR], body=ReassignSchema, idempotent=True,
         summary="hand an open case to another agent (recorded in its history: who, when, from, to)")
    def reassign(self, request, case_id, body):
        return self._act(request, AfterSalesDesk.reassign, case_id, body)

    # -- SLA calendar, breaches, weekly record table ---------------------------
    @timer(SLA_CHECK_SECONDS, "SLA_CHECK_SECONDS")
    def watch_slas(self):
        with self.db.unit_of_work() as uow:
            sla_watch.record_breaches(uow, utcnow())

    @api("POST", "/holidays", roles=[Role.MANAGER], body=HolidaySchema, idempotent=True)
    def set_holiday(self, request, body):
        with self.db.unit_of_work() as uow:
            return uow.respond(201, holidays.set_holiday(uow, body["day"], body["name"]))

    @api("GET", "/holidays", roles=READERS)
    def list_holidays(self, request):
        with self.db.read() as session:
            return {"holidays": holidays.list_holidays(session)}

    @api("GET", "/reports/weekly", roles=[Role.MANAGER, Role.SUPERVISOR], query=WeeklyQuerySchema)
    def weekly_report(self, request, query):
        start, end = weekly.week_bounds(query["week"], self.policy().calendar().tz)
        with self.db.read() as session:
            table = weekly.weekly_table(query["week"], weekly.load_cases(session, start, end), start, end)
        if query["format"] == "csv":
            return file_response(weekly.as_csv(table), "text/csv", f"after-sales-{query['week']}.csv")
        return table


def actor_of(request):
    return Actor(request.identity.staff_id, request.identity.role)


SERVICE = AfterSalesService
