"""The blacklist (黑名单, order review): supervisors and managers list phones, addresses and customers
(new orders naming one are held BLACKLISTED for a reviewer), take entries off with a reason, and read who
listed and unlisted what, when and why. Refusals arrive as codes with parameters, worded here."""
from services.web_console import formatting
from services.web_console.pages.review import refusal as review_refusal
from services.web_console.routing import routes

KEEPERS = ("supervisor", "manager")
KINDS = ("phone", "address", "customer")


@routes.page("/blacklist", roles=KEEPERS)
def blacklist_page(ctx, error=None):
    listed = ctx.api.get("order_review", "/blacklist")
    return ctx.render("blacklist.html", entries=listed["entries"], audit=listed["audit"], kinds=KINDS,
                      refusal=refusal(ctx.t, error) if error else None, status=error.status if error else 200)


@routes.page("/blacklist/add", methods=("POST",), roles=KEEPERS)
def add(ctx):
    body = {"kind": ctx.form("kind"), "value": ctx.form("value"), "reason": ctx.form("reason")}
    return ctx.act("order_review", "POST", "/blacklist", body, lambda error: blacklist_page(ctx, error=error),
                   "/blacklist", "done.blacklist_add")


@routes.page("/blacklist/<int:entry_id>/unlist", methods=("POST",), roles=KEEPERS)
def unlist(ctx, entry_id):
    return ctx.act("order_review", "POST", f"/blacklist/{entry_id}/unlist", {"reason": ctx.form("reason")},
                   lambda error: blacklist_page(ctx, error=error), "/blacklist", "done.blacklist_unlist")


def refusal(t, error):
    details = error.details
    if error.code == "bad_blacklist_value":
        problem = (error.fields or {}).get("value", [""])[0]
        return t("blacklist_error.bad_blacklist_value", problem=t(f"blacklist_problem.{problem}", default=problem))
    key = f"blacklist_error.{error.code}"
    if t(key, default=""):
        try:
            return t(key, **details)
        except (KeyError, IndexError, ValueError):
            return formatting.error_text(error, t)
    return review_refusal(t, error)
