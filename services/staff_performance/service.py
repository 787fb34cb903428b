"""The staff performance service."""
from services.staff_performance import facts
from services.staff_performance.models import Base
from shared.db.dependency import Database
from shared.messaging.consumer import consume_event
from shared.web.standard import StandardEndpoints


class StaffPerformanceService(StandardEndpoints):
    name = "staff_performance"
    db = Database(Base)

    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            facts.record_fact(uow, event["event_id"], event["reviewer"], "order_reviewed",
                              event["order_no"], event["approved_at"])


SERVICE = StaffPerformanceService
