"""The duty rota (值班表, seed 001: 每天2人值班): a week, Monday to Sunday, with who is on duty each day and
their attendance once judged; days short of people in red. Managers put people on duty and take them off."""
from datetime import date, timedelta
from urllib.parse import quote

from services.web_console.routing import routes
from shared.web.days import FIRST_DAY, LAST_DAY

READERS, KEEPERS = ("manager", "supervisor"), ("manager",)


@routes.page("/rota", roles=READERS)
def rota_week(ctx, error=None, week=None):
    week = week or ctx.request.args.get("week")
    rota = ctx.api.get("staff_performance", "/rota", **({"week": week} if week else {}))
    first = date.fromisoformat(rota["first"])
    people = [p for p in ctx.api.get("staff_performance", "/staff")["staff"] if p["registered"] and p["active"]]
    return ctx.render("rota.html", rota=rota, people=people, may_change=ctx.role in KEEPERS, error=error,
                      previous_week=(first - timedelta(days=7)).isoformat(),
                      next_week=(first + timedelta(days=7)).isoformat(), status=error.status if error else 200)


@routes.page("/rota/add", methods=("POST",), roles=KEEPERS)
def put_on_duty(ctx):
    hours = {name: ctx.form(name) for name in ("start", "end") if ctx.form(name)}
    return _change(ctx, "PUT", hours, "done.rota_add")


@routes.page("/rota/remove", methods=("POST",), roles=KEEPERS)
def take_off_duty(ctx):
    return _change(ctx, "DELETE", None, "done.rota_remove")


def _change(ctx, method, body, ok):
    """The service checks the day and the person; the page comes back on the week of that day."""
    day, staff_id = ctx.form("day"), ctx.form("staff_id")
    week = _week(day)
    path = f"/rota/{quote(day, safe='')}/{quote(staff_id, safe='')}"
    return ctx.act("staff_performance", method, path, body, lambda error: rota_week(ctx, error=error, week=week),
                   "/rota", ok, **({"week": week} if week else {}))


def _week(text):
    """The week to show again: the form's day if it is one the service keeps, else this week."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day.isoformat() if FIRST_DAY <= day <= LAST_DAY else None
