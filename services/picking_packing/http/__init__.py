"""Picking & packing's HTTP API, one module per area: the floor (the fixed scanner API, pick lists, tasks),
the stock desk, and parcels returned to sender."""
from services.picking_packing.http.floor import FloorEndpoints
from services.picking_packing.http.returns import ParcelReturnEndpoints
from services.picking_packing.http.stock import StockEndpoints
from shared.web.standard import StandardEndpoints


class PickingPackingHttp(StandardEndpoints, StockEndpoints, FloorEndpoints, ParcelReturnEndpoints):
    """Every endpoint of the service (needs `db` and `settings`): the service class inherits it."""
