"""Managers: scorecards (all staff at a glance, one person's card, both downloadable), the fines ledger (issue,
notice, payments), the pipeline, dead letters (replayed from here, with who and when kept)."""
from urllib.parse import quote

from services.web_console import dead_letter_reasons, pipeline, replays, tables
from services.web_console.api import ApiError
from services.web_console.formatting import local_today
from services.web_console.routing import routes
from shared import config as suite_config
from shared.messaging.dead_letters import list_dead_letters

LEADS = ("manager", "supervisor")
MANAGERS = ("manager",)
PERIODS = ("day", "week", "month")
COLOURS = ("green", "yellow", "red")
FINE_RULES = ("unexecuted_order", "unrecorded_visit", "fake_visit")   # the ones a manager issues by hand
CARD_COLUMNS = [("staff_id", "col.staff_id"), ("name", "cards.col.name"), ("figure", "figure"), ("value", "value"),
                ("target", "target"), ("colour", "col.colour"), ("note", "note")]


def _period(ctx):
    period = ctx.request.args.get("period", "day")
    return period if period in PERIODS else "day"


def note_text(ctx, figure):
    """A figure's note (a code with parameters) in the reader's language."""
    if not figure.get("note"):
        return ""
    params = dict(figure.get("note_params") or {})
    if "rank" in params:
        params["rank"] = ctx.t(f"rank.{params['rank']}", default=params["rank"])
    return ctx.t(f"card.note.{figure['note']}", **params)


def _figure_rows(ctx, card):
    return [{"staff_id": card["staff_id"], "name": card["name"],
             "figure": ctx.t(f"figure.{f['name']}", default=f["name"]), "value": f["value"],
             "target": "" if f["target"] is None else f["target"],
             "colour": ctx.t(f"colour.{f['colour']}") if f["colour"] else "", "note": note_text(ctx, f)}
            for f in card["figures"]]


def glance_rows(ctx, cards, period):
    """One bar a person: how many of their figures are green, yellow and red."""
    rows = []
    for card in cards:
        counts = {colour: sum(1 for f in card["figures"] if f["colour"] == colour) for colour in COLOURS}
        rows.append({"label": f"{card['name']} ({card['staff_id']})",
                     "href": f"/scorecards?staff_id={quote(card['staff_id'])}&period={period}",
                     "parts": [(colour, counts[colour], ctx.t(f"colour.{colour}")) for colour in COLOURS]})
    return rows


@routes.page("/scorecards", roles=LEADS)
def scorecards(ctx):
    staff_id, period = ctx.request.args.get("staff_id", ""), _period(ctx)
    people = ctx.api.get("staff_performance", "/staff")["staff"]
    card = ctx.api.get("staff_performance", f"/staff/{quote(staff_id, safe='')}/scorecard", period=period) \
        if staff_id else None
    everyone = None if card else ctx.api.get("staff_performance", "/scorecards", period=period)
    return ctx.render("scorecards.html", people=people, card=card, staff_id=staff_id, period=period,
                      periods=PERIODS, everyone=everyone, kinds=tables.KINDS,
                      glance=glance_rows(ctx, everyone["cards"], period) if everyone else [],
                      legend=[(c, ctx.t(f"colour.{c}")) for c in COLOURS], note=lambda f: note_text(ctx, f))


@routes.page("/scorecards.<kind>", roles=LEADS)
def scorecards_file(ctx, kind):
    """One person's card (`staff_id`), else everyone's, for the period: a row a figure."""
    staff_id, period = ctx.request.args.get("staff_id", ""), _period(ctx)
    if staff_id:
        cards = [ctx.api.get("staff_performance", f"/staff/{quote(staff_id, safe='')}/scorecard", period=period)]
    else:
        cards = ctx.api.get("staff_performance", "/scorecards", period=period)["cards"]
    first = cards[0]["from"] if cards else local_today()
    rows = [row for card in cards for row in _figure_rows(ctx, card)]
    return tables.download(ctx, kind, f"scorecards-{staff_id or 'all'}-{period}-{first}", CARD_COLUMNS, rows)


@routes.page("/fines", roles=LEADS)
def fines(ctx, error=None):
    staff_id = ctx.request.args.get("staff_id", "")
    ledger = ctx.api.get("staff_performance", "/fines", **({"staff_id": staff_id} if staff_id else {}))
    people = [p for p in ctx.api.get("staff_performance", "/staff")["staff"] if p["registered"] and p["active"]]
    return ctx.render("fines.html", ledger=ledger, staff_id=staff_id, people=people, rules=FINE_RULES,
                      today=local_today(), may_act=ctx.role in MANAGERS, error=error,
                      status=error.status if error else 200)


@routes.page("/fines", methods=("POST",), roles=MANAGERS)
def issue_fine(ctx):
    """Past the ladder's last rung the rules say dismissal: no money, a flag for a manager, and the page says so."""
    body = {name: ctx.form(name) for name in ("staff_id", "rule", "day", "reason")}
    try:
        fine = ctx.api.request("staff_performance", "POST", "/fines", body, key=ctx.key()).json()
    except ApiError as error:
        return fines(ctx, error=error)
    return ctx.redirect("/fines", ok="fines.done.flagged" if fine.get("flag") else "fines.done.issued")


@routes.page("/fines/<int:fine_id>/notice", methods=("POST",), roles=MANAGERS)
def give_notice(ctx, fine_id):
    return ctx.act("staff_performance", "POST", f"/fines/{fine_id}/notice", {"day": ctx.form("day")},
                   lambda error: fines(ctx, error=error), "/fines", "fines.done.noticed")


@routes.page("/fines/<int:fine_id>/payments", methods=("POST",), roles=MANAGERS)
def pay_fine(ctx, fine_id):
    body = {"amount": ctx.form("amount"), "day": ctx.form("day")}
    return ctx.act("staff_performance", "POST", f"/fines/{fine_id}/payments", body,
                   lambda error: fines(ctx, error=error), "/fines", "fines.done.paid")


STAGE_COLOURS = {"order_reviewed": "#1565c0", "line_picked": "#6a1b9a", "parcel_packed": "#ef6c00",
                 "parcel_handed_over": "#2e7d32"}


def flow_series(ctx, flow):
    """Orders per stage in each hour of the day, as the chart's lines, in the reader's language."""
    return [{"label": ctx.t(f"flow.{s['stage']}", total=s["total"]), "colour": STAGE_COLOURS.get(s["stage"], "#555"),
             "values": s["hours"]} for s in flow["stages"]]


@routes.page("/pipeline", roles=LEADS)
def pipeline_board(ctx):
    board = pipeline.board(ctx.api, ctx.settings.carriers, local_today())
    if ctx.htmx:   # the board refreshing itself: the day's chart stays as drawn
        return ctx.render("pipeline.html", board=board, refresh=ctx.settings.refresh_seconds)
    try:
        flow, flow_error = flow_series(ctx, ctx.api.get("staff_performance", "/flow")), None
    except ApiError as error:
        flow, flow_error = None, error
    return ctx.render("pipeline.html", board=board, refresh=ctx.settings.refresh_seconds, flow=flow,
                      flow_error=flow_error, hours=[f"{h:02d}" for h in range(24)])


@routes.page("/dead-letters", roles=MANAGERS)
def dead_letters(ctx, outcome=None):
    queues = []
    for service in suite_config.SERVICES:
        try:
            queues.append((service, list_dead_letters(ctx.settings.amqp_uri, service), None))
        except Exception as exc:   # the broker's refusal, shown on the page for this one queue
            queues.append((service, [], ApiError(503, "broker", str(exc))))
    return ctx.render("dead_letters.html", queues=queues, outcome=outcome,
                      replays=replays.recent(ctx.settings.replay_log), reason_kind=dead_letter_reasons.kind_of)


@routes.page("/dead-letters/replay", methods=("POST",), roles=MANAGERS)
def replay_dead_letter(ctx):
    service, letter_id = ctx.form("service"), ctx.form("letter_id")
    if service not in suite_config.SERVICES or not letter_id:
        return dead_letters(ctx, outcome=ApiError(400, "replay_unknown", ""))
    try:
        replays.replay(ctx.settings, service, letter_id, ctx.identity.staff_id)
    except replays.NotReplayed as why:
        return dead_letters(ctx, outcome=ApiError(409, why.code, str(why)))
    except Exception as exc:   # the broker: the letter stays where it is, and the page says so
        return dead_letters(ctx, outcome=ApiError(503, "broker", str(exc)))
    return ctx.redirect("/dead-letters", ok="dead_letters.replayed")
