"""Issue #17 'Machines': services accept only tokens signed by identity's Ed25519 key, and a service
without the public key refuses to start and says why."""
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
from datetime import timedelta

import jwt
import pytest
import requests
from nameko.testing.utils import find_free_port

from shared.config import ROOT
from shared.testing.keys import new_key_pair, session_keys
from shared.timeutil import utcnow
from shared.web.auth import AUDIENCE, ISSUER, mint_token
from shared.web.keys import KeyFileMissing


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def handmade(header, claims, sign=lambda signing_input: b""):
    """A JWT put together by hand, as an attacker would: any header, any claims, any signature."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def claims(**changes):
    now = int(time.time())
    found = {"sub": "S1", "role": "manager", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600,
             "jti": "j-1"}
    found.update(changes)
    return {key: value for key, value in found.items() if value is not None}


def signed(key, **changes):
    return jwt.encode(claims(**changes), key, algorithm="EdDSA")


def status_with(service, token):
    return requests.get(service.url("/notes/1"), headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code


def test_only_identitys_key_with_eddsa_audience_issuer_and_time_is_accepted(start_sample, tmp_path):
    service = start_sample()
    key = session_keys().private_key
    public_pem = open(session_keys().public_file, "rb").read()
    refused = {
        "another key": mint_token(new_key_pair(tmp_path).private_key, "S1", "manager"),
        "HS256 keyed with the public key": handmade(
            {"alg": "HS256", "typ": "JWT"}, claims(),
            lambda data: hmac.new(public_pem, data, hashlib.sha256).digest()),
        "alg none": handmade({"alg": "none", "typ": "JWT"}, claims()),
        "expired a second ago": mint_token(key, "S1", "manager", ttl=timedelta(seconds=-1)),
        "without aud": signed(key, aud=None),
        "without iss": signed(key, iss=None),
        "another audience": signed(key, aud="storefront"),
        "another issuer": signed(key, iss="someone-else"),
        "without exp": signed(key, exp=None),
        "an unknown role": signed(key, role="owner"),
    }
    answers = {what: status_with(service, token) for what, token in refused.items()}
    assert answers == {what: 401 for what in refused}
    # The other side of each boundary: identity's key, EdDSA, its audience and issuer, still valid.
    assert status_with(service, signed(key)) == 404          # authenticated: the note just doesn't exist
    assert status_with(service, mint_token(key, "S1", "manager", ttl=timedelta(seconds=30))) == 404


def test_a_token_carries_one_role_and_a_carriers_code_and_lives_fifteen_minutes():
    before = utcnow()
    token = mint_token(session_keys().private_key, "EMS", "carrier", carrier="EMS")
    found = jwt.decode(token, options={"verify_signature": False})
    assert (found["sub"], found["role"], found["carrier"], found["iss"], found["aud"]) == (
        "EMS", "carrier", "EMS", "identity", "back-office")
    assert jwt.get_unverified_header(token)["alg"] == "EdDSA" and found["jti"]
    assert found["exp"] - found["iat"] == 15 * 60 and abs(found["iat"] - before.timestamp()) < 5


def test_a_service_without_its_public_key_refuses_to_start_naming_the_file(start_sample, tmp_path):
    missing = tmp_path / "nowhere.pub.pem"
    with pytest.raises(KeyFileMissing) as refused:
        start_sample(AUTH_PUBLIC_KEY_FILE=str(missing))
    assert str(missing) in str(refused.value) and "python -m tools.deploy" in str(refused.value)
    not_a_key = tmp_path / "garbage.pem"
    not_a_key.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(KeyFileMissing):
        start_sample(AUTH_PUBLIC_KEY_FILE=str(not_a_key))


def test_a_service_process_without_its_public_key_exits_with_one_line(rabbit_config, fresh_database_url, tmp_path):
    missing = tmp_path / "keys" / "token-signing.pub.pem"
    env = dict(AMQP_URI=rabbit_config["AMQP_URI"], ORDER_REVIEW_PORT=str(find_free_port()), HTTP_HOST="127.0.0.1",
               ORDER_REVIEW_DATABASE_URL=fresh_database_url("order_review"), AUTH_PUBLIC_KEY_FILE=str(missing))
    done = subprocess.run([sys.executable, "-m", "shared.run", "order_review"], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    assert lines[0].startswith("order_review refuses to start: ") and str(missing) in lines[0]
    assert "python -m tools.deploy" in lines[0]
