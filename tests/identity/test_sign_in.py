"""Issue #17 'People': signing in with a password, throttled per account and per address."""
from datetime import timedelta

import jwt
import requests
import sqlalchemy as sa
from argon2 import PasswordHasher

from services.identity.models import Account
from shared.testing.identity import new_password
from shared.testing.keys import session_keys
from shared.timeutil import to_iso
from shared.web.auth import Identity
from shared.web.keys import load_public_key


def verified(token):
    """Who the token names, checked as a service checks it; when the test moved identity's clock ahead,
    with a day's leeway (a service would see it issued in the future)."""
    claims = jwt.decode(token, load_public_key(session_keys().public_file), algorithms=["EdDSA"],
                        audience="back-office", issuer="identity", leeway=timedelta(days=1))
    return Identity(claims["sub"], claims["role"], claims.get("carrier"))


def fail(identity, staff_id, times, address="10.0.0.1", clock=None):
    answers = []
    for _ in range(times):
        answers.append(identity.sign_in(staff_id, "Not-the-password-1", address).status_code)
        if clock:
            clock.advance(seconds=1)
    return answers


def test_the_one_time_password_signs_in_only_to_change_it(identity):
    one_time = identity.create_account("S-100", ["agent", "supervisor"], name="王芳")["one_time_password"]
    first = identity.sign_in("S-100", one_time)
    assert first.status_code == 201
    body = first.json()
    assert (body["staff_id"], body["name"], body["roles"], body["role"]) == ("S-100", "王芳", ["agent", "supervisor"],
                                                                            "agent")
    assert body["must_change_password"] is True and body["token"] is None   # nothing but the change until then
    password = new_password("S-100")
    changed = identity.change_password(body["session_id"], one_time, password)
    assert changed.status_code == 200 and changed.json()["must_change_password"] is False
    assert verified(changed.json()["token"]).role == "agent"
    again = identity.sign_in("S-100", password)
    assert again.status_code == 201
    who = verified(again.json()["token"])
    assert (who.staff_id, who.role) == ("S-100", "agent") and again.json()["expires_at"].endswith("Z")
    assert identity.sign_in("S-100", one_time).status_code == 401   # the one-time password is spent


def test_a_wrong_password_and_an_unknown_staff_id_get_the_same_answer(identity):
    identity.person("S-1", "agent")
    wrong, unknown = identity.sign_in("S-1", "Wrong-password-1"), identity.sign_in("NOBODY", "Wrong-password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": "invalid_credentials",
                                              "message": "the staff id or the password is wrong"}


def test_four_failures_do_not_lock_the_fifth_locks_for_exactly_fifteen_minutes(identity, clock):
    password = identity.person("S-2", "packer")
    assert fail(identity, "S-2", 4) == [401] * 4
    assert identity.sign_in("S-2", password).status_code == 201        # 4 in a row: not locked; the count restarts
    assert fail(identity, "S-2", 4) == [401] * 4                       # 4 more after a success: still not locked
    assert identity.sign_in("S-2", password).status_code == 201
    fail(identity, "S-2", 4)
    locking = identity.sign_in("S-2", "Not-the-password-1")
    assert locking.status_code == 423 and locking.json()["error"] == "account_locked"
    assert locking.json()["until"] == to_iso(clock.moment + timedelta(minutes=15))
    clock.advance(minutes=14, seconds=59)
    right_but_locked = identity.sign_in("S-2", password)
    assert right_but_locked.status_code == 423                          # never says the password was right
    assert right_but_locked.json() == locking.json()
    clock.advance(seconds=1)
    assert identity.sign_in("S-2", password).status_code == 201         # at exactly 15 minutes
    changes = [(c["change"], c["by"]) for c in identity.as_admin("GET", "/accounts/S-2/audit").json()["changes"]]
    assert ("locked", "system") in changes and ("unlocked", "system") in changes


def test_an_address_with_twenty_failures_in_fifteen_minutes_is_refused_until_the_first_leaves_the_window(
        identity, clock):
    password = identity.person("S-3", "agent")
    started = clock.moment
    assert fail(identity, "SOMEONE", 19, "10.9.9.9", clock) == [401] * 19   # unknown ids: no account locks
    assert fail(identity, "S-3", 1, "10.9.9.9", clock) == [401]             # the 20th is still checked
    refused = identity.sign_in("S-3", password, "10.9.9.9")
    assert refused.status_code == 429 and refused.json()["error"] == "too_many_attempts"
    assert refused.json()["until"] == to_iso(started + timedelta(minutes=15))
    assert identity.sign_in("S-3", password, "10.9.9.10").status_code == 201   # another address may
    clock.moment = started + timedelta(minutes=15, seconds=-1)
    assert identity.sign_in("S-3", password, "10.9.9.9").status_code == 429
    clock.advance(seconds=1)
    assert identity.sign_in("S-3", password, "10.9.9.9").status_code == 201
    with identity.service.db.read() as session:   # one failure on the account, then the success reset it
        assert session.scalar(sa.select(Account.failed_attempts).where(Account.staff_id == "S-3")) == 0


def test_a_disabled_account_is_told_so_only_with_the_right_password_and_its_sessions_end_at_once(identity):
    password = identity.person("S-4", "agent")
    session_id = identity.sign_in("S-4", password).json()["session_id"]
    assert identity.current(session_id).status_code == 200
    assert identity.as_admin("POST", "/accounts/S-4/disable").status_code == 200
    ended = identity.current(session_id)
    assert ended.status_code == 401 and ended.json()["error"] == "session_ended" and ended.json()["why"] == "disabled"
    assert identity.sign_in("S-4", "Wrong-password-1").json()["error"] == "invalid_credentials"
    disabled = identity.sign_in("S-4", password)
    assert disabled.status_code == 403 and disabled.json()["error"] == "account_disabled"
    assert identity.as_admin("POST", "/accounts/S-4/enable").status_code == 200
    assert identity.sign_in("S-4", password).status_code == 201


def test_a_hash_made_with_older_parameters_is_renewed_at_sign_in(identity):
    password = identity.person("S-5", "agent")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(password)
    with identity.service.db.unit_of_work() as uow:
        uow.session.execute(sa.update(Account).where(Account.staff_id == "S-5").values(password_hash=weak))
    assert identity.sign_in("S-5", password).status_code == 201
    with identity.service.db.read() as session:
        renewed = session.scalar(sa.select(Account.password_hash).where(Account.staff_id == "S-5"))
    assert renewed != weak and not PasswordHasher().check_needs_rehash(renewed)
    assert identity.sign_in("S-5", password).status_code == 201


def test_only_the_console_signs_people_in(identity):
    body = {"staff_id": "S-6", "password": "Whatever-pass-1", "address": "127.0.0.1"}
    assert requests.post(identity.url("/sessions"), json=body, timeout=10).status_code == 401
    as_admin = identity.as_admin("POST", "/sessions", json=body)
    assert as_admin.status_code == 403
    not_an_address = identity.as_console("POST", "/sessions", json={**body, "address": "somewhere"})
    assert not_an_address.status_code == 400 and "address" in not_an_address.json()["fields"]
