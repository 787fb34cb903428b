"""Warehouse: the stock desk (receipts, counts, warning levels, with the goods' names beside SKUs), pick lists by
status (refreshing themselves), a supervisor accepting a held weight."""
from services.web_console.routing import routes

PICK_STATUSES = ("waiting_stock", "ready", "picking", "picked", "held", "packed", "handed_over", "cancelled")
FLOOR = ("picker", "packer", "shipper", "warehouse", "supervisor", "manager")
SUPERVISORS = ("supervisor", "manager")   # who may accept a weight outside tolerance (rules §3)
STOCK_DESK = ("warehouse", "manager")
RECEIPT_ROWS = 5   # lines on the receiving form; a larger delivery is received in turns
SHOWN_MOVEMENTS = 20


@routes.page("/stock", roles=STOCK_DESK)
def stock(ctx, error=None):
    warnings = ctx.api.get("picking_packing", "/stock/warnings")["warnings"]
    low = {item["sku"] for item in warnings}
    items = ctx.api.get("picking_packing", "/stock", limit=500)["stock"]
    names = {item["sku"]: item["name"] for item in items}
    receipts = ctx.api.get("picking_packing", "/stock/receipts", limit=SHOWN_MOVEMENTS)["receipts"]
    adjustments = ctx.api.get("picking_packing", "/stock/adjustments", limit=SHOWN_MOVEMENTS)["adjustments"]
    return ctx.render("stock.html", items=items, warnings=warnings, low=low, names=names, receipts=receipts,
                      adjustments=adjustments, receipt_rows=range(RECEIPT_ROWS), error=error,
                      status=error.status if error else 200)


def _number(text):
    """A count as typed: a whole number goes as one; anything else goes as typed, for the service to refuse
    naming the field."""
    return int(text) if text.isdigit() else text


@routes.page("/stock/receipts", methods=("POST",), roles=STOCK_DESK)
def receive(ctx):
    lines = [{"sku": ctx.form(f"sku-{row}"), "qty": _number(ctx.form(f"qty-{row}"))}
             for row in range(RECEIPT_ROWS) if ctx.form(f"sku-{row}") or ctx.form(f"qty-{row}")]
    body = {"lines": lines, **({"reference": ctx.form("reference")} if ctx.form("reference") else {})}
    return ctx.act("picking_packing", "POST", "/stock/receipts", body, lambda error: stock(ctx, error=error),
                   "/stock", "floor.done.receipt")


@routes.page("/stock/counts", methods=("POST",), roles=STOCK_DESK)
def count(ctx):
    body = {"lines": [{"sku": ctx.form("sku"), "counted": _number(ctx.form("counted"))}],
            "reason": ctx.form("reason")}
    return ctx.act("picking_packing", "POST", "/stock/counts", body, lambda error: stock(ctx, error=error),
                   "/stock", "floor.done.count")


@routes.page("/stock/threshold", methods=("POST",), roles=STOCK_DESK)
def threshold(ctx):
    sku = ctx.form("sku") or "-"
    return ctx.act("picking_packing", "PUT", f"/stock/{sku}/threshold", {"threshold": _number(ctx.form("threshold"))},
                   lambda error: stock(ctx, error=error), "/stock", "floor.done.threshold")


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
