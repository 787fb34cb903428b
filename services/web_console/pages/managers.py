"""Managers: scorecards, the fines ledger, the protection pool, care tasks, the pipeline, dead letters.
Sales reps claim, renew and release customers in the pool; reps and the care team complete care tasks."""
from contracts.customer_retention import CARE_OUTCOMES
from services.web_console import pipeline
from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes
from shared import config as suite_config
from shared.messaging.dead_letters import list_dead_letters

LEADS = ("manager", "supervisor")
CUSTOMER_STAFF = ("manager", "sales", "care")
PERIODS = ("day", "week", "month")


@routes.page("/scorecards", roles=LEADS)
def scorecards(ctx):
    staff_id, period = ctx.request.args.get("staff_id", ""), ctx.request.args.get("period", "day")
    people = ctx.api.get("staff_performance", "/staff")["staff"]
    card = ctx.api.get("staff_performance", f"/staff/{staff_id}/scorecard", period=period) if staff_id else None
    return ctx.render("scorecards.html", people=people, card=card, staff_id=staff_id, period=period,
                      periods=PERIODS)


@routes.page("/fines", roles=LEADS)
def fines(ctx):
    staff_id = ctx.request.args.get("staff_id", "")
    ledger = ctx.api.get("staff_performance", "/fines", **({"staff_id": staff_id} if staff_id else {}))
    return ctx.render("fines.html", ledger=ledger, staff_id=staff_id)


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


@routes.page("/pipeline", roles=LEADS)
def pipeline_board(ctx):
    board = pipeline.board(ctx.api, ctx.settings.carriers, local_today())
    return ctx.render("pipeline.html", board=board, refresh=ctx.settings.refresh_seconds)


@routes.page("/dead-letters", roles=("manager",))
def dead_letters(ctx):
    queues = []
    for service in suite_config.SERVICES:
        try:
            queues.append((service, list_dead_letters(ctx.settings.amqp_uri, service), None))
        except Exception as exc:   # the broker's refusal, shown on the page for this one queue
            queues.append((service, [], ApiError(503, "broker", str(exc))))
    return ctx.render("dead_letters.html", queues=queues)
