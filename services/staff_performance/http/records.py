"""The staff register and the department's own records: clock-in readings, leave, daily reports, closing a day."""
from services.staff_performance import policies, register, reports, timesheet
from services.staff_performance.http import replies
from services.staff_performance.http.roles import MANAGERS, READERS
from services.staff_performance.schemas import (
    DailyReportSchema, DaySchema, LeaveSchema, PunchSchema, StaffFilter, StaffQuery, StaffSchema)
from shared.timeutil import utcnow
from shared.web import Role, api
from shared.web.days import path_day
from contracts.base import schema


class RecordEndpoints:
    # -- staff register ---------------------------------------------------
    @api("PUT", "/staff/<staff_id>", roles=MANAGERS, body=StaffSchema)
    def save_staff(self, request, staff_id, body):
        with self.db.unit_of_work() as uow:
            return schema(StaffSchema).dump(register.save_staff(uow, replies.staff_id(staff_id), body))

    @api("GET", "/staff", roles=READERS, query=StaffQuery)
    def list_staff(self, request, query):
        with self.db.read() as session:
            registered = False if query["unregistered"] else None
            found = register.list_staff(session, query["team"], registered)
            return {"staff": schema(StaffSchema, many=True).dump(found)}

    # -- the department's own records ---------------------------------------
    @api("POST", "/punches", roles=[Role.CLOCK], body=PunchSchema)
    def record_punch(self, request, body):
        with self.db.unit_of_work() as uow:
            new = timesheet.record_punch(uow, body["punch_id"], body["staff_id"], body["at"],
                                         request.identity.staff_id, utcnow(), body["direction"],
                                         self.settings.clock_skew)
            return (201 if new else 200), {"punch_id": body["punch_id"], "recorded": new}

    @api("POST", "/leave", roles=MANAGERS, body=LeaveSchema, idempotent=True)
    def request_leave(self, request, body):
        with self.db.unit_of_work() as uow:
            policy = policies.book(uow.session).for_day(body["first_day"])
            leave = timesheet.request_leave(uow, policy, **body, now=utcnow())
            return uow.respond(201, schema(LeaveSchema).dump(leave))

    @api("POST", "/leave/<int:leave_id>/proof", roles=MANAGERS, body=DaySchema)
    def record_leave_proof(self, request, leave_id, body):
        with self.db.unit_of_work() as uow:
            return schema(LeaveSchema).dump(timesheet.record_proof(uow, leave_id, replies.by_today(body["day"])))

    @api("GET", "/leave", roles=READERS, query=StaffFilter)
    def list_leave(self, request, query):
        with self.db.read() as session:
            return {"leave": schema(LeaveSchema, many=True).dump(timesheet.leave_requests(session, query["staff_id"]))}

    @api("PUT", "/daily-reports/<staff_id>/<day>", roles=MANAGERS, body=DailyReportSchema)
    def save_daily_report(self, request, staff_id, day, body):
        with self.db.unit_of_work() as uow:
            report = reports.save_report(uow, replies.staff_id(staff_id), replies.by_today(path_day(day)), body,
                                         request.identity.staff_id)
            return schema(DailyReportSchema).dump(report)

    @api("POST", "/attendance/close", roles=MANAGERS, body=DaySchema)
    def close_day(self, request, body):
        with self.db.unit_of_work() as uow:
            judged = timesheet.close_day(uow, policies.book(uow.session), body["day"], utcnow())
            return {"day": body["day"].isoformat(), "judged": replies.judgements(judged)}
