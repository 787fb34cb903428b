"""Cases over HTTP: agents open and work them, supervisors decide, the warehouse receives returns; every
reader sees a case with its history, the filtered queue and an order beside its cases."""
from contracts.base import schema
from services.after_sales import duties, lookups
from services.after_sales.case_actions import Actor
from services.after_sales.cases import AllCaseActions
from services.after_sales.schemas import (
    NOTE_KINDS, ApproveSchema, CaseQuerySchema, CloseSchema, NoteSchema, OpenCaseSchema, OrderContextView,
    ReassignSchema, ReceiveSchema, RejectSchema, ResubmitSchema, ReturnShippedSchema, SecureSchema,
)
from services.after_sales.replies import case_reply
from shared.timeutil import utcnow
from shared.web import Role, api

READERS = [Role.AGENT, Role.SUPERVISOR, Role.WAREHOUSE, Role.MANAGER]
STAFF = [Role.AGENT, Role.SUPERVISOR]


class CaseEndpoints:
    def _act(self, request, use_case, *args, status=200):
        """Runs one case action (a method of AllCaseActions) in a unit of work and answers with the case;
        the answer is remembered under the Idempotency-Key for retries."""
        now = utcnow()
        with self.db.unit_of_work() as uow:
            actions = AllCaseActions(uow, actor_of(request), now, self.settings)
            return uow.respond(status, case_reply(use_case(actions, *args), now))

    @api("POST", "/cases", roles=[Role.AGENT], body=OpenCaseSchema, idempotent=True)
    def open_case(self, request, body):
        return self._act(request, AllCaseActions.open, body, status=201)

    @api("GET", "/cases/<int:case_id>", roles=READERS)
    def get_case(self, request, case_id):
        with self.db.read() as session:
            case, history, note = lookups.get_case(session, case_id)
            refused = duties.refused(case, actor_of(request), lookups.allowed_actions(case), NOTE_KINDS)
            return case_reply(case, utcnow(), history, note, refused)

    @api("GET", "/cases", roles=READERS, query=CaseQuerySchema)
    def list_cases(self, request, query):
        now = utcnow()
        with self.db.read() as session:
            found = lookups.find_cases(session, now, open_only=query.pop("open"), **query)
            return {"cases": [case_reply(case, now) for case in found]}

    @api("GET", "/orders/<order_no>", roles=READERS,
         summary="an order beside its cases: goods, money (what a new case may still ask for), parcel, buyer")
    def get_order(self, request, order_no):
        with self.db.read() as session:
            return schema(OrderContextView).dump(lookups.order_context(session, order_no))

    @api("POST", "/cases/<int:case_id>/notes", roles=STAFF, body=NoteSchema, idempotent=True)
    def add_note(self, request, case_id, body):
        return self._act(request, AllCaseActions.note, case_id, body, status=201)

    @api("POST", "/cases/<int:case_id>/approve", roles=STAFF, body=ApproveSchema, idempotent=True,
         summary="approve (an agent only a return or exchange within the shop's return window: 403 "
                 "outside_return_window, supervisor_decides)")
    def approve(self, request, case_id, body):
        return self._act(request, AllCaseActions.approve, case_id, body)

    @api("POST", "/cases/<int:case_id>/reject", roles=[Role.SUPERVISOR], body=RejectSchema, idempotent=True)
    def reject(self, request, case_id, body):
        return self._act(request, AllCaseActions.reject, case_id, body)

    @api("POST", "/cases/<int:case_id>/resubmit", roles=[Role.AGENT], body=ResubmitSchema, idempotent=True)
    def resubmit(self, request, case_id, body):
        return self._act(request, AllCaseActions.resubmit, case_id, body)

    @api("POST", "/cases/<int:case_id>/return-shipped", roles=[Role.AGENT], body=ReturnShippedSchema,
         idempotent=True)
    def return_shipped(self, request, case_id, body):
        return self._act(request, AllCaseActions.return_shipped, case_id, body)

    @api("POST", "/cases/<int:case_id>/receive", roles=[Role.WAREHOUSE], body=ReceiveSchema, idempotent=True)
    def receive(self, request, case_id, body):
        return self._act(request, AllCaseActions.receive, case_id, body)

    @api("POST", "/cases/<int:case_id>/secure", roles=[Role.SUPERVISOR], body=SecureSchema, idempotent=True,
         summary="let a refund waiting for its goods through without the carrier's scan (not its opener; "
                 "who, when and why are recorded)")
    def secure(self, request, case_id, body):
        return self._act(request, AllCaseActions.secure, case_id, body)

    @api("POST", "/cases/<int:case_id>/refund", roles=[Role.SUPERVISOR], idempotent=True,
         summary="pay the refund (409 goods_not_secured while the case waits for its goods)")
    def refund(self, request, case_id):
        return self._act(request, AllCaseActions.refund, case_id)

    @api("POST", "/cases/<int:case_id>/close", roles=STAFF, body=CloseSchema, idempotent=True)
    def close(self, request, case_id, body):
        return self._act(request, AllCaseActions.close, case_id, body)

    @api("POST", "/cases/<int:case_id>/reassign", roles=[Role.SUPERVISOR], body=ReassignSchema, idempotent=True,
         summary="hand an open case to another agent (recorded in its history: who, when, from, to)")
    def reassign(self, request, case_id, body):
        return self._act(request, AllCaseActions.reassign, case_id, body)


def actor_of(request):
    return Actor(request.identity.staff_id, request.identity.role)
