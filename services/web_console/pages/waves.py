"""Waves (波次, issue #23): a picker takes (or a supervisor makes) a wave of the oldest ready orders (N of them, a courier's, a zone's)
and prints its pick route, sorted by bin, with the put-wall slot each order's goods go into; the picker scans what
he takes along it. A supervisor may call an open wave off, with a reason."""
from services.web_console.api import ApiError
from services.web_console.pages.warehouse import _number
from services.web_console.routing import routes

SHOWN_WAVES = 50
WAVE_ROLES = ("picker", "supervisor", "manager")
WAVE_CANCELLERS = ("supervisor", "manager")


@routes.page("/waves", roles=WAVE_ROLES)
def waves(ctx, error=None):
    listed = ctx.api.get("picking_packing", "/waves", limit=SHOWN_WAVES)["waves"]
    warehouses = ctx.api.get("picking_packing", "/warehouses")["warehouses"]
    return ctx.render("waves.html", waves=listed, warehouses=warehouses, carriers=ctx.settings.carriers,
                      error=error, status=error.status if error else 200)


@routes.page("/waves", methods=("POST",), roles=WAVE_ROLES)
def make_wave(ctx):
    """The new wave's route on success; the list again with the reason on a refusal."""
    body = {"size": _number(ctx.form("size")),
            **{name: ctx.form(name) for name in ("courier", "zone", "warehouse") if ctx.form(name)}}
    try:
        made = ctx.api.post("picking_packing", "/waves", body, key=ctx.key())
    except ApiError as error:
        return waves(ctx, error=error)
    return ctx.redirect(f"/waves/{made['id']}", ok="floor.done.wave")


@routes.page("/waves/<int:wave_id>", roles=WAVE_ROLES)
def wave(ctx, wave_id, error=None):
    """The route to print: one stop per bin and SKU, in bin order, and how it splits into put-wall slots."""
    return ctx.render("wave.html", wave=ctx.api.get("picking_packing", f"/waves/{wave_id}"), error=error,
                      may_cancel=ctx.role in WAVE_CANCELLERS, status=error.status if error else 200)


@routes.page("/waves/<int:wave_id>/cancel", methods=("POST",), roles=WAVE_CANCELLERS)
def cancel_wave(ctx, wave_id):
    """Call the wave off, with a reason: its orders with nothing picked are free again (波次取消)."""
    return ctx.act("picking_packing", "POST", f"/waves/{wave_id}/cancel", {"reason": ctx.form("reason")},
                   lambda error: wave(ctx, wave_id, error=error), f"/waves/{wave_id}", "wave.cancelled")


@routes.page("/waves/<int:wave_id>/scans", methods=("POST",), roles=WAVE_ROLES)
def scan_wave(ctx, wave_id):
    """Goods taken on the route (a SKU or its barcode, the bin, how many); the form's key is the scan's id, so a
    double submit counts once. Refused (over-pick, not in the wave): the route again with the reason."""
    body = {"scan_id": ctx.key(), "sku": ctx.form("sku"), "quantity": _number(ctx.form("quantity") or "1"),
            **({"bin": ctx.form("bin")} if ctx.form("bin") else {})}
    return ctx.act("picking_packing", "POST", f"/waves/{wave_id}/scans", body,
                   lambda error: wave(ctx, wave_id, error=error), f"/waves/{wave_id}", "wave.scanned")
