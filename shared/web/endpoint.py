"""`@api(method, url, roles=..., body=Schema, query=Schema, idempotent=...)`.

Before a worker runs: the body size is checked, the bearer token verified and
its role checked (401 / 403), the JSON body and query string loaded through
their schemas (400 naming the fields). The handler gets `request` (with
`request.identity`), the path values, and `body` / `query` when declared.
It returns a dict (200), `(status, dict)`, or a werkzeug Response.
"""
import os
from functools import partial

import eventlet
from eventlet.event import Event
from nameko.extensions import Entrypoint
from nameko.web.server import WebServer, WsgiApp
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from marshmallow import ValidationError

from shared.db.unit_of_work import IdempotencyClaim, IdempotencyKeyReused, Replay, fingerprint
from shared.errors import DomainError
from shared.web.auth import PUBLIC, TokenVerifier
from shared.web.connections import ConnectionGate, GuardedProtocol, HttpLimits, guard
from shared.web.errors import HttpError, error_response, json_response, response_from_exception
from shared.web.json_body import parse_json_body
from shared.web.keys import load_public_key
from shared.web.security_headers import SecurityHeaders

DEFAULT_MAX_BODY = 1024 * 1024
EXPECTED = (DomainError, HttpError, ValidationError, Replay, IdempotencyKeyReused)


def access_log_enabled(config):
    """eventlet's access log (client, request line, status, bytes, seconds: one line per request)
    is a visible share of a small request's CPU, so it is off unless `ACCESS_LOG` is true in the config
    or the environment. Without it, refused requests are still logged at INFO with their reason
    (nameko's '(expected)' line, see shared.logs) and failures at ERROR."""
    value = config.get("ACCESS_LOG", os.environ.get("ACCESS_LOG", ""))
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class JsonWsgiApp(WsgiApp):
    """nameko's WsgiApp, except that unknown paths and wrong methods answer JSON (the URL is
    matched once per request)."""

    def __call__(self, environ, start_response):
        request = Request(environ, shallow=True)
        try:
            provider, request.path_values = self.url_map.bind_to_environ(environ).match()
        except HTTPException as exc:
            return _unmatched(environ, exc)(environ, start_response)
        return provider.handle_request(request)(environ, start_response)


def _unmatched(environ, exc):
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.code, "http_error")
    return error_response(exc.code, code, f"{environ.get('REQUEST_METHOD')} "
                          f"{environ.get('PATH_INFO')}: {exc.name}")


class JsonWebServer(WebServer):
    """nameko's WebServer within the HTTP limits (shared.web.connections), with the security headers,
    checking bearer tokens with identity's public key (a service without it does not start)."""

    def setup(self):
        super().setup()
        self.verifier = TokenVerifier(load_public_key(self.container.config["AUTH_PUBLIC_KEY_FILE"]))

    def start(self):
        """nameko's start, but a port in use fails it: eventlet.listen sets SO_REUSEPORT by default,
        and a second process that bound the same port would silently take part of the requests."""
        if not self._starting:
            self._starting = True
            self._sock = eventlet.listen(self.bind_addr, reuse_port=False)
            self._sock.settimeout(None)   # as nameko does (kombu issue 838)
            limits = HttpLimits.from_config(self.container.config)
            self._gate = ConnectionGate(self._sock, limits)
            self._serv = guard(self.get_wsgi_server(self._sock, self.get_wsgi_app(), protocol=GuardedProtocol),
                               limits)
            self._gt = self.container.spawn_managed_thread(self.run)

    def run(self):
        while self._is_accepting:
            accepted = self._gate.accept()
            if accepted:
                self.container.spawn_managed_thread(partial(self._gate.serve, self._serv, *accepted))

    def stop(self):
        super().stop()
        self._gate.close()

    def get_wsgi_app(self):
        return SecurityHeaders(JsonWsgiApp(self))

    def get_wsgi_server(self, *args, **kwargs):
        server = super().get_wsgi_server(*args, **kwargs)
        # Set after construction: with log_output=False eventlet would also drop its error log.
        server.log_output = access_log_enabled(self.container.config)
        return server


class Endpoint(Entrypoint):
    server = JsonWebServer()

    def __init__(self, method, url, roles, body=None, query=None, idempotent=False, idempotency_field=None,
                 summary=None, response=None, **kwargs):
        self.method = method
        self.url = url
        self.roles = frozenset(getattr(r, "value", r) for r in roles)
        self.body_schema = body() if isinstance(body, type) else body
        self.query_schema = query() if isinstance(query, type) else query
        self.idempotent = idempotent or bool(idempotency_field)
        self.idempotency_field = idempotency_field
        self.summary = summary
        self.response_schema = response
        # Answers, not crashes: nameko logs these as expected instead of as worker errors.
        kwargs.setdefault("expected_exceptions", EXPECTED)
        super().__init__(**kwargs)

    def get_url_rule(self):
        return Rule(self.url, methods=[self.method])

    def setup(self):
        self.server.register_provider(self)

    def stop(self):
        self.server.unregister_provider(self)
        super().stop()

    # -- request pipeline -----------------------------------------------
    def handle_request(self, request):
        request.shallow = False
        try:
            request.identity = self._authenticate(request)
            kwargs = dict(request.path_values)
            raw = self._read_body(request)
            if self.body_schema is not None:
                kwargs["body"] = self.body_schema.load(parse_json_body(raw))
            if self.query_schema is not None:
                kwargs["query"] = self.query_schema.load(request.args.to_dict())
            request.idempotency = self._idempotency(request, raw, kwargs.get("body"))
            done = Event()
            self.container.spawn_worker(self, (request,), kwargs, context_data={},
                                        handle_result=partial(self._worker_done, done))
            return self._to_response(done.wait())
        except Exception as exc:
            return response_from_exception(exc)

    def _authenticate(self, request):
        if self.roles == PUBLIC:
            return None
        identity = self.server.verifier.identity_from_header(request.headers.get("Authorization"))
        if identity.role not in self.roles:
            raise HttpError(403, "forbidden", f"role '{identity.role}' may not {self.method} {self.url}",
                            allowed_roles=sorted(self.roles))
        return identity

    def _read_body(self, request):
        limit = self.container.config.get("MAX_BODY_BYTES", DEFAULT_MAX_BODY)
        if (request.content_length or 0) > limit:
            raise HttpError(413, "body_too_large", f"request body over {limit} bytes")
        if self.body_schema is None:
            return b""
        raw = request.stream.read(limit + 1)
        if len(raw) > limit:
            raise HttpError(413, "body_too_large", f"request body over {limit} bytes")
        return raw

    def _idempotency(self, request, raw, body):
        if not self.idempotent:
            return None
        if self.idempotency_field:
            key = str(body[self.idempotency_field])
        else:
            key = request.headers.get("Idempotency-Key")
        if not key:
            return None
        if len(key) > 200:
            raise HttpError(400, "invalid_idempotency_key", "Idempotency-Key is at most 200 characters")
        # A key belongs to its caller: the same key from another person is another request, and
        # never gets that person's answer back.
        caller = request.identity.staff_id if request.identity else "-"
        scope = f"{self.method} {self.url} {caller}"[:200]
        return IdempotencyClaim(scope, key, fingerprint(request.path.encode() + b"\n" + raw))

    def idempotency_claim(self, worker_ctx):
        return getattr(worker_ctx.args[0], "idempotency", None)

    def _worker_done(self, done, worker_ctx, result, exc_info):
        done.send(result, exc_info)
        return result, exc_info

    @staticmethod
    def _to_response(result):
        if isinstance(result, Response):
            return result
        if isinstance(result, tuple):
            status, body = result
            return json_response(body, status)
        return json_response(result, 200)


api = Endpoint.decorator
