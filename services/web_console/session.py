"""Who is signed in: the cookie holds only identity's session id (HttpOnly, SameSite=Strict, Secure
when the person came over HTTPS); identity says on every page whether the session still lives.
Before sign-in, a pre-session cookie (random, the same flags) is what the sign-in form's CSRF token is
bound to."""
import secrets

SESSION_COOKIE = "console_session"
PRESESSION_COOKIE = "console_presession"
LANG_COOKIE = "console_lang"
LANGUAGES = ("zh", "en")
MAX_ID_LENGTH = 100


def session_id(request):
    return _cookie(request, SESSION_COOKIE)


def presession_id(request):
    return _cookie(request, PRESESSION_COOKIE)


def new_presession_id():
    return secrets.token_urlsafe(32)


def _cookie(request, name):
    value = request.cookies.get(name)
    return value if value and len(value) <= MAX_ID_LENGTH else None


def start(settings, request, response, person):
    _private_cookie(settings, request, response, SESSION_COOKIE, person.session_id)
    response.delete_cookie(PRESESSION_COOKIE)   # signed in: forms are bound to the session now


def start_presession(settings, request, response, presession):
    _private_cookie(settings, request, response, PRESESSION_COOKIE, presession)


def _private_cookie(settings, request, response, name, value):
    response.set_cookie(name, value, httponly=True, samesite="Strict", secure=over_https(settings, request))


def forget(response):
    response.delete_cookie(SESSION_COOKIE)


def over_https(settings, request):
    """The person's own connection was HTTPS: here, or at a proxy in front that we were told to trust."""
    if request.scheme == "https":
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return settings.trust_proxy and forwarded == "https"


def client_address(settings, request):
    """The address sign-in throttling counts: the socket's peer, or behind a trusted proxy the address
    that proxy saw (the last one it appended; anything before it the client may have made up)."""
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    return forwarded[-1] if settings.trust_proxy and forwarded else request.remote_addr


def language(request):
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "zh"   # Chinese by default


def choose_language(response, lang):
    response.set_cookie(LANG_COOKIE, lang if lang in LANGUAGES else "zh", max_age=3600 * 24 * 365,
                        samesite="Lax")
