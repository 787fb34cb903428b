"""Who is signed in: a signed token in an HttpOnly cookie, and the chosen language.

The development sign-in mints the same bearer token the services accept; in production an
identity provider signs people in and the console keeps only the token it issues.
"""
from functools import lru_cache

from shared.web.auth import AuthError, TokenVerifier, mint_token
from shared.web.keys import KeyFileMissing, load_private_key

SESSION_COOKIE = "console_session"
LANG_COOKIE = "console_lang"
LANGUAGES = ("zh", "en")


def sign_in(settings, response, staff_id, role):
    token = mint_token(_signing_key(settings.signing_key_file), staff_id, role)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=settings.secure_cookies)


def sign_out(response):
    response.delete_cookie(SESSION_COOKIE)


def signed_in(settings, request):
    """(identity, token), or (None, None) without a valid, unexpired token."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None, None
    try:
        return _verifier(settings.signing_key_file).verify(token), token
    except (AuthError, KeyFileMissing):
        return None, None


@lru_cache(maxsize=4)
def _signing_key(path):
    return load_private_key(path)


@lru_cache(maxsize=4)
def _verifier(path):
    return TokenVerifier(_signing_key(path).public_key())


def language(request):
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGUAGES else "zh"   # Chinese by default


def choose_language(response, lang):
    response.set_cookie(LANG_COOKIE, lang if lang in LANGUAGES else "zh", max_age=3600 * 24 * 365,
                        samesite="Lax")
