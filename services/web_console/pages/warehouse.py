"""Warehouse: stock with low-stock warnings, pick lists by status."""
from services.web_console.routing import routes

PICK_STATUSES = ("waiting_stock", "ready", "picking", "picked", "held", "packed", "handed_over", "cancelled")
FLOOR = ("picker", "packer", "shipper", "warehouse", "supervisor", "manager")


@routes.page("/stock", roles=("warehouse", "manager"))
def stock(ctx):
    warnings = ctx.api.get("picking_packing", "/stock/warnings")["warnings"]
    low = {item["sku"] for item in warnings}
    items = ctx.api.get("picking_packing", "/stock", limit=500)["stock"]
    return ctx.render("stock.html", items=items, warnings=warnings, low=low)


@routes.page("/pick-lists", roles=FLOOR)
def pick_lists(ctx):
    status = ctx.request.args.get("status", "")
    answer = ctx.api.get("picking_packing", "/pick-lists", limit=200, **({"status": status} if status else {}))
    return ctx.render("pick_lists.html", pick_lists=answer["pick_lists"], counts=answer["counts"], status=status,
                      statuses=PICK_STATUSES)
