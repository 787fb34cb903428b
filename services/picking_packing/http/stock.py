"""The warehouse's stock HTTP API (roles warehouse, manager): 入库, 盘点, thresholds, warnings (预警)."""
from services.picking_packing import inventory, stock
from services.picking_packing.schemas import (
    BarcodeSchema, CountSchema, MovementOut, MovementQuery, Paging, ReceiptSchema, StockItemOut, ThresholdSchema,
    path_code,
)
from services.picking_packing.storage import stock as stored
from shared.web import Role, api
from contracts.base import schema

STOCK_ROLES = [Role.WAREHOUSE, Role.MANAGER]


class StockEndpoints:
    """Mixed into the service class (needs `db` and `settings`)."""

    @api("POST", "/stock/receipts", roles=STOCK_ROLES, body=ReceiptSchema, idempotent=True,
         summary="入库: goods received onto the shelves")
    def receive_stock(self, request, body):
        with self.db.unit_of_work() as uow:
            received = inventory.receive(uow, body, request.identity.staff_id, self.settings)
            return uow.respond(201, {"received": received, "stock": self._stock_of(uow.session, received)})

    @api("POST", "/stock/counts", roles=STOCK_ROLES, body=CountSchema, idempotent=True,
         summary="盘点: a stock count; differences become adjustments")
    def post_count(self, request, body):
        with self.db.unit_of_work() as uow:
            differences = inventory.post_count(uow, body, request.identity.staff_id, self.settings)
            return uow.respond(201, {"adjustments": differences,
                                     "stock": self._stock_of(uow.session, [l["sku"] for l in body["lines"]])})

    @api("GET", "/stock/adjustments", roles=STOCK_ROLES, query=MovementQuery, summary="count differences")
    def list_adjustments(self, request, query):
        with self.db.read() as session:
            return {"adjustments": schema(MovementOut, many=True).dump(stored.movements(session, "count", **query))}

    @api("GET", "/stock/receipts", roles=STOCK_ROLES, query=MovementQuery, summary="入库记录: goods received, newest first")
    def list_receipts(self, request, query):
        with self.db.read() as session:
            return {"receipts": schema(MovementOut, many=True).dump(stored.movements(session, "received", **query))}

    @api("GET", "/stock/warnings", roles=STOCK_ROLES, summary="预警: SKUs under their threshold")
    def list_warnings(self, request):
        threshold = self.settings.low_stock_threshold
        with self.db.read() as session:
            items = stored.low_items(session, threshold)
            return {"warnings": [{**shown, "threshold": stock.threshold_of(item, threshold)}
                                 for item, shown in zip(items, _named(session, items))]}

    @api("GET", "/stock", roles=STOCK_ROLES, query=Paging, summary="stock of every SKU")
    def list_stock(self, request, query):
        with self.db.read() as session:
            return {"stock": _named(session, stored.listing(session, query["limit"]))}

    @api("GET", "/stock/<sku>", roles=STOCK_ROLES, summary="one SKU's stock")
    def get_stock(self, request, sku):
        with self.db.read() as session:
            return _named(session, [stock.get(session, sku)])[0]

    @api("PUT", "/stock/<sku>/threshold", roles=STOCK_ROLES, body=ThresholdSchema, summary="per-SKU warning level")
    def set_threshold(self, request, sku, body):
        with self.db.unit_of_work() as uow:
            item = inventory.set_threshold(uow, path_code("sku", sku), body["threshold"], self.settings)
            return _named(uow.session, [item])[0]

    @api("PUT", "/barcodes/<barcode>", roles=STOCK_ROLES, body=BarcodeSchema, summary="map a barcode to a SKU")
    def map_barcode(self, request, barcode, body):
        with self.db.unit_of_work() as uow:
            inventory.map_barcode(uow, path_code("barcode", barcode), body["sku"])
            return {"barcode": barcode, "sku": body["sku"]}

    @staticmethod
    def _stock_of(session, skus):
        return _named(session, stored.rows(session, skus))


def _named(session, items):
    """Stock rows as the API shows them, each with its goods' name (None for a SKU never ordered)."""
    names = stored.names(session, [item.sku for item in items])
    return [{**shown, "name": names.get(shown["sku"])} for shown in schema(StockItemOut, many=True).dump(items)]
