"""Warehouse: the stock desk (receipts and counts into a named bin, warning levels, with the goods' names beside
SKUs), stock by warehouse and bin with transfers (调拨) and new warehouses and bins, pick lists by status
(refreshing themselves), a supervisor accepting a held weight."""
from urllib.parse import quote

from services.web_console.routing import routes

PICK_STATUSES = ("waiting_stock", "ready", "picking", "picked", "held", "packed", "handed_over", "cancelled")
FLOOR = ("picker", "packer", "shipper", "warehouse", "supervisor", "manager")
SUPERVISORS = ("supervisor", "manager")   # who may accept a weight outside tolerance (rules §3)
STOCK_DESK = ("warehouse", "manager")
RECEIPT_ROWS = 5   # lines on the receiving form; a larger delivery is received in turns
SHOWN_MOVEMENTS = 20
DEFAULT_PLACE = "MAIN|DEFAULT"   # the default warehouse and bin (where stock goes when none is named)
DEFAULT_WAREHOUSE = "MAIN"


def _places(rows):
    """The bins as a form offers them: "warehouse|bin", in pick route order."""
    return sorted(_bin_places(rows))


def _bin_places(rows):
    return {f"{row['warehouse']}|{row['bin']}" for row in rows}


def _place(ctx, name):
    """{"warehouse", "bin"} from a form's "warehouse|bin" choice."""
    warehouse, _, code = (ctx.form(name) or DEFAULT_PLACE).partition("|")
    return {"warehouse": warehouse, "bin": code}


@routes.page("/stock", roles=STOCK_DESK)
def stock(ctx, error=None):
    warnings = ctx.api.get("picking_packing", "/stock/warnings")["warnings"]
    low = {item["sku"] for item in warnings}
    items = ctx.api.get("picking_packing", "/stock", limit=500)["stock"]
    names = {item["sku"]: item["name"] for item in items}
    receipts = ctx.api.get("picking_packing", "/stock/receipts", limit=SHOWN_MOVEMENTS)["receipts"]
    adjustments = ctx.api.get("picking_packing", "/stock/adjustments", limit=SHOWN_MOVEMENTS)["adjustments"]
    places = _places(ctx.api.get("picking_packing", "/stock/bins", limit=500)["bins"])
    return ctx.render("stock.html", items=items, warnings=warnings, low=low, names=names, receipts=receipts,
                      adjustments=adjustments, receipt_rows=range(RECEIPT_ROWS), places=places,
                      default_place=DEFAULT_PLACE, error=error, status=error.status if error else 200)


@routes.page("/stock/bins", roles=STOCK_DESK)
def bins(ctx, error=None):
    """Stock by warehouse and bin (库位库存), transfers between bins, and new warehouses and bins."""
    chosen = ctx.request.args.get("warehouse", "")
    rows = ctx.api.get("picking_packing", "/stock/bins", limit=500, **({"warehouse": chosen} if chosen else {}))["bins"]
    every = ctx.api.get("picking_packing", "/stock/bins", limit=500)["bins"] if chosen else rows
    warehouses = ctx.api.get("picking_packing", "/warehouses")["warehouses"]
    transfers = ctx.api.get("picking_packing", "/stock/transfers", limit=SHOWN_MOVEMENTS)["transfers"]
    return ctx.render("stock_bins.html", rows=rows, places=_places(every), warehouses=warehouses, chosen=chosen,
                      transfers=transfers, removable=_removable_bins(rows), bare=_bare_warehouses(warehouses, every),
                      error=error, status=error.status if error else 200)


def _removable_bins(rows):
    """"warehouse|bin" of the bins holding nothing (on hand or reserved), but the default one: they may be given
    up. The service decides; this only saves offering what it would refuse."""
    holding = {f"{r['warehouse']}|{r['bin']}" for r in rows if r["on_hand"] or r["reserved"]}
    return _bin_places(rows) - holding - {DEFAULT_PLACE}


def _bare_warehouses(warehouses, rows):
    """Warehouses with no bin left (but the default one): they may be given up."""
    return {w["code"] for w in warehouses} - {r["warehouse"] for r in rows} - {DEFAULT_WAREHOUSE}


@routes.page("/stock/transfers", methods=("POST",), roles=STOCK_DESK)
def transfer(ctx):
    body = {"sku": ctx.form("sku"), "qty": _number(ctx.form("qty")), "source": _place(ctx, "source"),
            "target": _place(ctx, "target"), "reason": ctx.form("reason")}
    return ctx.act("picking_packing", "POST", "/stock/transfers", body, lambda error: bins(ctx, error=error),
                   "/stock/bins", "floor.done.transfer")


def _provinces(text):
    """"江苏省:1, 上海市:2" as typed -> {province: rank} (a province without a rank: 1); anything else goes as
    typed, for the service to refuse naming the field."""
    provinces = {}
    for part in text.replace("，", ",").split(","):
        province, _, rank = part.strip().partition(":")
        if province.strip():
            provinces[province.strip()] = _number(rank.strip() or "1")
    return provinces


@routes.page("/warehouses", methods=("POST",), roles=STOCK_DESK)
def save_warehouse(ctx):
    code = ctx.form("code") or "-"
    body = {"name": ctx.form("name"), "rank": _number(ctx.form("rank") or "1000"),
            "provinces": _provinces(ctx.form("provinces"))}
    return ctx.act("picking_packing", "PUT", f"/warehouses/{code}", body, lambda error: bins(ctx, error=error),
                   "/stock/bins", "floor.done.warehouse")


@routes.page("/warehouses/bins", methods=("POST",), roles=STOCK_DESK)
def add_bin(ctx):
    warehouse = ctx.form("warehouse") or "-"
    return ctx.act("picking_packing", "POST", f"/warehouses/{warehouse}/bins", {"code": ctx.form("code")},
                   lambda error: bins(ctx, error=error), "/stock/bins", "floor.done.bin")


@routes.page("/warehouses/bins/remove", methods=("POST",), roles=STOCK_DESK)
def remove_bin(ctx):
    warehouse, _, code = (ctx.form("place") or "-|-").partition("|")
    return ctx.act("picking_packing", "DELETE", f"/warehouses/{quote(warehouse, safe='')}/bins/{quote(code, safe='')}",
                   None, lambda error: bins(ctx, error=error), "/stock/bins", "floor.done.bin_removed")


@routes.page("/warehouses/remove", methods=("POST",), roles=STOCK_DESK)
def remove_warehouse(ctx):
    return ctx.act("picking_packing", "DELETE", f"/warehouses/{quote(ctx.form('code') or '-', safe='')}", None,
                   lambda error: bins(ctx, error=error), "/stock/bins", "floor.done.warehouse_removed")


def _number(text):
    """A count as typed: a whole number goes as one; anything else goes as typed, for the service to refuse
    naming the field."""
    return int(text) if text.isdigit() else text


@routes.page("/stock/receipts", methods=("POST",), roles=STOCK_DESK)
def receive(ctx):
    lines = [{"sku": ctx.form(f"sku-{row}"), "qty": _number(ctx.form(f"qty-{row}"))}
             for row in range(RECEIPT_ROWS) if ctx.form(f"sku-{row}") or ctx.form(f"qty-{row}")]
    body = {"lines": lines, **_place(ctx, "place"),
            **({"reference": ctx.form("reference")} if ctx.form("reference") else {})}
    return ctx.act("picking_packing", "POST", "/stock/receipts", body, lambda error: stock(ctx, error=error),
                   "/stock", "floor.done.receipt")


@routes.page("/stock/counts", methods=("POST",), roles=STOCK_DESK)
def count(ctx):
    body = {"lines": [{"sku": ctx.form("sku"), "counted": _number(ctx.form("counted"))}],
            "reason": ctx.form("reason"), **_place(ctx, "place")}
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
