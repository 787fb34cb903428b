"""Cross-site request forgery: a page of another site must not make a signed-in person's browser
post to the console. Every form the console serves carries a token bound to this browser's session:
the HMAC of the session id (before sign-in, of a pre-session cookie) with the console's own key,
which `tools.deploy` generates on first run. Every POST is checked before anything is done; htmx
sends the token as a header. Plain rules: the key and the ids are given."""
import base64
import hashlib
import hmac
import secrets
from pathlib import Path

FIELD = "csrf_token"          # the hidden input of every form
HEADER = "X-CSRF-Token"       # what htmx sends (static/console.js)
MISSING, INVALID = "csrf_missing", "csrf_invalid"
CREATED_BY = "python -m tools.deploy"


class CsrfKeyMissing(Exception):
    """The console refuses to start: one line naming the file and the command that creates it."""


def new_key():
    return secrets.token_urlsafe(32)


def load_key(path):
    try:
        text = Path(path).read_text().strip()
    except OSError as exc:
        raise CsrfKeyMissing(f"the console's CSRF key {path} cannot be read ({exc.strerror}); "
                             f"`{CREATED_BY}` creates it") from None
    if len(text) < 32:
        raise CsrfKeyMissing(f"the console's CSRF key {path} is shorter than 32 characters; "
                             f"`{CREATED_BY}` creates one (move this file away first)")
    return text.encode()


def token(key, binding):
    """The token of forms served to the browser whose session (or pre-session) id is `binding`."""
    mac = hmac.new(key, b"console-csrf\0" + binding.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def problem(key, binding, given):
    """None when `given` is the token for `binding`; else why the POST is refused: MISSING or INVALID
    (another session's token, a forged one, or the browser has no session it could be bound to)."""
    if not given:
        return MISSING
    if not binding or not hmac.compare_digest(given.encode(), token(key, binding).encode()):
        return INVALID
    return None
