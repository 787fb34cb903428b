"""Passwords: the rules a new one must meet, one-time passwords, and argon2id hashes (argon2-cffi).

Unknown staff ids are checked against a dummy hash so that they take as long as known ones.
"""
import secrets
import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256          # argon2 takes anything; a cap keeps a huge body from costing more
ONE_TIME_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"   # none mistaken for another
ONE_TIME_LENGTH = 16

_hasher = PasswordHasher()   # argon2id with the library's current parameters


def kind_of(character):
    if character.isdigit():
        return "digit"
    category = unicodedata.category(character)
    if category == "Lu":
        return "upper"
    if category == "Ll":
        return "lower"
    if category.startswith("L"):
        return "letter"   # scripts without case (汉字)
    return "symbol"


def problem(password, staff_id):
    """Why `password` may not be used by `staff_id`, or None."""
    broken = broken_rule(password, staff_id)
    return broken[1] if broken else None


def broken_rule(password, staff_id):
    """(the rule's name, why) for the first rule `password` breaks, or None. The name lets the console
    say it in the person's language."""
    if len(password) < MIN_LENGTH:
        return "too_short", f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return "too_long", f"must be at most {MAX_LENGTH} characters"
    if len({kind_of(c) for c in password}) < 2:
        return "one_kind", "must mix kinds of characters (upper and lower case letters, digits, symbols), not only one"
    if staff_id and staff_id.casefold() in password.casefold():
        return "contains_staff_id", "must not contain the staff id"
    return None


def one_time_password(staff_id):
    while True:
        candidate = "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))
        if problem(candidate, staff_id) is None:
            return candidate


def hash_password(password):
    return _hasher.hash(password)


def verify(stored_hash, password):
    """True if `password` matches; with no hash (an unknown account) checks a dummy one, same cost."""
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash):
    """The library's parameters changed since this hash was made: store a new one at the next sign-in."""
    return _hasher.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def _dummy_hash():
    return _hasher.hash(secrets.token_urlsafe(16))
