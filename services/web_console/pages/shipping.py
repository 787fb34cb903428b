"""Shipping (发货): a shipment with its label and dispatch-note PDFs, reprint, void; the day's manifest."""
from shared.web.downloads import file_response

from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes

READERS = ("shipper", "warehouse", "agent", "supervisor", "manager")
LABEL_READERS = READERS + ("packer",)   # the packing station shows the label it just packed
PRINTERS = ("shipper", "warehouse", "supervisor", "manager")
DOCUMENTS = {"label.pdf", "dispatch-note.pdf"}


@routes.page("/shipments", roles=READERS)
def find_shipment(ctx):
    order_no = ctx.request.args.get("order_no", "").strip()
    return ctx.redirect(f"/shipments/{order_no}") if order_no else ctx.render("shipment_find.html")


@routes.page("/shipments/<order_no>", roles=READERS)
def shipment_page(ctx, order_no, error=None):
    shipment = ctx.api.get("shipping_labels", f"/shipments/{order_no}")
    return ctx.render("shipment.html", shipment=shipment, error=error, can_print=ctx.role in PRINTERS,
                      status=error.status if error else 200)


@routes.page("/shipments/<order_no>/<document>", roles=LABEL_READERS)
def document(ctx, order_no, document):
    """The PDF passed through as the service made it, to open in the browser's print dialog."""
    if document not in DOCUMENTS:
        raise ApiError(404, "not_found", "")
    answer = ctx.api.request("shipping_labels", "GET", f"/shipments/{order_no}/{document}")
    response = file_response(answer.content, "application/pdf", f"{order_no}-{document}", inline=True)
    # The packing station shows the label in a frame on its own page (issue 19): framed by this origin only.
    response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@routes.page("/shipments/<order_no>/<change>", methods=("POST",), roles=PRINTERS)
def change(ctx, order_no, change):
    """Reprint or void, both with the reason the API requires."""
    if change not in ("reprints", "void"):
        raise ApiError(404, "not_found", "")
    return ctx.act("shipping_labels", "POST", f"/shipments/{order_no}/{change}", {"reason": ctx.form("reason")},
                   lambda error: shipment_page(ctx, order_no, error=error), f"/shipments/{order_no}",
                   f"done.{change}")


@routes.page("/manifest", roles=READERS)
def manifest(ctx):
    day = ctx.request.args.get("day") or local_today()
    carrier = ctx.request.args.get("carrier") or ctx.settings.carriers[0]
    sheet = ctx.api.get("shipping_labels", f"/manifests/{day}", carrier=carrier)
    return ctx.render("manifest.html", sheet=sheet, day=day, carrier=carrier, carriers=ctx.settings.carriers)
