"""The after-sales refunds service (售后): the order copy kept from the bus, SLA breaches found by a
timer; agents, supervisors and the warehouse over HTTP (http/)."""

from services.after_sales import orders, parcels, sla_watch, stuck_parcels
from services.after_sales.http import AfterSalesHttp
from services.after_sales.models import Base
from services.after_sales.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timers import timer
from shared.timeutil import utcnow

SLA_CHECK_SECONDS = 10


class AfterSalesService(AfterSalesHttp):
    name = "after_sales"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    # -- the order copy ----------------------------------------------------
    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            orders.record_order(uow, event["order"])

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

    # -- SLA breaches ----------------------------------------------------------
    @timer(SLA_CHECK_SECONDS, "SLA_CHECK_SECONDS")
    def watch_slas(self):
        with self.db.unit_of_work() as uow:
            sla_watch.record_breaches(uow, utcnow())


SERVICE = AfterSalesService
