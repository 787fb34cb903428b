"""The console as a WSGI app: routing, the signed-in person, templates, readable errors."""
import logging
import uuid
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from services.web_console import csrf, formatting, nav, session, texts
from services.web_console.api import Api, ApiError
from services.web_console.identity import IdentityApi, SessionEnded
from services.web_console.routing import routes
from shared.web.security_headers import PAGES_POLICY, SecurityHeaders

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


class Context:
    """What a page handler gets: the request, the person, their API client, and rendering."""

    def __init__(self, console, request):
        self.console, self.request, self.settings = console, request, console.settings
        self.lang = session.language(request)
        self.ended = None            # why identity says the cookie's session is over
        self.identity_error = None   # identity could not say
        self.new_presession = None   # a pre-session id made for this answer's forms (its cookie goes with it)

    @cached_property
    def identity(self):
        """The signed-in person, asked of identity once per request (None: nobody, or it has ended)."""
        session_id = session.session_id(self.request)
        if not session_id:
            return None
        try:
            return self.console.identity.current(session_id, activity=not self.refreshing)
        except SessionEnded as ended:
            self.ended = ended.why
        except ApiError as error:
            self.identity_error = error
        return None

    @cached_property
    def api(self):
        return Api(self.settings, self.identity.token if self.identity else None)

    @property
    def role(self):
        return self.identity.role if self.identity else None

    def t(self, key, **values):
        return texts.translate(self.lang, key, **values)

    def csrf_binding(self, create=False):
        """What this browser's forms are bound to: its session id, else its pre-session id (made now
        if `create`: a page with a form for someone not signed in)."""
        binding = session.session_id(self.request) or session.presession_id(self.request) or self.new_presession
        if binding is None and create:
            binding = self.new_presession = session.new_presession_id()
        return binding

    def csrf_token(self):
        return csrf.token(self.console.csrf_key, self.csrf_binding(create=True))

    def csrf_field(self):
        """The hidden input every <form method="post"> carries."""
        return Markup(f'<input type="hidden" name="{csrf.FIELD}" value="{self.csrf_token()}">')

    def render(self, template, status=200, **values):
        return Response(self.render_text(template, **values), status=status, mimetype="text/html")

    def render_text(self, template, **values):
        values.setdefault("ok", self.t(self.request.args["ok"]) if self.request.args.get("ok") in texts.TEXTS else None)
        return self.console.jinja.get_template(template).render(
            ctx=self, _=self.t, nav=self.nav(), fmt=formatting,
            new_key=lambda: uuid.uuid4().hex, csrf_field=self.csrf_field, **values)

    def nav(self):
        """The acting role's pages; none while a one-time password is still to be changed."""
        if not self.identity or self.identity.must_change_password:
            return []
        return nav.for_role(self.role)

    @property
    def htmx(self):
        return self.request.headers.get("HX-Request") == "true"

    @property
    def refreshing(self):
        """htmx reading a live part of the page (the queue every few seconds): nobody did anything.
        What people do (a scan, a form) is a POST."""
        return self.htmx and self.request.method == "GET"

    def redirect(self, path, ok=None, **params):
        if ok:
            params["ok"] = ok
        return redirect(path + ("?" + urlencode(params) if params else ""), code=303)

    def act(self, service, method, path, body, refused, done, ok, **params):
        """A form's action on a service (once per form: its idempotency key). Refused: the page again
        with the reason, `refused(error)`; done: on to `done`, saying `ok`."""
        try:
            self.api.request(service, method, path, body, key=self.key())
        except ApiError as error:
            return refused(error)
        return self.redirect(done, ok=ok, **params)

    def form(self, name, default=""):
        return self.request.form.get(name, default).strip()

    def key(self):
        """The form's idempotency key: a double-submitted form acts once."""
        return self.form("idempotency_key") or uuid.uuid4().hex


def formatting_filters():
    """{{ moment | local }}: Asia/Shanghai to the minute; {{ minutes | duration }}: in the page's language."""
    @pass_context
    def duration(context, minutes):
        return formatting.duration(minutes, context["_"])
    return {"local": formatting.local, "shown": formatting.shown, "duration": duration}


class Console:
    def __init__(self, settings):
        import services.web_console.pages  # noqa: F401  (registers every page)

        self.settings = settings
        self.csrf_key = csrf.load_key(settings.csrf_key_file)   # CsrfKeyMissing: the console does not start
        self.identity = IdentityApi(settings)
        self.url_map = routes.url_map()
        self.jinja = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(),
                                 trim_blocks=True, lstrip_blocks=True)
        self.jinja.filters.update(formatting_filters())
        self.wsgi = SecurityHeaders(SharedDataMiddleware(self.dispatch, {"/static": str(HERE / "static")}),
                                    PAGES_POLICY, referrer="same-origin")

    def __call__(self, environ, start_response):
        return self.wsgi(environ, start_response)

    def dispatch(self, environ, start_response):
        request = Request(environ)
        return self.respond(request)(environ, start_response)

    def respond(self, request):
        ctx = Context(self, request)
        response = self.route(ctx)
        if ctx.new_presession:
            session.start_presession(self.settings, request, response, ctx.new_presession)
        return response

    def route(self, ctx):
        try:
            endpoint, args = self.url_map.bind_to_environ(ctx.request.environ).match()
            page = routes.pages[endpoint]
            return self.refusal(ctx, page) or page.handler(ctx, **args)
        except ApiError as error:
            return ctx.render("error.html", status=error.status if error.status >= 400 else 502, error=error)
        except HTTPException as exc:
            return ctx.render("error.html", status=exc.code, error=ApiError(exc.code, f"http_{exc.code}", exc.name))
        except Exception:
            incident = uuid.uuid4().hex[:12]
            log.exception("console page failed, incident %s", incident)
            return ctx.render("error.html", status=500,
                              error=ApiError(500, "internal", "", details={"incident": incident}))

    def refusal(self, ctx, page):
        """The answer when this request may not reach its page (a POST without its form's token, nobody
        signed in, a one-time password still to change, another role's page); None when it may."""
        if ctx.request.method == "POST":
            given = ctx.request.form.get(csrf.FIELD) or ctx.request.headers.get(csrf.HEADER)
            forged = csrf.problem(self.csrf_key, ctx.csrf_binding(), given)
            if forged:
                log.warning("POST %s refused: %s (from %s)", ctx.request.path, forged, ctx.request.remote_addr)
                return ctx.render("error.html", status=403, error=ApiError(403, forged, ""))
        if page.roles is None:
            return None
        if ctx.identity is None:
            return self.not_signed_in(ctx)
        if ctx.identity.must_change_password and not page.with_one_time_password:
            return ctx.redirect(nav.PASSWORD_PAGE)   # the one page anyone on a one-time password gets
        if page.roles and ctx.role not in page.roles:
            return ctx.render("error.html", status=403, error=ApiError(403, "forbidden", ""))
        return None

    @staticmethod
    def not_signed_in(ctx):
        if ctx.identity_error is not None:
            return ctx.render("error.html", status=ctx.identity_error.status, error=ctx.identity_error)
        response = redirect("/signin" + (f"?ended={ctx.ended}" if ctx.ended else ""), code=303)
        if ctx.ended:
            session.forget(response)
        return response
