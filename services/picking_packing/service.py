"""The picking & packing service (配货/打包/称重): stock, pick lists, the scanner API, weighing; stock levels
back to the storefront on a timer; merge offers standing merged on a timer when MERGE_AUTOMATIC (合单)."""
from services.picking_packing import handed_over, merging, parcel_returns, pick_lists, returned_goods, stock_levels
from services.picking_packing.http import PickingPackingHttp
from services.picking_packing.models import Base
from services.picking_packing.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.timers import timer
from shared.timeutil import utcnow

STOCK_LEVELS_DEBOUNCE_SECONDS = 5   # at most one round of stock levels to the storefront this often
MERGE_ROUNDS_SECONDS = 60           # MERGE_AUTOMATIC: how often standing offers are merged (合单)


class PickingPackingService(PickingPackingHttp):
    name = "picking_packing"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            pick_lists.open_pick_list(uow, event, self.settings)
            merging.remember(uow, event)
            merging.merge_on_arrival(uow, event["order_no"], self.settings, utcnow())

    @consume_event("order_review", "order_goods_changed")
    def on_order_goods_changed(self, event):
        with self.db.unit_of_work() as uow:
            merging.goods_changed(uow, pick_lists.change_goods(uow, event, self.settings), utcnow())

    @consume_event("order_review", "order_corrected")
    def on_order_corrected(self, event):
        with self.db.unit_of_work() as uow:
            merging.readdressed(uow, event, utcnow())

    @consume_event("order_review", "order_rejected")
    def on_order_rejected(self, event):
        with self.db.unit_of_work() as uow:
            pick_lists.cancel(uow, event["order_no"], f"rejected: {event['reason']}", self.settings)
            merging.dissolve(uow, event["order_no"], "rejected", utcnow())

    @consume_event("after_sales", "order_cancelled")
    def on_order_cancelled(self, event):
        with self.db.unit_of_work() as uow:
            pick_lists.cancel(uow, event["order_no"], f"cancelled: {event['reason']}", self.settings)
            merging.dissolve(uow, event["order_no"], "cancelled", utcnow())

    @consume_event("shipping_labels", "order_shipped")
    def on_order_shipped(self, event):
        with self.db.unit_of_work() as uow:
            handed_over.shipped(uow, event)

    @consume_event("after_sales", "return_received")
    def on_return_received(self, event):
        with self.db.unit_of_work() as uow:
            returned_goods.receive_return(uow, event)

    @consume_event("shipping_labels", "parcel_returned_to_sender")
    def on_parcel_returned_to_sender(self, event):
        with self.db.unit_of_work() as uow:
            parcel_returns.expect(uow, event)

    @timer(STOCK_LEVELS_DEBOUNCE_SECONDS, "STOCK_LEVELS_DEBOUNCE_SECONDS")
    def tell_storefront_stock_levels(self):
        with self.db.read() as session:   # most rounds find nothing: no write transaction for them
            if not stock_levels.anything_to_tell(session):
                return
        with self.db.unit_of_work() as uow:
            stock_levels.tell_storefront(uow, utcnow())

    @timer(MERGE_ROUNDS_SECONDS, "MERGE_ROUNDS_SECONDS")
    def merge_standing_offers(self):
        with self.db.read() as session:
            standing = merging.standing_offers(session, self.settings)
        for order_nos in standing:   # one transaction each: a refused offer leaves the others be
            with self.db.unit_of_work() as uow:
                merging.merge_standing(uow, order_nos, self.settings, utcnow())


SERVICE = PickingPackingService
