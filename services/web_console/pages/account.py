"""Sign-in (development: mints the services' token for a staff id and role), sign-out, language."""
from werkzeug.utils import redirect

from services.web_console import nav, session
from services.web_console.routing import routes


@routes.page("/", public=True)
def index(ctx):
    return redirect(nav.home(ctx.role) if ctx.identity else "/signin", code=303)


@routes.page("/signin", methods=("GET", "POST"), public=True)
def sign_in(ctx):
    staff_id, role = ctx.form("staff_id"), ctx.form("role")
    if ctx.request.method == "GET" or not staff_id or role not in nav.SIGN_IN_ROLES or len(staff_id) > 64:
        problem = ctx.request.method == "POST"
        return ctx.render("signin.html", roles=nav.SIGN_IN_ROLES, problem=problem, status=400 if problem else 200)
    response = redirect(nav.home(role), code=303)
    session.sign_in(ctx.settings, response, staff_id, role)
    return response


@routes.page("/signout", methods=("POST",), public=True)
def sign_out(ctx):
    response = redirect("/signin", code=303)
    session.sign_out(response)
    return response


@routes.page("/lang/<lang>", public=True)
def choose_language(ctx, lang):
    back = ctx.request.referrer or "/"
    response = redirect(back if back.startswith(("/", ctx.request.host_url)) else "/", code=303)
    session.choose_language(response, lang)
    return response
