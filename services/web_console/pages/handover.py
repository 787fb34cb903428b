"""The courier hand-over station (交接台): a shipper scans each parcel's waybill as the courier takes it; a running
count per carrier for the working day; the carrier's hand-over sheet to print and sign (000 art. 6)."""
import uuid
from datetime import date

from services.web_console import floor
from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes

SHIPPERS = ("shipper",)   # shipping labels takes hand-over scans from shippers (and scanner devices)
SHEET_READERS = ("shipper", "warehouse", "supervisor", "manager")


def _station_id(ctx):
    return (ctx.form("station_id") or ctx.request.args.get("station_id") or f"DOCK-{ctx.identity.staff_id}")[:64]


def _today(ctx):
    """Per carrier: today's manifest totals and what is labelled but not handed over (the day's sheets)."""
    day = local_today()
    counts = []
    for carrier in ctx.settings.carriers:
        try:
            sheet = ctx.api.get("shipping_labels", f"/manifests/{day}", carrier=carrier)
        except ApiError as error:
            counts.append({"carrier": carrier, "error": error})
            continue
        waiting = sum(1 for e in sheet["exceptions"] if e["kind"] == "labelled_not_handed_over")
        counts.append({"carrier": carrier, "parcels": sheet["totals"]["parcels"], "waiting": waiting})
    return day, counts


def _render(ctx, answer=None, alarm=None, error=None):
    template = "handover_panel.html" if ctx.htmx else "handover.html"
    day, counts = _today(ctx)
    return ctx.render(template, station_id=_station_id(ctx), scan_id=uuid.uuid4().hex, answer=answer, alarm=alarm,
                      refused=error, day=day, counts=counts)


@routes.page("/handover", roles=SHIPPERS)
def station_page(ctx):
    return _render(ctx)


@routes.page("/handover/scan", methods=("POST",), roles=SHIPPERS)
def scan(ctx):
    """One waybill scanned: handed over, or refused in large red with the reason (and a sound)."""
    tracking_no = ctx.form("code")
    if not tracking_no:
        return _render(ctx)
    body = {"scan_id": ctx.form("scan_id") or uuid.uuid4().hex, "tracking_no": tracking_no[:40],
            "station_id": _station_id(ctx)}
    try:
        answer, error = ctx.api.answer("shipping_labels", "POST", "/handovers", body, key=body["scan_id"])
    except ApiError as unreachable:
        answer, error = None, unreachable
    if error is None:
        return _render(ctx, answer=answer)
    return _render(ctx, alarm=floor.alarm(ctx.t, error, "shipment"), error=error)


@routes.page("/handover/sheet", roles=SHEET_READERS)
def sheet(ctx):
    """The carrier's hand-over sheet for a day, to print and sign with the courier."""
    day = ctx.request.args.get("day") or local_today()
    carrier = ctx.request.args.get("carrier") or ctx.settings.carriers[0]
    try:
        date.fromisoformat(day)   # it goes into the service's path: a day, nothing else
    except ValueError:
        raise ApiError(400, "validation_failed", "", fields={"day": ["YYYY-MM-DD"]}) from None
    manifest = ctx.api.get("shipping_labels", f"/manifests/{day}", carrier=carrier)
    return ctx.render("handover_sheet.html", sheet=manifest, day=day, carrier=carrier)
