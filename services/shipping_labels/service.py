"""The shipping labels service."""
from services.shipping_labels import shipping
from services.shipping_labels.models import Base
from shared.db.dependency import Database
from shared.messaging.consumer import consume_event
from shared.web.standard import StandardEndpoints


class ShippingLabelsService(StandardEndpoints):
    name = "shipping_labels"
    db = Database(Base)

    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            shipping.expect_shipment(uow, event)


SERVICE = ShippingLabelsService
