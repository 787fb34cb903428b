"""Verifying an ID token: the provider's signature (its published keys), then what the token says
(issuer, audience, nonce, expiry, the access token's hash). Plain rules: no I/O; the keys and the
time are given.

Authlib's own OpenID client verifies the same way (joserfc, its successor to authlib.jose, then
authlib.oidc.core's CodeIDToken); this keeps those two steps apart so that a key rotation can be
told from a forgery."""
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from services.identity.sso_rules import SsoRefused


class UnknownSigningKey(Exception):
    """The token names a key the provider's key set we hold doesn't have: fetch the set again once."""


def verified_claims(id_token, jwks, *, issuer, client_id, nonce, access_token, algorithms, now, leeway):
    """The ID token's claims once its signature and claims check out; SsoRefused otherwise."""
    if not isinstance(id_token, str) or not id_token:
        raise SsoRefused("id_token_invalid", "the provider sent no ID token")
    try:
        keys = KeySet.import_key_set(jwks)
    except (JoseError, KeyError, TypeError, ValueError):
        raise SsoRefused("provider_invalid", "its signing keys (JWKS) could not be read") from None
    try:
        token = jwt.decode(id_token, keys, registry=JWSRegistry(algorithms=list(algorithms)))
    except InvalidKeyIdError:
        raise UnknownSigningKey() from None
    except (JoseError, ValueError) as error:
        raise SsoRefused("id_token_invalid", _said(error)) from None
    claims = CodeIDToken(token.claims, token.header,
                         options={"iss": {"essential": True, "value": issuer},
                                  "aud": {"essential": True, "value": client_id}},
                         params={"nonce": nonce, "client_id": client_id, "access_token": access_token})
    try:
        claims.validate(now=int(now), leeway=leeway)
    except (JoseError, ValueError, TypeError) as error:
        raise SsoRefused("id_token_invalid", _said(error)) from None
    return dict(claims)


def _said(error):
    return f"{type(error).__name__}: {error}"[:300]
