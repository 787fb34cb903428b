"""The packing station (打包台): one input for a keyboard-wedge scanner (the page takes scans wherever the focus
is); Enter submits. Orders ready to pack beside it; the label shown, and opened for printing, once packed."""
import uuid

from services.web_console import floor, station
from services.web_console.api import ApiError
from services.web_console.routing import routes

PACKERS = ("packer", "picker", "warehouse")
READY_SHOWN = 20
LABEL_PENDING = ("awaiting_parcel", "awaiting_number")   # shipping labels is still making it


def _render(ctx, station_id, pick_list=None, answer=None, error=None, problem=None):
    template = "station_panel.html" if ctx.htmx else "station.html"
    alarm = None
    if error is not None:
        alarm = floor.alarm(ctx.t, error, "pick")
    elif problem:
        alarm = ctx.t(problem)
    return ctx.render(template, station_id=station_id, pick_list=pick_list, answer=answer, alarm=alarm,
                      warning=None if alarm else floor.warning(pick_list),
                      step=station.step(pick_list["status"]) if pick_list else "order",
                      weight_range=station.expected_range(pick_list, answer), scan_id=uuid.uuid4().hex,
                      print_label=bool(answer and answer.get("result") == "packed"))


def _station_id(ctx):
    return (ctx.form("station_id") or ctx.request.args.get("station_id") or f"WEB-{ctx.identity.staff_id}")[:64]


@routes.page("/packing", roles=PACKERS)
def station_page(ctx):
    """The station; `?order_no=` (a row of the ready list) loads that order as if scanned."""
    station_id, order_no = _station_id(ctx), ctx.request.args.get("order_no", "").strip()
    try:
        return _render(ctx, station_id, _pick_list(ctx, order_no) if order_no else None)
    except ApiError as error:
        return _render(ctx, station_id, error=error)


@routes.page("/packing/ready", roles=PACKERS)
def ready(ctx):
    """Orders whose goods are reserved and waiting to be picked and packed, oldest approval first (polled)."""
    answer = ctx.api.get("picking_packing", "/pick-lists", status="ready", limit=READY_SHOWN)
    return ctx.render("_ready_list.html", ready=answer["pick_lists"], counts=answer["counts"])


@routes.page("/packing/label/<order_no>", roles=PACKERS)
def label(ctx, order_no):
    """The parcel's label once shipping labels has made it; until then a panel that asks again."""
    shipment, failure = None, None
    try:
        shipment = ctx.api.get("shipping_labels", f"/shipments/{order_no}")
    except ApiError as error:
        if error.status != 404:   # 404: parcel_packed has not reached shipping labels yet
            failure = floor.alarm(ctx.t, error, "shipment")
    pending = failure is None and (shipment is None or shipment["status"] in LABEL_PENDING)
    return ctx.render("_label.html", order_no=order_no, shipment=shipment, pending=pending, failure=failure,
                      print_label=ctx.request.args.get("print") == "1")


@routes.page("/packing/scan", methods=("POST",), roles=PACKERS)
def scan(ctx):
    """Every answer is the station panel (htmx swaps only successful answers), errors included."""
    station_id = _station_id(ctx)
    try:
        return _scan(ctx, station_id, ctx.form("order_no"), ctx.form("code"))
    except ApiError as error:
        return _render(ctx, station_id, error=error)


def _scan(ctx, station_id, order_no, code):
    if not code:
        return _render(ctx, station_id, _pick_list(ctx, order_no) if order_no else None)
    current = _pick_list(ctx, order_no) if order_no else None
    body, problem = station.scan_body(ctx.form("scan_id") or uuid.uuid4().hex, station_id, order_no,
                                      current["status"] if current else None, code)
    if problem:
        return _render(ctx, station_id, current, problem=problem)
    if body is None:   # an order number
        return _render(ctx, station_id, _pick_list(ctx, code))
    answer, error = ctx.api.answer("picking_packing", "POST", "/scans", body, key=body["scan_id"])
    return _render(ctx, station_id, _pick_list(ctx, order_no), answer, error)


def _pick_list(ctx, order_no):
    return ctx.api.get("picking_packing", f"/pick-lists/{order_no}")
