"""The after-sales refunds service."""
from services.after_sales import orders
from services.after_sales.models import Base
from shared.db.dependency import Database
from shared.messaging.consumer import consume_event
from shared.web.standard import StandardEndpoints


class AfterSalesService(StandardEndpoints):
    name = "after_sales"
    db = Database(Base)

    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_order(uow, event["order"])


SERVICE = AfterSalesService
