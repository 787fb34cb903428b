"""Customer retention: sales reps claim, renew and release customers in the protection pool (保护库);
reps and the care team complete care tasks; managers watch both."""
from contracts.customer_retention import CARE_OUTCOMES
from services.web_console.api import ApiError
from services.web_console.routing import routes

CUSTOMER_STAFF = ("manager", "sales", "care")


@routes.page("/pool", roles=CUSTOMER_STAFF)
def protection_pool(ctx, error=None):
    rows = ctx.api.get("customer_retention", "/pool")["pool"]
    return ctx.render("pool.html", rows=rows, is_rep=ctx.role == "sales", error=error,
                      status=error.status if error else 200)


@routes.page("/pool/<action>", methods=("POST",), roles=("sales",))
def pool_action(ctx, action):
    """claim (a customer key or a company's registered name), renew or release (rules §7)."""
    paths = {"claim": "/pool/claims", "renew": "/pool/renewals", "release": "/pool/releases"}
    if action not in paths:
        raise ApiError(404, "not_found", "")
    fields = ("customer_key", "company_name") if action == "claim" else ("customer_key",)
    body = {name: ctx.form(name) for name in fields if ctx.form(name)}
    return ctx.act("customer_retention", "POST", paths[action], body,
                   lambda error: protection_pool(ctx, error=error), "/pool", f"done.pool_{action}")


@routes.page("/care-tasks", roles=CUSTOMER_STAFF)
def care_tasks(ctx, error=None):
    view = "mine" if ctx.role == "sales" else ctx.request.args.get("view", "all" if ctx.role == "manager" else "queue")
    # The kind in the reader's language (a kind the console has no words for shows as it is).
    rows = [{**row, "kind": ctx.t(f"care_kind.{row['kind']}", default=row["kind"])}
            for row in ctx.api.get("customer_retention", "/care-tasks", view=view)["tasks"]]
    return ctx.render("care_tasks.html", rows=rows, outcomes=CARE_OUTCOMES, error=error,
                      status=error.status if error else 200)


@routes.page("/care-tasks/<int:task_id>/complete", methods=("POST",), roles=CUSTOMER_STAFF)
def complete_care_task(ctx, task_id):
    return ctx.act("customer_retention", "POST", f"/care-tasks/{task_id}/completion",
                   {"outcome": ctx.form("outcome"), "notes": ctx.form("notes")},
                   lambda error: care_tasks(ctx, error=error), "/care-tasks", "done.task_complete")
