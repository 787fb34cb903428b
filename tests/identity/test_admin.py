"""Issue #17 'People': administrators manage accounts; every change is audited; the last enabled
administrator can be neither disabled nor stripped of the role."""
import requests

from services.identity.audit import params


def test_the_last_enabled_admin_can_be_neither_disabled_nor_demoted(identity):
    identity.create_account("ADM-1", ["admin"])
    refused = identity.as_admin("PUT", "/accounts/ADM-1/roles", json={"roles": ["manager"]})
    assert refused.status_code == 409 and refused.json()["error"] == "last_admin"
    assert identity.as_admin("POST", "/accounts/ADM-1/disable").json()["error"] == "last_admin"
    identity.create_account("ADM-2", ["manager", "admin"])
    assert identity.as_admin("POST", "/accounts/ADM-1/disable").status_code == 200   # ADM-2 remains
    assert identity.as_admin("POST", "/accounts/ADM-2/disable").status_code == 409
    assert identity.as_admin("PUT", "/accounts/ADM-2/roles", json={"roles": ["manager"]}).status_code == 409
    assert identity.as_admin("PUT", "/accounts/ADM-2/roles", json={"roles": ["admin"]}).status_code == 200
    identity.as_admin("POST", "/accounts/ADM-1/enable")
    demoted = identity.as_admin("PUT", "/accounts/ADM-2/roles", json={"roles": ["manager"]})
    assert demoted.status_code == 200 and demoted.json()["roles"] == ["manager"]


def test_every_change_to_an_account_is_audited_with_who_and_when(identity, clock):
    identity.create_account("S-20", ["agent"])
    identity.as_admin("PUT", "/accounts/S-20/roles", json={"roles": ["agent", "supervisor"]})
    identity.as_admin("POST", "/accounts/S-20/disable")
    identity.as_admin("POST", "/accounts/S-20/enable")
    identity.as_admin("POST", "/accounts/S-20/password-reset")
    changes = identity.as_admin("GET", "/accounts/S-20/audit").json()["changes"]
    assert [c["change"] for c in changes] == ["created", "roles", "disabled", "enabled", "password_reset"]
    assert {c["by"] for c in changes} == {"ADMIN-TEST"} and changes[1]["detail"] == "agent → agent, supervisor"
    assert [c["params"] for c in changes[:2]] == [{"roles": ["agent"]}, {"before": ["agent"],
                                                                         "after": ["agent", "supervisor"]}]
    assert {c["at"] for c in changes} == {clock.moment.isoformat().replace("+00:00", "Z")}
    assert identity.as_admin("GET", "/accounts/NOBODY/audit").status_code == 404


def test_a_password_reset_ends_sessions_lifts_a_lock_and_gives_a_new_one_time_password(identity):
    password = identity.person("S-21", "agent")
    session_id = identity.sign_in("S-21", password).json()["session_id"]
    for _ in range(5):
        identity.sign_in("S-21", "Not-the-password-1")
    assert identity.sign_in("S-21", password).status_code == 423
    reset = identity.as_admin("POST", "/accounts/S-21/password-reset")
    assert reset.status_code == 200 and reset.json()["must_change_password"] is True
    assert identity.current(session_id).json()["why"] == "password_reset"
    assert identity.sign_in("S-21", password).status_code == 401
    fresh = identity.sign_in("S-21", reset.json()["one_time_password"])
    assert fresh.status_code == 201 and fresh.json()["must_change_password"] is True
    assert [c["change"] for c in identity.as_admin("GET", "/accounts/S-21/audit").json()["changes"]][-3:] == [
        "locked", "password_reset", "unlocked"]


def test_accounts_are_listed_created_once_and_need_known_roles(identity):
    identity.create_account("S-22", ["sales"], name="李雷")
    listed = identity.as_admin("GET", "/accounts").json()["accounts"]
    assert [(a["staff_id"], a["name"], a["roles"]) for a in listed] == [("S-22", "李雷", ["sales"])]
    assert not {"password_hash", "one_time_password"} & set(listed[0])
    again = identity.as_admin("POST", "/accounts", json={"staff_id": "S-22", "name": "x", "roles": ["sales"]})
    assert again.status_code == 409 and again.json()["error"] == "account_exists"
    for roles in ([], ["scanner"], ["owner"], ["agent", "agent"]):
        bad = identity.as_admin("POST", "/accounts", json={"staff_id": "S-23", "name": "x", "roles": roles})
        assert bad.status_code == 400 and "roles" in bad.json()["fields"], roles
    spaced = identity.as_admin("POST", "/accounts", json={"staff_id": "S 23", "name": "x", "roles": ["sales"]})
    assert spaced.status_code == 400 and "staff_id" in spaced.json()["fields"]
    for staff_id, name in (("S-23", "\x00r"), ("\x88", "x")):   # found by the fuzzer: PostgreSQL refused a NUL (500)
        control = identity.as_admin("POST", "/accounts", json={"staff_id": staff_id, "name": name, "roles": ["sales"]})
        assert control.status_code == 400, control.text


def test_only_an_administrator_manages_accounts(identity):
    service = identity.service
    assert requests.get(identity.url("/accounts"), timeout=10).status_code == 401
    for role in ("manager", "console", "supervisor"):
        answer = requests.get(identity.url("/accounts"), headers=service.headers(role), timeout=10)
        assert answer.status_code == 403, role


def test_an_accounts_audit_names_its_roles_and_reasons_as_codes_for_peoples_screens():
    """The detail stays words for the API's readers; `params` carries the codes a screen names (#19)."""
    assert params("created", "roles agent, supervisor") == {"roles": ["agent", "supervisor"]}
    assert params("roles", "agent → agent, supervisor") == {"before": ["agent"], "after": ["agent", "supervisor"]}
    assert params("unlocked", "the lock ran out") == {"why": "lock_expired"}
    assert params("disabled", "") == {}
