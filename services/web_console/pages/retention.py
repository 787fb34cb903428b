"""Customer retention: sales reps look a customer up, then claim, renew and release it in the protection pool
(保护库); reps and the care team complete care tasks; managers watch both."""
from contracts.customer_retention import CARE_OUTCOMES
from services.web_console import formatting
from services.web_console.api import ApiError
from services.web_console.routing import routes

CUSTOMER_STAFF = ("manager", "sales", "care")


def _lookup(ctx, q):
    """(customers the text may mean, whether one of them is exactly the company typed), or ([], False)."""
    if not q:
        return [], False
    found = ctx.api.get("customer_retention", "/customers/lookup", q=q)["customers"]
    return found, any(customer["match"] == "name" and customer["display_name"] == q for customer in found)


def _done_message(ctx, rows):
    """A claim or renewal says until when the customer is protected (in local time)."""
    args = ctx.request.args
    for done, key in (("claimed", "pool.claimed_until"), ("renewed", "pool.renewed_until")):
        if args.get(done):
            row = next((row for row in rows if row["customer_key"] == args[done]), None)
            if row is not None:
                return ctx.t(key, name=row["name"], until=formatting.local(row["expires_at"]))
    return None


def _local_times(error):
    """A refusal's moments (expires_at, until) in local time, for its sentence."""
    if error is not None:
        error.details = {name: formatting.local(value) if isinstance(value, str) and (
            name.endswith("_at") or name == "until") else value for name, value in error.details.items()}
    return error


@routes.page("/pool", roles=CUSTOMER_STAFF)
def protection_pool(ctx, error=None):
    error = _local_times(error)
    rows = ctx.api.get("customer_retention", "/pool")["pool"]
    is_rep = ctx.role == "sales"
    q = ctx.request.args.get("q", "").strip() if is_rep else ""
    suggestions, exact = _lookup(ctx, q)
    releasing = next((row for row in rows if row["customer_key"] == ctx.request.args.get("release")), None)
    ok = _done_message(ctx, rows)
    return ctx.render("pool.html", rows=rows, is_rep=is_rep, error=error, status=error.status if error else 200,
                      q=q, suggestions=suggestions, exact=exact, releasing=releasing if is_rep else None,
                      **({"ok": ok} if ok else {}))


@routes.page("/pool/suggestions", roles=("sales",))
def pool_suggestions(ctx):
    """The customers a rep's text may mean, as they type (htmx)."""
    q = ctx.request.args.get("q", "").strip()
    try:
        suggestions, exact = _lookup(ctx, q)
    except ApiError as error:
        return ctx.render("_pool_suggestions.html", q=q, suggestions=[], exact=False, error=error)
    return ctx.render("_pool_suggestions.html", q=q, suggestions=suggestions, exact=exact)


@routes.page("/pool/<action>", methods=("POST",), roles=("sales",))
def pool_action(ctx, action):
    """claim (a known customer's key, or a new company's registered name), renew or release (rules §7); a release
    comes from its confirmation (pool.html, ?release=)."""
    paths = {"claim": "/pool/claims", "renew": "/pool/renewals", "release": "/pool/releases"}
    if action not in paths:
        raise ApiError(404, "not_found", "")
    fields = ("customer_key", "company_name") if action == "claim" else ("customer_key",)
    body = {name: ctx.form(name) for name in fields if ctx.form(name)}
    try:
        answer = ctx.api.request("customer_retention", "POST", paths[action], body, key=ctx.key()).json()
    except ApiError as error:
        return protection_pool(ctx, error=error)
    if action == "release":
        return ctx.redirect("/pool", ok="done.pool_release")
    return ctx.redirect("/pool", **{"claimed" if action == "claim" else "renewed": answer["customer_key"]})


@routes.page("/care-tasks", roles=CUSTOMER_STAFF)
def care_tasks(ctx, error=None):
    view = "mine" if ctx.role == "sales" else ctx.request.args.get("view", "all" if ctx.role == "manager" else "queue")
    tasks = ctx.api.get("customer_retention", "/care-tasks", view=view)["tasks"]
    return ctx.render("care_tasks.html", rows=[_task_row(ctx, task) for task in tasks], outcomes=CARE_OUTCOMES,
                      error=error, status=error.status if error else 200)


def _task_row(ctx, task):
    """A task as the care page lists it: whom to call first, what about in the reader's words, by when."""
    kind = task["kind"]
    params = dict(task.get("summary_params") or {})
    if params.get("last_order_at"):
        params["last_order_at"] = formatting.local(params["last_order_at"])
    try:
        what = ctx.t(f"care_summary.{kind}", default="", **params)
    except (KeyError, IndexError, ValueError):   # a task opened before its kind had parameters
        what = ""
    return {"id": task["id"], "colour": task["colour"],
            "customer_name": task.get("customer_name") or "", "customer_phone": task.get("customer_phone") or "",
            "company": task.get("company") or "",
            "kind": ctx.t(f"care_kind.{kind}", default=kind), "what": what, "order_no": task["order_no"] or "",
            "assignee": task["assignee"] or "", "due_at": task["due_at"], "overdue": task["overdue"]}


@routes.page("/care-tasks/<int:task_id>/complete", methods=("POST",), roles=CUSTOMER_STAFF)
def complete_care_task(ctx, task_id):
    return ctx.act("customer_retention", "POST", f"/care-tasks/{task_id}/completion",
                   {"outcome": ctx.form("outcome"), "notes": ctx.form("notes")},
                   lambda error: care_tasks(ctx, error=error), "/care-tasks", "done.task_complete")
