"""Bearer tokens: JWTs signed with Ed25519 (EdDSA) by identity, verified with its public key.

Claims: `sub` (a staff id, or the subject a machine's key was registered for), `role` (the one
role acted in), optional `carrier` (a carrier key's carrier code), `iss` "identity", `aud`
"back-office", `iat`, `exp`, `jti`. Services hold only the public key: they can check a token,
never make one.
"""
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

import jwt

from shared.roles import Role   # the vocabulary lives in shared.roles; re-exported here
from shared.timeutil import utcnow

# Roles that only machines act in (an API key's); people hold the others.
MACHINE_ROLES = frozenset({Role.SCANNER, Role.CARRIER, Role.CLOCK, Role.CONSOLE})
PERSON_ROLES = tuple(role.value for role in Role if role not in MACHINE_ROLES)

PUBLIC = frozenset()   # an endpoint anyone may call (health, OpenAPI)

ISSUER = "identity"
AUDIENCE = "back-office"
ALGORITHM = "EdDSA"
TOKEN_LIFETIME = timedelta(minutes=15)   # people and machines alike: a stolen token is short-lived


class AuthError(Exception):
    pass


@dataclass(frozen=True)
class Identity:
    staff_id: str
    role: str
    carrier: str = None


def mint_token(private_key, staff_id, role, ttl=TOKEN_LIFETIME, carrier=None, now=None):
    """A signed token; only identity (and tools run where its private key is) can call this."""
    now = now or utcnow()
    claims = {"sub": str(staff_id), "role": Role(role).value, "iss": ISSUER, "aud": AUDIENCE,
              "iat": now, "exp": now + ttl, "jti": uuid.uuid4().hex}
    if carrier:
        claims["carrier"] = carrier
    return jwt.encode(claims, private_key, algorithm=ALGORITHM)


class TokenVerifier:
    """Checks tokens against identity's public key: the EdDSA signature (no other algorithm, so
    neither `none` nor an HMAC keyed with the public key passes), audience, issuer and expiry."""

    def __init__(self, public_key):
        self._public_key = public_key
        # A scanner sends the same token with every scan: its signature is checked once, its expiry
        # every time. Failures are not cached (lru_cache keeps no exceptions).
        self._verified = lru_cache(maxsize=4096)(self._decode)

    def verify(self, token):
        identity, expires = self._verified(token)
        if time.time() >= expires:
            raise AuthError("token expired")
        return identity

    def _decode(self, token):
        try:
            claims = jwt.decode(token, self._public_key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                                options={"require": ["exp", "iat", "sub", "aud", "iss"]})
            return Identity(staff_id=claims["sub"], role=Role(claims["role"]).value,
                            carrier=claims.get("carrier")), claims["exp"]
        except jwt.ExpiredSignatureError:
            raise AuthError("token expired") from None
        except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
            raise AuthError("invalid token") from None

    def identity_from_header(self, header):
        if not header:
            raise AuthError("missing bearer token")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("expected 'Authorization: Bearer <token>'")
        return self.verify(token.strip())
