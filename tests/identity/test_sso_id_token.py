"""ID token verification with keys made here: the signature, then each claim, each on both sides."""
import time

import pytest
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from services.identity.sso_id_token import UnknownSigningKey, verified_claims
from services.identity.sso_rules import SsoRefused

ISSUER, CLIENT, NONCE, NOW, LEEWAY = "https://login.example.test", "back-office", "n-123", 2_000_000_000, 60
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "alg": "RS256", "use": "sig"})
JWKS = {"keys": [KEY.as_dict(private=False)]}


def token(key=KEY, header=None, **changes):
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "u-1", "nonce": NONCE, "iat": NOW - 10, "exp": NOW + 300,
              "preferred_username": "S1001", **changes}
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(header or {"alg": "RS256", "kid": "k1"}, claims, key)


def verify(id_token, jwks=JWKS, now=NOW, access_token=None, algorithms=("RS256",)):
    return verified_claims(id_token, jwks, issuer=ISSUER, client_id=CLIENT, nonce=NONCE,
                           access_token=access_token, algorithms=algorithms, now=now, leeway=LEEWAY)


def refused(*args, **kwargs):
    with pytest.raises(SsoRefused) as refusal:
        verify(*args, **kwargs)
    assert refusal.value.reason == "id_token_invalid"
    return refusal.value.message


def test_a_good_token():
    assert verify(token())["preferred_username"] == "S1001"
    assert verify(token(aud=[CLIENT]))["sub"] == "u-1"


def test_a_token_signed_by_another_key_or_changed_after_signing():
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    assert "Signature" in refused(token(key=stranger))
    header, payload, signature = token().split(".")
    forged_payload = token(preferred_username="S9999").split(".")[1]
    assert "Signature" in refused(".".join([header, forged_payload, signature]))


def test_a_key_the_set_does_not_have_asks_for_the_set_again():
    other = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    with pytest.raises(UnknownSigningKey):
        verify(token(key=other, header={"alg": "RS256", "kid": "k2"}))


def test_only_the_providers_asymmetric_algorithms():
    secret = OctKey.import_key(b"the-client-secret-the-client-secret")
    hs256 = token(key=secret, header={"alg": "HS256", "kid": "k1"})
    assert "Algorithm" in refused(hs256, jwks={"keys": [*JWKS["keys"], secret.as_dict()]})
    header, payload, _ = token().split(".")
    assert refused(".".join(["eyJhbGciOiJub25lIn0", payload, ""]))   # alg none
    assert refused(token(), algorithms=("ES256",))


@pytest.mark.parametrize("claim, value, said", [
    ("iss", "https://evil.example.test", "iss"), ("aud", "another-client", "aud"), ("aud", None, "aud"),
    ("nonce", "n-124", "nonce"), ("nonce", None, "nonce"), ("sub", None, "sub"), ("iat", None, "iat"),
    ("exp", None, "exp"), ("azp", "another-client", "azp"),
])
def test_each_claim_is_checked(claim, value, said):
    assert said in refused(token(**{claim: value}))


def test_audience_of_several_needs_us_as_authorized_party():
    assert verify(token(aud=[CLIENT, "api"], azp=CLIENT))["sub"] == "u-1"
    assert "azp" in refused(token(aud=[CLIENT, "api"]))


def test_expiry_with_the_leeway_on_both_sides():
    assert verify(token(exp=NOW - LEEWAY + 1))["sub"] == "u-1"
    assert "expired" in refused(token(exp=NOW - LEEWAY))   # "on or after" exp it is refused


def test_issued_in_the_future_beyond_the_leeway():
    assert verify(token(iat=NOW + LEEWAY))["sub"] == "u-1"
    assert "future" in refused(token(iat=NOW + LEEWAY + 1))


def test_the_access_token_hash_when_present():
    access_token = "at-123"
    at_hash = create_half_hash(access_token, "RS256").decode()
    assert verify(token(at_hash=at_hash), access_token=access_token)["sub"] == "u-1"
    assert "at_hash" in refused(token(at_hash=at_hash), access_token="at-456")


@pytest.mark.parametrize("id_token", [None, "", "a.b", "not.a.token", "a.b.c.d.e", 42])
def test_no_token_or_not_a_token(id_token):
    assert refused(id_token)


def test_unreadable_signing_keys_are_the_providers_fault():
    with pytest.raises(SsoRefused) as refusal:
        verify(token(), jwks={"keys": [{"kty": "RSA"}]})
    assert refusal.value.reason == "provider_invalid"


def test_the_clock_is_taken_as_given():
    assert "future" in refused(token(), now=time.time())   # NOW is years ahead of today
