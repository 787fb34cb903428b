"""The shipping labels service (打单/发货): its consumers and its timer; the endpoints are in http/."""
from services.shipping_labels import changes, labelling, merged_parcels, stuck
from services.shipping_labels.http import ShippingLabelsHttp
from services.shipping_labels.models import Base
from services.shipping_labels.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timers import timer
from shared.timeutil import utcnow

STUCK_CHECK_SECONDS = 3600


class ShippingLabelsService(ShippingLabelsHttp):
    name = "shipping_labels"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            labelling.expect_shipment(uow, event, utcnow())

    @consume_event("order_review", "order_corrected")
    def on_order_corrected(self, event):
        with self.db.unit_of_work() as uow:
            changes.correct_address(uow, self.settings, event, utcnow())

    @consume_event("picking_packing", "parcel_packed")
    def on_parcel_packed(self, event):
        with self.db.unit_of_work() as uow:
            labelling.parcel_packed(uow, self.settings, event)
            merged_parcels.packed_into(uow, event)

    @consume_event("after_sales", "interception_requested")
    def on_interception_requested(self, event):
        with self.db.unit_of_work() as uow:
            changes.record_interception(uow, self.settings, event, event["occurred_at"])

    @consume_event("after_sales", "order_cancelled")
    def on_order_cancelled(self, event):
        with self.db.unit_of_work() as uow:
            changes.cancel(uow, self.settings, event, event["occurred_at"])

    @timer(STUCK_CHECK_SECONDS, "STUCK_CHECK_SECONDS")
    def watch_stuck_parcels(self):
        with self.db.unit_of_work() as uow:
            stuck.report_stuck(uow, self.settings.stuck_after, utcnow())


SERVICE = ShippingLabelsService
