"""The after-sales duty roster (值班客服, issue 23): who is on duty now and their open cases, who the next case for an
agent on duty goes to; a supervisor puts agents on duty and takes them off."""
from urllib.parse import quote

from services.web_console.routing import routes

READERS, KEEPERS = ("agent", "supervisor", "manager"), ("supervisor",)


@routes.page("/cases/roster", roles=READERS)
def roster(ctx, error=None):
    return ctx.render("case_roster.html", roster=ctx.api.get("after_sales", "/roster"),
                      may_change=ctx.role in KEEPERS, error=error, status=error.status if error else 200)


@routes.page("/cases/roster/put", methods=("POST",), roles=KEEPERS)
def put_on_duty(ctx):
    return _change(ctx, "PUT", "done.roster_put")


@routes.page("/cases/roster/remove", methods=("POST",), roles=KEEPERS)
def take_off_duty(ctx):
    return _change(ctx, "DELETE", "done.roster_remove")


def _change(ctx, method, ok):
    path = f"/roster/{quote(ctx.form('staff_id'), safe='')}"
    return ctx.act("after_sales", method, path, None, lambda error: roster(ctx, error=error), "/cases/roster", ok)
