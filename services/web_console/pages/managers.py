"""Managers: scorecards, the fines ledger, the pipeline, dead letters."""
from services.web_console import pipeline
from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes
from shared import config as suite_config
from shared.messaging.dead_letters import list_dead_letters

LEADS = ("manager", "supervisor")
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
