"""Picking & packing's HTTP API, one module per area: the floor (the fixed scanner API, pick lists, tasks),
the stock desk, parcels returned to sender, and waves (波次)."""
from services.picking_packing.http.floor import FloorEndpoints
from services.picking_packing.http.merges import MergeEndpoints
from services.picking_packing.http.returns import ParcelReturnEndpoints
from services.picking_packing.http.stock import StockEndpoints
from services.picking_packing.http.waves import WaveEndpoints
from shared.web.standard import StandardEndpoints


class PickingPackingHttp(StandardEndpoints, StockEndpoints, FloorEndpoints, ParcelReturnEndpoints,
                         WaveEndpoints, MergeEndpoints):
    """Every endpoint of the service (needs `db` and `settings`): the service class inherits it."""
