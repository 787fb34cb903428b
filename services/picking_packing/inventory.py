"""The warehouse's stock use cases (入库, 盘点, 调拨, 预警, warehouses and bins) and what happens when goods come
onto the shelf. A receipt, count or transfer names its bins (warehouse and location code); one that names
none uses the default bin (MAIN / DEFAULT), as before warehouses."""
from services.picking_packing import allocation, stock
from services.picking_packing.models import DEFAULT_BIN, DEFAULT_WAREHOUSE
from services.picking_packing.storage import pick_lists as stored_lists, stock as stored, waves as stored_waves
from shared.errors import Conflict, NotFound
from shared.timeutil import utcnow


def restocked(uow, quantities, reason, settings):
    """Goods became available: announce them, then serve waiting orders first come, first served."""
    for sku, qty in sorted(quantities.items()):
        uow.publish("stock_restocked", {"sku": sku, "qty": qty, "reason": reason}, aggregate_id=sku)
    uow.session.flush()
    allocation.serve_waiting(uow, settings)
    stock.check_low(uow, quantities, settings.low_stock_threshold)


def place(session, given, default=(DEFAULT_WAREHOUSE, DEFAULT_BIN)):
    """(warehouse, bin) a request names (its `warehouse` and `bin` keys, else `default`); 404 if unknown."""
    warehouse, code = given.get("warehouse") or default[0], given.get("bin") or default[1]
    if not stored.bin_exists(session, warehouse, code):
        raise NotFound(f"no bin {code} in warehouse {warehouse}", code="unknown_bin", warehouse=warehouse, bin=code)
    return warehouse, code


def receive(uow, receipt, by, settings):
    """入库: a delivery of goods onto the shelves, into the bins each line (or the receipt) names."""
    now, quantities = utcnow(), {}
    default = (receipt.get("warehouse") or DEFAULT_WAREHOUSE, receipt.get("bin") or DEFAULT_BIN)   # lines' own first
    for line in sorted(receipt["lines"], key=lambda line: line["sku"]):   # totals locked by SKU: no deadlocks
        warehouse, code = place(uow.session, line, default)
        stock.add(uow.session, line["sku"], line["qty"], "received", by, receipt.get("note") or "received",
                  receipt.get("reference"), now, warehouse, code)
        quantities[line["sku"]] = quantities.get(line["sku"], 0) + line["qty"]
    restocked(uow, quantities, "received", settings)
    return quantities


def post_count(uow, count, by, settings):
    """盘点: on hand becomes what was counted; differences are adjustments with who and why."""
    counted = {line["sku"]: line["counted"] for line in count["lines"]}
    differences = stock.count(uow.session, counted, by, count["reason"], utcnow(), *place(uow.session, count))
    gained = {sku: diff for sku, diff in differences.items() if diff > 0}
    if gained:
        allocation.serve_waiting(uow, settings)
    stock.check_low(uow, counted, settings.low_stock_threshold)
    return differences


def set_threshold(uow, sku, threshold, settings):
    stock.set_threshold(uow.session, sku, threshold)
    stock.check_low(uow, [sku], settings.low_stock_threshold)
    return stock.get(uow.session, sku)


def map_barcode(uow, barcode, sku):
    stored.map_barcode(uow.session, barcode, sku)


def transfer(uow, moved, by, settings):
    """调拨 (移库): goods move from one bin to another, within a warehouse or between two. Goods reaching
    another warehouse may complete a waiting order there: waiting orders are served again."""
    source = place(uow.session, moved["source"])
    target = place(uow.session, moved["target"])
    stock.transfer(uow.session, moved["sku"], moved["qty"], source, target, by, moved["reason"], utcnow())
    if source[0] != target[0]:
        uow.session.flush()
        allocation.serve_waiting(uow, settings)
    return {"sku": moved["sku"], "qty": moved["qty"], "source": _bin(*source), "target": _bin(*target)}


def _bin(warehouse, code):
    return {"warehouse": warehouse, "bin": code}


def save_warehouse(uow, code, body):
    stored.save_warehouse(uow.session, code, body["name"], body["rank"], body["provinces"])
    return {"code": code, "name": body["name"], "rank": body["rank"], "provinces": body["provinces"]}


def add_bin(uow, warehouse, code):
    """A new bin location in a known warehouse; 409 if it exists."""
    if stored.warehouse(uow.session, warehouse) is None:
        raise NotFound(f"no warehouse {warehouse}", code="unknown_warehouse", warehouse=warehouse)
    if not stored.add_bin(uow.session, warehouse, code):
        raise Conflict(f"bin {code} exists in {warehouse}", code="bin_exists", warehouse=warehouse, bin=code)
    return _bin(warehouse, code)


def remove_bin(uow, warehouse, code):
    """A bin given up (库位撤销): only an empty one, and never the default bin that receipts fall back to. Its
    stock movements keep its code."""
    session = uow.session
    if (warehouse, code) == (DEFAULT_WAREHOUSE, DEFAULT_BIN):
        raise Conflict(f"{warehouse} {code} is the default bin", code="bin_default", warehouse=warehouse, bin=code)
    if not stored.bin_exists(session, warehouse, code):
        raise NotFound(f"no bin {code} in {warehouse}", code="unknown_bin", warehouse=warehouse, bin=code)
    held = stored.stock_in_bin(session, warehouse, code)
    if held:
        raise Conflict(f"bin {code} in {warehouse} holds {held[0].sku}", code="bin_not_empty", warehouse=warehouse,
                       bin=code, sku=held[0].sku, on_hand=held[0].on_hand, reserved=held[0].reserved)
    stored.remove_bin(session, warehouse, code)
    return {**_bin(warehouse, code), "removed": True}


def remove_warehouse(uow, code):
    """A warehouse given up: once it has no bins left and serves no open pick list or wave."""
    session = uow.session
    if code == DEFAULT_WAREHOUSE:
        raise Conflict(f"{code} is the default warehouse", code="warehouse_default", warehouse=code)
    if stored.warehouse(session, code) is None:
        raise NotFound(f"no warehouse {code}", code="unknown_warehouse", warehouse=code)
    bins = stored.bins_in(session, code)
    if bins:
        raise Conflict(f"warehouse {code} has {len(bins)} bin(s)", code="warehouse_has_bins", warehouse=code,
                       bins=len(bins))
    lists, waves = stored_lists.open_in_warehouse(session, code), stored_waves.open_in_warehouse(session, code)
    if lists or waves:
        raise Conflict(f"warehouse {code} serves {lists} open pick list(s), {waves} open wave(s)",
                       code="warehouse_in_use", warehouse=code, pick_lists=lists, waves=waves)
    stored.remove_warehouse(session, code)
    return {"code": code, "removed": True}
