"""Who is signed in: a signed token in an HttpOnly cookie, and the chosen language.

The development sign-in mints the same bearer token the services accept; in production an
identity provider signs people in and the console keeps only the token it issues.
"""
from shared.web.auth import AuthError, mint_token, verify_token

SESSION_COOKIE = "console_session"
LANG_COOKIE = "console_lang"
LANGUAGES = ("zh", "en")


def sign_in(settings, response, staff_id, role):
    token = mint_token(settings.auth_secret, staff_id, role)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=settings.secure_cookies)


def sign_out(response):
    response.delete_cookie(SESSION_COOKIE)


def signed_in(settings, request):
    """(identity, token), or (None, None) without a valid, unexpired token."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None, None
    try:
        return verify_token(settings.auth_secret, token), token
    except AuthError:
        return None, None


def language(request):
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "zh"   # Chinese by default


def choose_language(response, lang):
    response.set_cookie(LANG_COOKIE, lang if lang in LANGUAGES else "zh", max_age=3600 * 24 * 365,
                        samesite="Lax")
