"""The holiday calendar over HTTP: managers keep it, every reader sees it."""
from services.after_sales import holidays
from services.after_sales.http.cases import READERS
from services.after_sales.schemas import HolidaySchema
from shared.web import Role, api


class HolidayEndpoints:
    @api("POST", "/holidays", roles=[Role.MANAGER], body=HolidaySchema, idempotent=True)
    def set_holiday(self, request, body):
        with self.db.unit_of_work() as uow:
            return uow.respond(201, holidays.set_holiday(uow, body["day"], body["name"]))

    @api("GET", "/holidays", roles=READERS)
    def list_holidays(self, request):
        with self.db.read() as session:
            return {"holidays": holidays.list_holidays(session)}
