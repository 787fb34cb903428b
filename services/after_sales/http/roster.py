"""The duty roster over HTTP (assignment.py): a supervisor puts agents on duty and takes them off; every reader
sees who is on duty, their open cases, and who the next case goes to."""
from contracts.base import schema
from services.after_sales import assignment
from services.after_sales.http.cases import READERS
from services.after_sales.schemas import RosterView
from shared.timeutil import utcnow
from shared.web import Role, api


class RosterEndpoints:
    @api("GET", "/roster", roles=READERS, summary="the agents on duty, their open cases, who gets the next case")
    def get_roster(self, request):
        with self.db.read() as session:
            return schema(RosterView).dump(assignment.roster(session))

    @api("PUT", "/roster/<staff_id>", roles=[Role.SUPERVISOR], idempotent=True,
         summary="put an agent on duty: new cases for an agent on duty may go to them")
    def put_on_duty(self, request, staff_id):
        with self.db.unit_of_work() as uow:
            added = assignment.put_on_duty(uow, staff_id, request.identity.staff_id, utcnow())
            return uow.respond(201 if added else 200, schema(RosterView).dump(assignment.roster(uow.session)))

    @api("DELETE", "/roster/<staff_id>", roles=[Role.SUPERVISOR], idempotent=True,
         summary="take an agent off duty (their open cases stay theirs; 404 not_on_roster)")
    def take_off_duty(self, request, staff_id):
        with self.db.unit_of_work() as uow:
            assignment.take_off_duty(uow, staff_id)
            return uow.respond(200, schema(RosterView).dump(assignment.roster(uow.session)))
