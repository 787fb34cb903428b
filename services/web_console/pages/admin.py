"""Administrators (role admin): people's accounts (create, roles, disable and enable, password reset,
each account's audit) and machines' API keys (register, revoke). Identity does the work and keeps the
audit; a one-time password or a key is shown on the answer to the form that made it, once, and never
again (nothing keeps it: not the console, not identity, not a URL)."""
from urllib.parse import quote

from services.web_console.api import ApiError
from services.web_console.routing import routes
from shared.web.auth import PERSON_ROLES, Role

ADMIN = (Role.ADMIN.value,)
KEY_ROLES = (Role.SCANNER.value, Role.CARRIER.value, Role.CLOCK.value)   # the console's own key is deploy's
ACCOUNT = "/admin/account"


def _account_path(staff_id, action=""):
    return f"/accounts/{quote(staff_id, safe='')}{action}"


@routes.page("/admin/accounts", roles=ADMIN)
def accounts(ctx, error=None, values=None):
    listing = ctx.api.get("identity", "/accounts")["accounts"]
    return ctx.render("admin_accounts.html", accounts=listing, roles=PERSON_ROLES, values=values or {},
                      error=error, status=error.page_status if error else 200)


@routes.page("/admin/accounts", methods=("POST",), roles=ADMIN)
def create_account(ctx):
    body = {"staff_id": ctx.form("staff_id"), "name": ctx.form("name"), "roles": ctx.request.form.getlist("roles")}
    try:
        made = ctx.api.post("identity", "/accounts", body)
    except ApiError as error:
        return accounts(ctx, error=error, values=ctx.request.form)
    return shown_once(ctx, "account", made["one_time_password"], staff_id=made["staff_id"])


@routes.page(ACCOUNT, roles=ADMIN)
def account(ctx, error=None, staff_id=None):
    staff_id = staff_id or ctx.request.args.get("staff_id", "")
    found = [a for a in ctx.api.get("identity", "/accounts")["accounts"] if a["staff_id"] == staff_id]
    if not found:
        raise ApiError(404, "no_such_account", "")
    audit = ctx.api.get("identity", _account_path(staff_id, "/audit"))["changes"]
    return ctx.render("admin_account.html", account=found[0], audit=audit, roles=PERSON_ROLES, error=error,
                      status=error.page_status if error else 200)


@routes.page(f"{ACCOUNT}/<any(roles, disable, enable):change>", methods=("POST",), roles=ADMIN)
def change_account(ctx, change):
    """Roles, disable, enable: identity refuses what would leave no enabled administrator (last_admin)."""
    staff_id = ctx.form("staff_id")
    method, path, body = ("PUT", "/roles", {"roles": ctx.request.form.getlist("roles")}) if change == "roles" \
        else ("POST", f"/{change}", {})
    return ctx.act("identity", method, _account_path(staff_id, path), body,
                   lambda error: account(ctx, error=error, staff_id=staff_id), ACCOUNT, f"done.account_{change}",
                   staff_id=staff_id)


@routes.page(f"{ACCOUNT}/password-reset", methods=("POST",), roles=ADMIN)
def reset_password(ctx):
    staff_id = ctx.form("staff_id")
    try:
        reset = ctx.api.post("identity", _account_path(staff_id, "/password-reset"))
    except ApiError as error:
        return account(ctx, error=error, staff_id=staff_id)
    return shown_once(ctx, "password_reset", reset["one_time_password"], staff_id=staff_id)


@routes.page("/admin/api-keys", roles=ADMIN)
def api_keys(ctx, error=None, values=None):
    listing = ctx.api.get("identity", "/api-keys")["api_keys"]
    return ctx.render("admin_api_keys.html", keys=listing, roles=KEY_ROLES, values=values or {}, error=error,
                      status=error.page_status if error else 200)


@routes.page("/admin/api-keys", methods=("POST",), roles=ADMIN)
def register_api_key(ctx):
    body = {name: ctx.form(name) for name in ("role", "subject", "label")}
    try:
        made = ctx.api.post("identity", "/api-keys", body)
    except ApiError as error:
        return api_keys(ctx, error=error, values=ctx.request.form)
    return shown_once(ctx, "api_key", made["key"], key=made)


@routes.page("/admin/api-keys/revoke", methods=("POST",), roles=ADMIN)
def revoke_api_key(ctx):
    return ctx.act("identity", "DELETE", f"/api-keys/{quote(ctx.form('key_id'), safe='')}", None,
                   lambda error: api_keys(ctx, error=error), "/admin/api-keys", "done.api_key_revoked")


def shown_once(ctx, kind, secret, **values):
    """The page that shows a one-time password or a key, this once: not kept by the browser either."""
    response = ctx.render("shown_once.html", kind=kind, secret=secret, **values)
    response.headers["Cache-Control"] = "no-store"
    return response
