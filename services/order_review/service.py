"""The order review service: consumes the storefront's orders, decides, publishes."""
from services.order_review import review
from services.order_review.models import Base
from shared.db.dependency import Database
from shared.messaging.consumer import consume_event
from shared.web.standard import StandardEndpoints


class OrderReviewService(StandardEndpoints):
    name = "order_review"
    db = Database(Base)

    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            review.receive_order(uow, event["order"])


SERVICE = OrderReviewService
