"""The duty rota: a week's view, putting people on duty and taking them off."""
from services.staff_performance import policies, rota
from services.staff_performance.business_days import business_day
from services.staff_performance.http import replies
from services.staff_performance.http.roles import MANAGERS, READERS
from services.staff_performance.schemas import RotaEntrySchema, RotaQuery
from shared.timeutil import utcnow
from shared.web import api
from shared.web.days import path_day


class RotaEndpoints:
    @api("GET", "/rota", roles=READERS, query=RotaQuery)
    def rota_week(self, request, query):
        with self.db.read() as session:
            today = business_day(utcnow())
            return rota.week(session, policies.book(session), query["week"] or today, today)

    @api("PUT", "/rota/<day>/<staff_id>", roles=MANAGERS, body=RotaEntrySchema)
    def put_on_duty(self, request, day, staff_id, body):
        with self.db.unit_of_work() as uow:
            day = path_day(day)
            added = rota.put(uow, policies.book(uow.session).for_day(day), day, replies.staff_id(staff_id),
                             body["start"], body["end"], request.identity.staff_id, business_day(utcnow()))
            return (201 if added else 200), {"day": day.isoformat(), "staff_id": staff_id, "added": added}

    @api("DELETE", "/rota/<day>/<staff_id>", roles=MANAGERS)
    def take_off_duty(self, request, day, staff_id):
        with self.db.unit_of_work() as uow:
            day = path_day(day)
            rota.remove(uow, day, staff_id, business_day(utcnow()))
            return {"day": day.isoformat(), "staff_id": staff_id, "removed": True}
