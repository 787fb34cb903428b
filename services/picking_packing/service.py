"""The picking & packing service (配货/打包/称重): stock, pick lists, the scanner API, weighing."""
from services.picking_packing import handed_over, parcel_returns, pick_lists, returned_goods
from services.picking_packing.http import PickingPackingHttp
from services.picking_packing.models import Base
from services.picking_packing.settings import Settings
from shared.messaging.consumer import consume_event
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings


class PickingPackingService(PickingPackingHttp):
    name = "picking_packing"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)

    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            pick_lists.open_pick_list(uow, event, self.settings)

    @consume_event("order_review", "order_rejected")
    def on_order_rejected(self, event):
        with self.db.unit_of_work() as uow:
            pick_lists.cancel(uow, event["order_no"], f"rejected: {event['reason']}", self.settings)

    @consume_event("after_sales", "order_cancelled")
    def on_order_cancelled(self, event):
        with self.db.unit_of_work() as uow:
            pick_lists.cancel(uow, event["order_no"], f"cancelled: {event['reason']}", self.settings)

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


SERVICE = PickingPackingService
