"""Signed bearer tokens carrying `staff_id` and `role` (HS256 JWT)."""
import enum
from dataclasses import dataclass
from datetime import timedelta

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
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
        return Identity(staff_id=claims["sub"], role=Role(claims["role"]).value)
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
