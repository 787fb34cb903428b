"""The order review service (审单): reviews every order, holds doubtful ones, serves the reviewers."""
from services.order_review import intake, split, warehouse_news
from services.order_review.http import OrderReviewHttp
from services.order_review.models import Base
from services.order_review.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timeutil import utcnow


class OrderReviewService(OrderReviewHttp):
    name = "order_review"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    # -- orders arriving ---------------------------------------------------
    @consume_event("storefront", "order_placed")
    def on_order_placed(self, event):
        with self.db.unit_of_work() as uow:
            intake.receive_order(uow, event["order"], self.settings, utcnow())

    @consume_event("after_sales", "replacement_ordered")
    def on_replacement_ordered(self, event):
        with self.db.unit_of_work() as uow:
            intake.receive_order(uow, event["order"], self.settings, utcnow())

    # -- news from the warehouse and the couriers --------------------------
    @consume_event("picking_packing", "order_out_of_stock")
    def on_order_out_of_stock(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.goods_short(uow, event, utcnow(), self.settings)

    @consume_event("picking_packing", "stock_reserved")
    def on_stock_reserved(self, event):
        # Nearly every order is reserved at once and has no hold to lift: look first, and take
        # the write lock (and the inbox claim) only for a hold to release. An order released from
        # waiting always takes the write path, so it waits for an out-of-stock notice in flight.
        if not event["was_waiting"]:
            with self.db.read() as session:
                if not warehouse_news.out_of_stock_hold_open(session, event["order_no"]):
                    return
        with self.db.unit_of_work() as uow:
            warehouse_news.goods_reserved(uow, event, utcnow())

    @consume_event("picking_packing", "order_goods_change_refused")
    def on_order_goods_change_refused(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.goods_change_refused(uow, event, utcnow())

    @consume_event("picking_packing", "order_goods_change_taken")
    def on_order_goods_change_taken(self, event):
        with self.db.unit_of_work() as uow:
            split.change_taken(uow, event, utcnow())

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.parcel_returned(uow, event, utcnow())

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.handed_over(uow, event)

    @consume_event("shipping_labels", "parcel_delivered")
    def on_parcel_delivered(self, event):
        with self.db.unit_of_work() as uow:
            warehouse_news.delivered(uow, event)


SERVICE = OrderReviewService
