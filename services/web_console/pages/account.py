"""Signing in through identity (staff id and password), signing out, language."""
import logging

from werkzeug.utils import redirect

from services.web_console import formatting, nav, session, texts
from services.web_console.api import ApiError
from services.web_console.routing import routes

log = logging.getLogger(__name__)
ENDED = ("idle", "expired", "disabled", "password_reset", "password_changed", "signed_out")


@routes.page("/", public=True)
def index(ctx):
    if not ctx.identity:
        return redirect("/signin", code=303)
    home = nav.home(ctx.role)
    if home != "/" and not ctx.identity.must_change_password:
        return redirect(home, code=303)
    # Signed in, with nothing to open here yet: say so, and why.
    key = "error.must_change_password" if ctx.identity.must_change_password else "home.no_pages"
    return ctx.render("home.html", notice=ctx.t(key))


@routes.page("/signin", methods=("GET", "POST"), public=True)
def sign_in(ctx):
    if ctx.request.method == "GET":
        ended = ctx.request.args.get("ended")
        notice = ctx.t(f"signin.ended.{ended if ended in ENDED else 'other'}") if ended else None
        return ctx.render("signin.html", notice=notice)
    staff_id, password = ctx.form("staff_id"), ctx.request.form.get("password", "")
    if not staff_id or not password or len(staff_id) > 64 or len(password) > 256:
        return ctx.render("signin.html", problem=ctx.t("signin.problem"), staff_id=staff_id[:64], status=400)
    try:
        person = ctx.console.identity.sign_in(staff_id, password, session.client_address(ctx.settings, ctx.request))
    except ApiError as refused:
        return ctx.render("signin.html", problem=refusal_text(ctx, refused), staff_id=staff_id,
                          status=refused.status if refused.status >= 400 else 502)
    response = redirect(nav.home(person.role), code=303)
    session.start(ctx.settings, ctx.request, response, person)
    return response


def refusal_text(ctx, refused):
    """Identity's refusal as a sentence; never which of staff id and password was wrong."""
    key = f"signin.{refused.code}"
    if key not in texts.TEXTS:
        return formatting.error_text(refused, ctx.t)
    return ctx.t(key, until=formatting.local(refused.details.get("until")))


@routes.page("/signout", methods=("POST",), public=True)
def sign_out(ctx):
    session_id = session.session_id(ctx.request)
    if session_id:
        try:
            ctx.console.identity.sign_out(session_id)
        except ApiError as error:   # the cookie still goes; identity ends the session when it idles
            log.warning("sign-out not recorded at identity: %s", error.message)
    response = redirect("/signin?ended=signed_out", code=303)
    session.forget(response)
    return response


@routes.page("/lang/<lang>", public=True)
def choose_language(ctx, lang):
    back = ctx.request.referrer or "/"
    response = redirect(back if back.startswith(("/", ctx.request.host_url)) else "/", code=303)
    session.choose_language(response, lang)
    return response
