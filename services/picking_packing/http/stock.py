"""The warehouse's stock HTTP API (roles warehouse, manager): 入库, 盘点, 调拨, thresholds, warnings (预警),
warehouses and their bins (库位)."""
from services.picking_packing import inventory, stock, stock_levels
from services.picking_packing.schemas import (
    BarcodeSchema, BinCode, BinSchema, BinStockQuery, CountSchema, MovementOut, MovementQuery, Paging, ReceiptSchema,
    StockItemOut, StorefrontLevelOut, ThresholdSchema, TransferSchema, WarehouseSchema, path_code,
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

    @api("POST", "/stock/transfers", roles=STOCK_ROLES, body=TransferSchema, idempotent=True,
         summary="调拨/移库: available goods move from one bin to another (or to another warehouse)")
    def post_transfer(self, request, body):
        with self.db.unit_of_work() as uow:
            moved = inventory.transfer(uow, body, request.identity.staff_id, self.settings)
            return uow.respond(201, {**moved, "stock": self._stock_of(uow.session, [body["sku"]])})

    @api("GET", "/stock/transfers", roles=STOCK_ROLES, query=MovementQuery,
         summary="transfers, newest first: each is a transfer_out and a transfer_in movement")
    def list_transfers(self, request, query):
        with self.db.read() as session:
            return {"transfers": schema(MovementOut, many=True).dump(
                stored.movements(session, ("transfer_out", "transfer_in"), **query))}

    @api("GET", "/stock/bins", roles=STOCK_ROLES, query=BinStockQuery,
         summary="stock by warehouse and bin (库位), in pick route order; empty bins too")
    def list_bin_stock(self, request, query):
        with self.db.read() as session:
            rows = stored.bin_listing(session, query.get("warehouse"), query.get("sku"), query["limit"])
            return {"bins": [{"warehouse": w, "bin": code, "sku": sku, "on_hand": on_hand or 0,
                              "reserved": reserved or 0, "available": (on_hand or 0) - (reserved or 0)}
                             for w, code, sku, on_hand, reserved in rows]}

    @api("GET", "/warehouses", roles=STOCK_ROLES + [Role.SUPERVISOR, Role.PICKER, Role.PACKER],   # a wave, a repack
         summary="warehouses and the provinces they serve")
    def list_warehouses(self, request):
        with self.db.read() as session:
            return {"warehouses": [{"code": w.code, "name": w.name, "rank": w.rank, "provinces": near}
                                   for w, near in stored.warehouses(session)]}

    @api("PUT", "/warehouses/<code>", roles=STOCK_ROLES, body=WarehouseSchema,
         summary="a warehouse, its own rank and its rank per province (lower: nearer; allocation tries it first)")
    def put_warehouse(self, request, code, body):
        with self.db.unit_of_work() as uow:
            return inventory.save_warehouse(uow, path_code("code", code, BinCode), body)

    @api("POST", "/warehouses/<code>/bins", roles=STOCK_ROLES, body=BinSchema,
         summary="a new bin location (库位) in the warehouse, e.g. A-01-03")
    def post_bin(self, request, code, body):
        with self.db.unit_of_work() as uow:
            return uow.respond(201, inventory.add_bin(uow, path_code("code", code, BinCode), body["code"]))

    @api("DELETE", "/warehouses/<code>/bins/<bin_code>", roles=STOCK_ROLES, idempotent=True,
         summary="give up an empty bin (库位撤销; 409 bin_not_empty naming a SKU it holds, bin_default)")
    def delete_bin(self, request, code, bin_code):
        with self.db.unit_of_work() as uow:
            return uow.respond(200, inventory.remove_bin(uow, path_code("code", code, BinCode),
                                                         path_code("bin_code", bin_code, BinCode)))

    @api("DELETE", "/warehouses/<code>", roles=STOCK_ROLES, idempotent=True,
         summary="give up a warehouse with no bins left and no open pick list or wave (409 warehouse_has_bins, "
                 "warehouse_in_use, warehouse_default)")
    def delete_warehouse(self, request, code):
        with self.db.unit_of_work() as uow:
            return uow.respond(200, inventory.remove_warehouse(uow, path_code("code", code, BinCode)))

    @api("GET", "/stock/warnings", roles=STOCK_ROLES, summary="预警: SKUs under their threshold")
    def list_warnings(self, request):
        threshold = self.settings.low_stock_threshold
        with self.db.read() as session:
            items = stored.low_items(session, threshold)
            return {"warnings": [{**shown, "threshold": stock.threshold_of(item, threshold)}
                                 for item, shown in zip(items, _named(session, items))]}

    @api("GET", "/stock", roles=STOCK_ROLES, query=Paging,
         summary="stock of every SKU, with what the storefront was last told (`storefront`: null if never)")
    def list_stock(self, request, query):
        with self.db.read() as session:
            return {"stock": _with_storefront(session, _named(session, stored.listing(session, query["limit"])))}

    @api("GET", "/stock/<sku>", roles=STOCK_ROLES,
         summary="one SKU's stock, with what the storefront was last told (`storefront`: null if never)")
    def get_stock(self, request, sku):
        with self.db.read() as session:
            return _with_storefront(session, _named(session, [stock.get(session, sku)]))[0]

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


def _with_storefront(session, shown):
    """Each shown SKU with `storefront`: the available quantity it was last told and when, or None."""
    told = stock_levels.last_told(session, [item["sku"] for item in shown])
    return [{**item, "storefront": schema(StorefrontLevelOut).dump(told[item["sku"]])
             if item["sku"] in told else None} for item in shown]
