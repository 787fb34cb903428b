"""The secrets identity hands out and how it keeps them: session ids and machines' API keys are 32
random bytes, stored only as their SHA-256 (a random secret needs no slow hash: nothing to guess)."""
import hashlib
import secrets
from dataclasses import dataclass

API_KEY_PREFIX = "bk_"


def digest(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def new_session_id():
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class NewApiKey:
    key_id: str      # public: names the key in lists and logs
    secret: str
    text: str        # what the device is given, once: bk_<id>_<secret>


def new_api_key():
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    return NewApiKey(key_id, secret, f"{API_KEY_PREFIX}{key_id}_{secret}")


def parse_api_key(text):
    """(key_id, secret) of a well-formed key, else None."""
    if not text or not text.startswith(API_KEY_PREFIX):
        return None
    key_id, _, secret = text[len(API_KEY_PREFIX):].partition("_")
    if len(key_id) != 16 or not secret or len(secret) > 100:
        return None
    return key_id, secret
