"""Signing in through identity (staff id and password), signing out, one's own password and acting
role, language."""
import logging

from werkzeug.utils import redirect

from services.web_console import formatting, nav, session, texts
from services.web_console.api import ApiError
from services.web_console.routing import routes

log = logging.getLogger(__name__)
ENDED = ("idle", "expired", "disabled", "password_reset", "password_changed", "signed_out", "no_role")
MAX_PASSWORD = 256


@routes.page("/", public=True)
def index(ctx):
    if not ctx.identity:
        return redirect("/signin", code=303)
    if ctx.identity.must_change_password:
        return redirect(nav.PASSWORD_PAGE, code=303)
    home = nav.home(ctx.role)
    if home != "/":
        return redirect(home, code=303)
    return ctx.render("home.html", notice=ctx.t("home.no_pages"))   # signed in, with nothing to open here


def signin_page(ctx, status=200, **values):
    """The sign-in form, with the single sign-on link when identity offers it."""
    return ctx.render("signin.html", status=status, sso=ctx.console.identity.sso_enabled(), **values)


@routes.page("/signin", methods=("GET", "POST"), public=True)
def sign_in(ctx):
    if ctx.request.method == "GET":
        ended = ctx.request.args.get("ended")
        notice = ctx.t(f"signin.ended.{ended if ended in ENDED else 'other'}") if ended else None
        return signin_page(ctx, notice=notice)
    staff_id, password = ctx.form("staff_id"), ctx.request.form.get("password", "")
    if not staff_id or not password or len(staff_id) > 64 or len(password) > MAX_PASSWORD:
        return signin_page(ctx, problem=ctx.t("signin.problem"), staff_id=staff_id[:64], status=400)
    try:
        person = ctx.console.identity.sign_in(staff_id, password, session.client_address(ctx.settings, ctx.request))
    except ApiError as refused:
        return signin_page(ctx, problem=refusal_text(ctx, refused), staff_id=staff_id, status=refused.page_status)
    return signed_in(ctx, person, redirect(after_sign_in(person), code=303))


def after_sign_in(person):
    return nav.PASSWORD_PAGE if person.must_change_password else nav.home(person.role)


def signed_in(ctx, person, response):
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


@routes.page(nav.PASSWORD_PAGE, methods=("GET", "POST"), with_one_time_password=True)
def change_password(ctx):
    """Anyone's own password; the only page someone on a one-time password is let see until it is changed."""
    if ctx.request.method == "GET":
        return password_page(ctx)
    current, new = ctx.request.form.get("current_password", ""), ctx.request.form.get("new_password", "")
    if not current or not new or max(len(current), len(new)) > MAX_PASSWORD:
        return password_page(ctx, ctx.t("password.fill_in"), 400)
    if new != ctx.request.form.get("new_password_again"):
        return password_page(ctx, ctx.t("password.not_the_same"), 422)
    try:
        person = ctx.console.identity.change_password(ctx.identity.session_id, current, new)
    except ApiError as refused:
        return password_page(ctx, password_refusal(ctx, refused), refused.page_status)
    return ctx.redirect(nav.home(person.role), ok="done.password_changed")


def password_page(ctx, problem=None, status=200):
    return ctx.render("password.html", status=status, forced=ctx.identity.must_change_password, problem=problem)


def password_refusal(ctx, refused):
    """Identity's refusal of a new password as a sentence: the rule it breaks, or a wrong current one."""
    key = f"password.rule.{refused.details.get('rule')}" if refused.code == "weak_password" else \
        f"password.{refused.code}"
    return ctx.t(key) if key in texts.TEXTS else formatting.error_text(refused, ctx.t)


@routes.page("/account/role", methods=("POST",))
def switch_role(ctx):
    """Act in another of one's roles (identity checks it is one): its pages and its token from now on."""
    person = ctx.console.identity.switch_role(ctx.identity.session_id, ctx.form("role"))
    return ctx.redirect(nav.home(person.role), ok="done.role_switched")


@routes.page("/lang/<lang>", public=True)
def choose_language(ctx, lang):
    back = ctx.request.referrer or "/"
    response = redirect(back if back.startswith(("/", ctx.request.host_url)) else "/", code=303)
    session.choose_language(response, lang)
    return response
