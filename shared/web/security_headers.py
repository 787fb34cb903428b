"""Security headers on every answer of a WSGI app, errors included.

The services answer JSON and files, never pages: their policy allows nothing to load or run. The
console's pages load their scripts and styles from its own /static only, never inline."""

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGES_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def security_headers(policy=API_POLICY, referrer="no-referrer"):
    return [("Content-Security-Policy", policy), ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", referrer)]


class SecurityHeaders:
    """WSGI middleware adding the headers to whatever the app answers."""

    def __init__(self, app, policy=API_POLICY, referrer="no-referrer"):
        self.app, self.headers = app, security_headers(policy, referrer)

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            # A response that set one of these itself keeps its own (a PDF the console frames on its own page).
            own = {name.lower() for name, _ in headers}
            return start_response(status, headers + [h for h in self.headers if h[0].lower() not in own], exc_info)
        return self.app(environ, start)
