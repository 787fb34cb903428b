"""Issue #17 'Machines': a device's API key, shown once, stored hashed, revocable, buys 15-minute
tokens of its role (and a carrier's, its carrier code)."""
import hashlib

import requests
import sqlalchemy as sa

from services.identity.models import ApiKey
from tests.identity.test_sign_in import verified


def token_for(identity, key, scheme="ApiKey"):
    return requests.post(identity.url("/tokens"), headers={"Authorization": f"{scheme} {key}"}, timeout=10)


def test_a_registered_key_buys_tokens_of_its_role_until_it_is_revoked(identity, clock):
    made = identity.as_admin("POST", "/api-keys", json={"role": "scanner", "subject": "ST-07", "label": "bench 7"})
    assert made.status_code == 201
    key, key_id = made.json()["key"], made.json()["key_id"]
    assert key.startswith(f"bk_{key_id}_")
    with identity.service.db.read() as session:   # stored as its SHA-256 only
        stored = session.get(ApiKey, key_id)
        assert stored.secret_digest == hashlib.sha256(key.split("_", 2)[2].encode()).hexdigest()
    listed = identity.as_admin("GET", "/api-keys").json()["api_keys"]
    assert [k["key_id"] for k in listed] == [key_id] and "key" not in listed[0] and listed[0]["last_used_at"] is None
    answer = token_for(identity, key)
    assert answer.status_code == 200
    who = verified(answer.json()["token"])
    assert (who.staff_id, who.role, who.carrier) == ("ST-07", "scanner", None)
    assert identity.as_admin("GET", "/api-keys").json()["api_keys"][0]["last_used_at"] is not None
    assert identity.as_admin("DELETE", f"/api-keys/{key_id}").status_code == 204
    refused = token_for(identity, key)
    assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
    assert identity.as_admin("DELETE", "/api-keys/0000000000000000").status_code == 404
    audit = identity.as_admin("GET", "/accounts").json()   # keys are no accounts
    assert audit == {"accounts": []}


def test_a_carriers_key_carries_its_carrier_code(identity):
    made = identity.as_admin("POST", "/api-keys", json={"role": "carrier", "subject": "EMS"}).json()
    who = verified(token_for(identity, made["key"]).json()["token"])
    assert (who.staff_id, who.role, who.carrier) == ("EMS", "carrier", "EMS")
    lower = identity.as_admin("POST", "/api-keys", json={"role": "carrier", "subject": "ems"})
    assert lower.status_code == 400 and "subject" in lower.json()["fields"]
    admin = identity.as_admin("POST", "/api-keys", json={"role": "admin", "subject": "robot"})
    assert admin.status_code == 400 and "role" in admin.json()["fields"]   # a key never administers


def test_anything_but_a_live_key_buys_nothing(identity):
    key = identity.as_admin("POST", "/api-keys", json={"role": "clock", "subject": "GATE-1"}).json()["key"]
    key_id, secret = key[3:].split("_", 1)
    for wrong in (f"bk_{key_id}_{secret[:-1]}x", f"bk_{key_id}_", "bk_", "nonsense", f"bk_{'0' * 16}_{secret}"):
        assert token_for(identity, wrong).status_code == 401, wrong
    assert token_for(identity, key, scheme="Bearer").status_code == 401
    assert token_for(identity, identity.service.token("manager"), scheme="Bearer").status_code == 401
    assert requests.post(identity.url("/tokens"), timeout=10).status_code == 401
    assert token_for(identity, key).status_code == 200
    with identity.service.db.read() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ApiKey)) == 1
