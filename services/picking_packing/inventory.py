"""The warehouse's stock use cases (入库, 盘点, 预警) and what happens when goods come onto the shelf."""
from services.picking_packing import allocation, stock
from services.picking_packing.storage import stock as stored
from shared.timeutil import utcnow


def restocked(uow, quantities, reason, settings):
    """Goods became available: announce them, then serve waiting orders first come, first served."""
    for sku, qty in sorted(quantities.items()):
        uow.publish("stock_restocked", {"sku": sku, "qty": qty, "reason": reason}, aggregate_id=sku)
    uow.session.flush()
    allocation.serve_waiting(uow, settings)
    stock.check_low(uow, quantities, settings.low_stock_threshold)


def receive(uow, receipt, by, settings):
    """入库: a delivery of goods onto the shelves."""
    now, quantities = utcnow(), {}
    for line in receipt["lines"]:
        stock.add(uow.session, line["sku"], line["qty"], "received", by, receipt.get("note") or "received",
                  receipt.get("reference"), now)
        quantities[line["sku"]] = quantities.get(line["sku"], 0) + line["qty"]
    restocked(uow, quantities, "received", settings)
    return quantities


def post_count(uow, count, by, settings):
    """盘点: on hand becomes what was counted; differences are adjustments with who and why."""
    counted = {line["sku"]: line["counted"] for line in count["lines"]}
    differences = stock.count(uow.session, counted, by, count["reason"], utcnow())
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
