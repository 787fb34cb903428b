"""Warehouse: stock with low-stock warnings, pick lists by status, a supervisor accepting a held weight."""
from services.web_console.routing import routes

PICK_STATUSES = ("waiting_stock", "ready", "picking", "picked", "held", "packed", "handed_over", "cancelled")
FLOOR = ("picker", "packer", "shipper", "warehouse", "supervisor", "manager")
SUPERVISORS = ("supervisor", "manager")   # who may accept a weight outside tolerance (rules §3)


@routes.page("/stock", roles=("warehouse", "manager"))
def stock(ctx):
    warnings = ctx.api.get("picking_packing", "/stock/warnings")["warnings"]
    low = {item["sku"] for item in warnings}
    items = ctx.api.get("picking_packing", "/stock", limit=500)["stock"]
    return ctx.render("stock.html", items=items, warnings=warnings, low=low)


@routes.page("/pick-lists", roles=FLOOR)
def pick_lists(ctx, error=None):
    status = ctx.request.args.get("status", "")
    answer = ctx.api.get("picking_packing", "/pick-lists", limit=200, **({"status": status} if status else {}))
    # `status` is the page's HTTP status in render(): the tab goes in as `tab`.
    return ctx.render("pick_lists.html", pick_lists=answer["pick_lists"], counts=answer["counts"], tab=status,
                      statuses=PICK_STATUSES, can_override=ctx.role in SUPERVISORS, error=error,
                      status=error.status if error else 200)


@routes.page("/pick-lists/<order_no>/weight-override", methods=("POST",), roles=SUPERVISORS)
def override_weight(ctx, order_no):
    """The parcel's last weight is accepted as it is, with the supervisor's reason (audited by the service)."""
    return ctx.act("picking_packing", "POST", f"/pick-lists/{order_no}/weight-override",
                   {"reason": ctx.form("reason")}, lambda error: pick_lists(ctx, error=error), "/pick-lists",
                   "done.weight_override", status="held")
