"""The customer retention service."""
from services.customer_retention import customers
from services.customer_retention.models import Base
from shared.db.dependency import Database
from shared.messaging.consumer import consume_event
from shared.web.standard import StandardEndpoints


class CustomerRetentionService(StandardEndpoints):
    name = "customer_retention"
    db = Database(Base)

    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            customers.record_order(uow, event["order"])


SERVICE = CustomerRetentionService
