"""The picking & packing service."""
from services.picking_packing import picking
from services.picking_packing.models import Base
from shared.db.dependency import Database
from shared.messaging.consumer import consume_event
from shared.web.standard import StandardEndpoints


class PickingPackingService(StandardEndpoints):
    name = "picking_packing"
    db = Database(Base)

    @consume_event("order_review", "order_approved")
    def on_order_approved(self, event):
        with self.db.unit_of_work() as uow:
            picking.open_pick_list(uow, event)


SERVICE = PickingPackingService
