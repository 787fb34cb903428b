"""The customer retention service (保护库/客户关怀): consumes the order's life from the bus and runs its
rounds on a timer; its HTTP API (the pool and the care team) is in http/."""

from services.customer_retention import reactions, rounds
from services.customer_retention.http import CustomerRetentionHttp
from services.customer_retention.models import Base
from services.customer_retention.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timers import timer
from shared.timeutil import utcnow


class CustomerRetentionService(CustomerRetentionHttp):
    name = "customer_retention"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    @timer(60, "ROUNDS_SECONDS")
    def make_rounds(self):
        rounds.run(self.db, self.settings, utcnow())

    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            reactions.order_placed(uow, self.settings, event)

    @consume_event("order_review", "order_split")
    def on_order_split(self, event):
        with self.db.unit_of_work() as uow:
            reactions.order_split(uow, self.settings, event)

    @consume_event("storefront", "review_posted")
    def on_review_posted(self, event):
        with self.db.unit_of_work() as uow:
            reactions.review_posted(uow, self.settings, event)

    @consume_event("order_review", "order_held")
    def on_order_held(self, event):
        with self.db.unit_of_work() as uow:
            reactions.order_held(uow, self.settings, event)

    @consume_event("order_review", "customer_notification_requested")
    def on_customer_notification_requested(self, event):
        with self.db.unit_of_work() as uow:
            reactions.stock_notice(uow, self.settings, event)

    @consume_event("picking_packing", "order_out_of_stock")
    def on_order_out_of_stock(self, event):
        with self.db.unit_of_work() as uow:
            reactions.stock_notice(uow, self.settings, event)

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        with self.db.unit_of_work() as uow:
            reactions.order_shipped(uow, self.settings, event)

    @consume_event("shipping_labels", "parcel_delivered")
    def on_parcel_delivered(self, event):
        with self.db.unit_of_work() as uow:
            reactions.parcel_delivered(uow, self.settings, event)

    @consume_event("shipping_labels", "parcel_delivery_failed")
    def on_parcel_delivery_failed(self, event):
        with self.db.unit_of_work() as uow:
            reactions.parcel_delivery_failed(uow, self.settings, event)

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        with self.db.unit_of_work() as uow:
            reactions.parcel_returned_to_sender(uow, self.settings, event)

    @consume_event("after_sales", "case_opened")
    def on_case_opened(self, event):
        with self.db.unit_of_work() as uow:
            reactions.case_opened(uow, self.settings, event)

    @consume_event("after_sales", "return_received")
    def on_return_received(self, event):
        with self.db.unit_of_work() as uow:
            reactions.return_received(uow, self.settings, event)

    @consume_event("after_sales", "refund_paid")
    def on_refund_paid(self, event):
        with self.db.unit_of_work() as uow:
            reactions.refund_paid(uow, self.settings, event)

    @consume_event("after_sales", "case_closed")
    def on_case_closed(self, event):
        with self.db.unit_of_work() as uow:
            reactions.case_closed(uow, self.settings, event)


SERVICE = CustomerRetentionService
