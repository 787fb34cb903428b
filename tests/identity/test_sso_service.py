"""Issue #17 'Single sign-on', wired into identity: POST /sso/start and /sso/finish against the real
OpenID provider on loopback, the flows kept server-side (single use, expiring), and who an SSO person
is here: an enabled account with that staff id, acting in the roles both it and the provider grant."""
from urllib.parse import urlencode

import pytest

from tests.identity.sso_helpers import ROLE_MAP
from tests.identity.test_sign_in import verified


@pytest.fixture
def sso_identity(start_identity, oidc_provider, tmp_path):
    return start_identity(**oidc_provider.client_config(tmp_path, ROLE_MAP))


def start(identity):
    started = identity.as_console("POST", "/sso/start")
    assert started.status_code == 201, started.text
    return started.json()


def signed_in_at_the_provider(identity, provider, login):
    """(flow id, the callback's query string) once `login` signed in at the provider's page."""
    started = start(identity)
    return started["flow"], urlencode(provider.sign_in(started["url"], login, f"{login}-password"))


def finish(identity, flow, query, address="203.0.113.9"):
    return identity.as_console("POST", "/sso/finish", json={"flow": flow, "query": query, "address": address})


def refused(answer, error="sso_refused"):
    assert answer.status_code == 403 and answer.json()["error"] == error, answer.text
    return answer.json().get("reason")


def test_without_a_provider_there_is_no_single_sign_on(identity):
    assert identity.as_console("GET", "/sso").json() == {"enabled": False}
    off = identity.as_console("POST", "/sso/start")
    assert off.status_code == 404 and off.json()["error"] == "sso_not_configured"


def test_a_person_with_an_account_signs_in_acting_in_the_roles_both_grant(sso_identity, oidc_provider):
    assert sso_identity.as_console("GET", "/sso").json() == {"enabled": True}
    # Bob's groups map to agent and supervisor; his account holds manager and supervisor.
    sso_identity.create_account("S1002", ["manager", "supervisor"], name="李波")   # its one-time password unused
    answer = finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "bob"))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["staff_id"], body["name"], body["roles"], body["role"], body["via"]) == (
        "S1002", "李波", ["supervisor"], "supervisor", "sso")
    assert body["must_change_password"] is False and verified(body["token"]).role == "supervisor"
    session_id = body["session_id"]
    assert sso_identity.current(session_id).json()["roles"] == ["supervisor"]
    switched = sso_identity.as_console("POST", "/sessions/current/role", session_id, json={"role": "manager"})
    assert switched.status_code == 403 and switched.json()["error"] == "role_not_held"   # the provider didn't say so


def test_a_flow_is_used_once_and_only_by_the_browser_that_began_it(sso_identity, oidc_provider):
    sso_identity.create_account("S1001", ["reviewer"])
    flow, query = signed_in_at_the_provider(sso_identity, oidc_provider, "alice")
    other_browsers = start(sso_identity)["flow"]
    assert refused(finish(sso_identity, other_browsers, query)) == "state_mismatch"   # that flow is spent now
    assert finish(sso_identity, flow, query).status_code == 201
    assert refused(finish(sso_identity, flow, query)) == "state_mismatch"             # a replay
    assert refused(finish(sso_identity, "no-such-flow", query)) == "state_mismatch"


@pytest.mark.parametrize("seconds, expired", [(599, False), (600, True)])
def test_a_flow_expires_ten_minutes_after_it_began(sso_identity, oidc_provider, clock, seconds, expired):
    sso_identity.create_account("S1001", ["reviewer"])
    flow, query = signed_in_at_the_provider(sso_identity, oidc_provider, "alice")
    clock.advance(seconds=seconds)
    answer = finish(sso_identity, flow, query)
    if expired:
        assert refused(answer) == "flow_expired"
    else:
        assert answer.status_code == 201, answer.text


def test_who_may_not_come_in_through_single_sign_on(sso_identity, oidc_provider):
    # Carol holds no group the role map names: refused whatever her account.
    sso_identity.create_account("S1003", ["agent"])
    assert refused(finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "carol"))) == \
        "no_role"
    # Alice has no account: the provider makes none.
    assert refused(finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "alice"))) == \
        "no_account"
    assert sso_identity.as_admin("GET", "/accounts").json()["accounts"][0]["staff_id"] == "S1003"
    # Her account made, but not as a reviewer (her only mapped role).
    sso_identity.create_account("S1001", ["agent"])
    assert refused(finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "alice"))) == \
        "role_not_held"
    # A disabled account is refused as at the password sign-in.
    sso_identity.as_admin("PUT", "/accounts/S1001/roles", json={"roles": ["reviewer"]})
    assert sso_identity.as_admin("POST", "/accounts/S1001/disable").status_code == 200
    assert refused(finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "alice")),
                   error="account_disabled") is None
    sso_identity.as_admin("POST", "/accounts/S1001/enable")
    assert finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "alice")).status_code == 201


def test_a_single_sign_on_session_ends_when_the_account_loses_its_last_shared_role(sso_identity, oidc_provider):
    sso_identity.create_account("S1002", ["agent", "supervisor", "manager"])
    session_id = finish(sso_identity, *signed_in_at_the_provider(sso_identity, oidc_provider, "bob")).json()[
        "session_id"]
    sso_identity.as_admin("PUT", "/accounts/S1002/roles", json={"roles": ["supervisor", "manager"]})
    now = sso_identity.current(session_id).json()
    assert (now["roles"], now["role"]) == (["supervisor"], "supervisor")   # agent went; acts in what is left
    sso_identity.as_admin("PUT", "/accounts/S1002/roles", json={"roles": ["manager"]})
    ended = sso_identity.current(session_id)
    assert ended.status_code == 401 and ended.json()["why"] == "no_role"
