"""Signed bearer tokens carrying `staff_id` and `role` (HS256 JWT)."""
import enum
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import jwt

from shared.timeutil import utcnow


class Role(str, enum.Enum):
    REVIEWER = "reviewer"
    PICKER = "picker"
    PACKER = "packer"
    SHIPPER = "shipper"
    SCANNER = "scanner"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    WAREHOUSE = "warehouse"
    MANAGER = "manager"
    SALES = "sales"
    CARE = "care"
    CARRIER = "carrier"
    CLOCK = "clock"   # the clock-in device


PUBLIC = frozenset()   # an endpoint anyone may call (health, OpenAPI)


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    staff_id: str
    role: str


def mint_token(secret, staff_id, role, ttl=timedelta(hours=12)):
    now = utcnow()
    claims = {"sub": str(staff_id), "role": Role(role).value, "iat": now, "exp": now + ttl}
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_token(secret, token):
    identity, expires = _verified(secret, token)
    if time.time() >= expires:
        raise AuthError("token expired")
    return identity


@lru_cache(maxsize=4096)
def _verified(secret, token):
    """A scanner sends the same token with every scan: its signature is checked once, its expiry
    every time. Failures are not cached (lru_cache keeps no exceptions)."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        return Identity(staff_id=claims["sub"], role=Role(claims["role"]).value), claims["exp"]
    except jwt.ExpiredSignatureError:
        raise AuthError("token expired") from None
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise AuthError("invalid token") from None


def identity_from_header(secret, header):
    if not header:
        raise AuthError("missing bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("expected 'Authorization: Bearer <token>'")
    return verify_token(secret, token.strip())
