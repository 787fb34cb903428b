"""Supervisors and managers: merging orders (合单, issue #23). The offers picking_packing works out (one buyer, one
address, one warehouse, within the merge window, not yet picked), each with a merge button, and the groups: merged,
packed as one parcel, or dissolved (an order cancelled, its goods or address changed, or split by hand before packing,
拆开合单) with the reason."""
from services.web_console.routing import routes

MERGERS = ("supervisor", "manager")
GROUP_STATUSES = ("merged", "packed", "dissolved")   # picking_packing's merge groups
DISSOLVE_REASONS = ("cancelled", "rejected", "goods_changed", "address_changed")   # merging.dissolve's callers
UNMERGED = "unmerged"   # merging.unmerge's reason: "unmerged: <staff>: <their reason>"


@routes.page("/merges", roles=MERGERS)
def merges(ctx, error=None):
    offers = ctx.api.get("picking_packing", "/merge-offers")
    groups = ctx.api.get("picking_packing", "/merges", limit=100)["merges"]
    for group in groups:
        group["reason_key"], group["reason_params"] = _dissolved(group.get("dissolved_reason") or "")
    return ctx.render("merges.html", offers=offers["offers"], window=offers["window_minutes"],
                      automatic=offers["automatic"], groups=groups, error=error,
                      status=error.status if error else 200)


def _dissolved(reason):
    """(text key, its parameters) of why a group was dissolved; (None, {}) when it was not."""
    kind, _, rest = reason.partition(": ")
    if kind == UNMERGED:
        by, _, why = rest.partition(": ")
        return "merge.dissolved.unmerged", {"by": by, "why": why}
    if kind in DISSOLVE_REASONS:
        return f"merge.dissolved.{kind}", {"order_no": rest}
    return None, {}


@routes.page("/merges/<int:group_id>/unmerge", methods=("POST",), roles=MERGERS)
def unmerge(ctx, group_id):
    return ctx.act("picking_packing", "POST", f"/merges/{group_id}/unmerge", {"reason": ctx.form("reason")},
                   lambda error: merges(ctx, error=error), "/merges", "done.unmerged")


@routes.page("/merges", methods=("POST",), roles=MERGERS)
def merge(ctx):
    body = {"order_nos": [n.strip() for n in ctx.request.form.getlist("order_no") if n.strip()]}
    return ctx.act("picking_packing", "POST", "/merges", body, lambda error: merges(ctx, error=error), "/merges",
                   "done.merged")
