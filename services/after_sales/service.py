"""The after-sales refunds service (售后): the order copy kept from the bus, SLA breaches found by a
timer; agents, supervisors and the warehouse over HTTP (http/)."""

from services.after_sales import (
    buyer_requests, orders, parcels, platform_refunds, sla_watch, splits, stuck_parcels,
)
from services.after_sales.http import AfterSalesHttp
from services.after_sales.models import Base
from services.after_sales.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timers import timer
from shared.timeutil import utcnow

SLA_CHECK_SECONDS = 10
PLATFORM_REFUND_CHECK_SECONDS = 60


class AfterSalesService(AfterSalesHttp):
    name = "after_sales"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    # -- the order copy ----------------------------------------------------
    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_order(uow, event["order"])

    @consume_event("order_review", "order_split")
    def on_order_split(self, event):
        with self.db.unit_of_work() as uow:
            splits.record_split(uow, event)

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_shipped(uow, event)

    @consume_event("shipping_labels", "parcel_delivered")
    def on_parcel_delivered(self, event):
        with self.db.unit_of_work() as uow:
            parcels.parcel_delivered(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_returning")
    def on_parcel_returning(self, event):
        with self.db.unit_of_work() as uow:
            parcels.parcel_returning(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        with self.db.unit_of_work() as uow:
            parcels.parcel_returned(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_stuck")
    def on_parcel_stuck(self, event):
        with self.db.unit_of_work() as uow:
            stuck_parcels.open_stuck_case(uow, event, utcnow())

    @consume_event("order_review", "order_rejected")
    def on_order_rejected(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_rejected(uow, event)

    # -- the platform: the buyer's application, the refunds it executes -------------------------------------
    @consume_event("storefront", "refund_requested")
    def on_refund_requested(self, event):
        with self.db.unit_of_work() as uow:
            buyer_requests.open_from_platform(uow, event, utcnow(), self.settings)

    @consume_event("storefront", "refund_executed")
    def on_refund_executed(self, event):
        with self.db.unit_of_work() as uow:
            platform_refunds.refund_executed(uow, event, utcnow())

    @consume_event("storefront", "refund_refused")
    def on_refund_refused(self, event):
        with self.db.unit_of_work() as uow:
            platform_refunds.refund_refused(uow, event, utcnow())

    @timer(PLATFORM_REFUND_CHECK_SECONDS, "PLATFORM_REFUND_CHECK_SECONDS")
    def watch_platform_refunds(self):
        with self.db.unit_of_work() as uow:
            platform_refunds.flag_unanswered(uow, utcnow(), self.settings.platform_refund_timeout_minutes)

    # -- SLA breaches: the first answer, the updates, the resolution ---------------------------
    @timer(SLA_CHECK_SECONDS, "SLA_CHECK_SECONDS")
    def watch_slas(self):
        with self.db.unit_of_work() as uow:
            sla_watch.record_breaches(uow, utcnow(), self.settings)


SERVICE = AfterSalesService
