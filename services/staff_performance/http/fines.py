"""Fines a manager records, their ledger with interest, notice and payments; the policy's versions."""
from services.staff_performance import fines, policies
from services.staff_performance.business_days import business_day
from services.staff_performance.http import replies
from services.staff_performance.http.roles import MANAGERS, READERS
from services.staff_performance.schemas import AsOfQuery, DaySchema, FineIssueSchema, FineSchema, PaymentSchema, \
    PolicyVersionSchema
from shared.timeutil import utcnow
from shared.web import api
from contracts.base import schema


class FineEndpoints:
    @api("POST", "/fines", roles=MANAGERS, body=FineIssueSchema, idempotent=True)
    def issue_fine(self, request, body):
        with self.db.unit_of_work() as uow:
            policy = policies.book(uow.session).for_day(replies.by_today(body["day"]))
            fine = fines.issue(uow, policy, by=request.identity.staff_id, **body)
            return uow.respond(201, schema(FineSchema).dump(fine))

    @api("GET", "/fines", roles=READERS, query=AsOfQuery)
    def fine_ledger(self, request, query):
        with self.db.read() as session:
            return replies.ledger(session, query["staff_id"], query["as_of"] or business_day(utcnow()))

    @api("POST", "/fines/<int:fine_id>/notice", roles=MANAGERS, body=DaySchema)
    def give_notice(self, request, fine_id, body):
        with self.db.unit_of_work() as uow:
            return schema(FineSchema).dump(fines.give_notice(uow, fine_id, replies.by_today(body["day"])))

    @api("POST", "/fines/<int:fine_id>/payments", roles=MANAGERS, body=PaymentSchema, idempotent=True)
    def pay_fine(self, request, fine_id, body):
        with self.db.unit_of_work() as uow:
            fine = fines.get(uow.session, fine_id)
            policy = policies.book(uow.session).for_day(fine.day)
            fines.pay(uow, policy, fine_id, body["amount"], replies.by_today(body["day"]), request.identity.staff_id)
            return uow.respond(201, replies.fine_line(uow.session, policy, fine, body["day"]))


class PolicyEndpoints:
    @api("GET", "/policies", roles=READERS)
    def list_policies(self, request):
        with self.db.read() as session:
            return {"versions": policies.describe(policies.book(session))}

    @api("POST", "/policies", roles=MANAGERS, body=PolicyVersionSchema)
    def add_policy(self, request, body):
        with self.db.unit_of_work() as uow:
            row = policies.add_version(uow, body["effective_from"], body["changes"], request.identity.staff_id)
            return 201, {"version": f"v{row.id}", "effective_from": row.effective_from.isoformat()}
