"""The packing station (打包台): one focused input for a keyboard-wedge scanner; Enter submits."""
import uuid

from services.web_console import station
from services.web_console.api import ApiError
from services.web_console.routing import routes

PACKERS = ("packer", "picker", "warehouse")


def _render(ctx, station_id, pick_list=None, answer=None, error=None, problem=None):
    template = "station_panel.html" if ctx.htmx else "station.html"
    return ctx.render(template, station_id=station_id, pick_list=pick_list, answer=answer, error=error,
                      problem=problem, step=station.step(pick_list["status"]) if pick_list else "order",
                      weight_range=station.expected_range(pick_list, answer), scan_id=uuid.uuid4().hex)


def _station_id(ctx):
    return (ctx.form("station_id") or ctx.request.args.get("station_id") or f"WEB-{ctx.identity.staff_id}")[:64]


@routes.page("/packing", roles=PACKERS)
def station_page(ctx):
    return _render(ctx, _station_id(ctx))


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
