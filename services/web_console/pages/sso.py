"""Single sign-on through the department's identity provider (OpenID Connect, run by identity): the
link on the sign-in page starts it here, the provider sends the person back to the callback.

Two things the browser decides (services/identity/SSO.md, tried in headless Chromium): the start is a
link, not a form (the pages' CSP allows forms to post only here, and this answer goes to the
provider); and the callback answers a page that moves on, not a redirect: on a navigation that came
from the provider's site, the SameSite=Strict session cookie is not sent until the next one."""
from werkzeug.utils import redirect

from services.web_console import session, texts
from services.web_console.api import ApiError
from services.web_console.pages.account import after_sign_in, signed_in, signin_page
from services.web_console.routing import routes

CALLBACK = "/sso/callback"
FLOW_COOKIE = "sso_flow"
FLOW_MAX_AGE = 600   # identity keeps the flow as long (IDENTITY_OIDC_FLOW_MAX_AGE_SECONDS)


@routes.page("/sso/start", public=True)
def start(ctx):
    try:
        url, flow = ctx.console.identity.sso_start()
    except ApiError as refused:
        return signin_page(ctx, problem=refusal_text(ctx, refused), status=refused.page_status)
    response = redirect(url, code=303)
    # Lax, not Strict: the browser must send it on the provider's cross-site redirect back to the callback.
    response.set_cookie(FLOW_COOKIE, flow, max_age=FLOW_MAX_AGE, path=CALLBACK, httponly=True, samesite="Lax",
                        secure=session.over_https(ctx.settings, ctx.request))
    return response


@routes.page(CALLBACK, public=True)
def callback(ctx):
    """Identity finishes the sign-in with the provider (the flow of this browser's cookie, the query as
    the provider sent it); the flow cookie goes either way."""
    flow = ctx.request.cookies.get(FLOW_COOKIE, "")
    try:
        if not flow:   # expired, or another browser's link
            raise ApiError(403, "sso_refused", "", details={"reason": "state_mismatch"})
        person = ctx.console.identity.sso_finish(flow, ctx.request.query_string.decode("latin-1"),
                                                 session.client_address(ctx.settings, ctx.request))
    except ApiError as refused:
        response = signin_page(ctx, problem=refusal_text(ctx, refused), status=refused.page_status)
    else:
        response = signed_in(ctx, person, ctx.render("moving_on.html", to=after_sign_in(person)))
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK)
    return response


def refusal_text(ctx, refused):
    """Why single sign-on said no, as a sentence (never the provider's own words)."""
    if refused.code == "sso_refused":
        reason = refused.details.get("reason")
        return ctx.t(f"sso.{reason}" if f"sso.{reason}" in texts.TEXTS else "sso.other")
    key = f"signin.{refused.code}" if f"signin.{refused.code}" in texts.TEXTS else f"sso.{refused.code}"
    return ctx.t(key if key in texts.TEXTS else "sso.other")
