"""The customer retention service (保护库/客户关怀): consumes the order's life from the bus,
serves the pool and the care team over HTTP, and runs its rounds on a timer."""

from services.customer_retention import reactions, rounds
from services.customer_retention.http_care import CareEndpoints
from services.customer_retention.http_pool import PoolEndpoints
from services.customer_retention.models import Base
from services.customer_retention.settings import Settings
from shared.messaging.relayed_database import RelayedDatabase
from shared.messaging.consumer import consume_event
from shared.timers import timer
from shared.timeutil import utcnow
from shared.web.standard import StandardEndpoints


class CustomerRetentionService(PoolEndpoints, CareEndpoints, StandardEndpoints):
    name = "customer_retention"
    db = RelayedDatabase(Base)

    @property
    def settings(self):
        return Settings.from_config(self.config)

    def _react(self, reaction, event):
        with self.db.unit_of_work() as uow:
            reaction(uow, self.settings, event)

    @timer(60, "ROUNDS_SECONDS")
    def make_rounds(self):
        rounds.run(self.db, self.settings, utcnow())

    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        self._react(reactions.order_placed, event)

    @consume_event("storefront", "review_posted")
    def on_review_posted(self, event):
        self._react(reactions.review_posted, event)

    @consume_event("order_review", "order_held")
    def on_order_held(self, event):
        self._react(reactions.order_held, event)

    @consume_event("order_review", "customer_notification_requested")
    def on_customer_notification_requested(self, event):
        self._react(reactions.stock_notice, event)

    @consume_event("picking_packing", "order_out_of_stock")
    def on_order_out_of_stock(self, event):
        self._react(reactions.stock_notice, event)

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        self._react(reactions.order_shipped, event)

    @consume_event("shipping_labels", "parcel_delivered")
    def on_parcel_delivered(self, event):
        self._react(reactions.parcel_delivered, event)

    @consume_event("shipping_labels", "parcel_delivery_failed")
    def on_parcel_delivery_failed(self, event):
        self._react(reactions.parcel_delivery_failed, event)

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        self._react(reactions.parcel_returned_to_sender, event)

    @consume_event("after_sales", "case_opened")
    def on_case_opened(self, event):
        self._react(reactions.case_opened, event)

    @consume_event("after_sales", "return_received")
    def on_return_received(self, event):
        self._react(reactions.return_received, event)

    @consume_event("after_sales", "refund_paid")
    def on_refund_paid(self, event):
        self._react(reactions.refund_paid, event)

    @consume_event("after_sales", "case_closed")
    def on_case_closed(self, event):
        self._react(reactions.case_closed, event)


SERVICE = CustomerRetentionService
