"""Warehouse: parcels returned to sender (退件), received and inspected line by line: restocked or
recorded as damaged (破损退件). Nothing is pre-chosen: each line is decided by the person who looks."""
from services.web_console.api import ApiError
from services.web_console.routing import routes

READERS = ("warehouse", "manager", "supervisor")
INSPECTORS = ("warehouse", "manager")
OUTCOMES = ("restock", "damaged")   # picking_packing's parcel_returns.OUTCOMES


@routes.page("/parcel-returns", roles=READERS)
def parcel_returns(ctx, error=None):
    def listed(status, limit):
        return ctx.api.get("picking_packing", "/parcel-returns", status=status, limit=limit)["parcel_returns"]
    return ctx.render("parcel_returns.html", waiting=listed("awaiting_inspection", 200), inspected=listed("inspected", 50),
                      outcomes=OUTCOMES, can_inspect=ctx.role in INSPECTORS, error=error,
                      status=error.status if error else 200)


@routes.page("/parcel-returns/<order_no>/inspect", methods=("POST",), roles=INSPECTORS)
def inspect(ctx, order_no):
    body = inspection_body(ctx.request.form)
    if not body["lines"]:
        return parcel_returns(ctx, error=ApiError(422, "inspection_incomplete", ""))
    return ctx.act("picking_packing", "POST", f"/parcel-returns/{order_no}/inspection", body,
                   lambda error: parcel_returns(ctx, error=error), "/parcel-returns", "done.parcel_inspected")


def inspection_body(form):
    """The lines decided on the form (sku_<i>, outcome_<i>); an undecided line is left out, so the
    service names it as not inspected."""
    lines, index = [], 0
    while (sku := form.get(f"sku_{index}")) is not None:
        if form.get(f"outcome_{index}"):
            lines.append({"sku": sku, "outcome": form.get(f"outcome_{index}")})
        index += 1
    return {"lines": lines, "remarks": form.get("remarks", "").strip()[:1000]}
