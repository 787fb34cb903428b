"""Issue #17 'People': server-side sessions end at once when signed out, on an idle time-out, after
twelve hours, and when the password changes; a person acts in one of their roles at a time."""
from shared.testing.identity import new_password
from tests.identity.test_sign_in import verified


def signed_in(identity, staff_id, role="agent"):
    password = identity.person(staff_id, role)
    return identity.sign_in(staff_id, password).json()["session_id"], password


def ended_why(answer):
    assert answer.status_code == 401 and answer.json()["error"] == "session_ended", answer.text
    return answer.json()["why"]


def test_a_session_idle_for_thirty_minutes_has_ended_and_each_use_restarts_the_count(identity, clock):
    session_id, _ = signed_in(identity, "S-10")
    clock.advance(minutes=29, seconds=59)
    touched = identity.current(session_id)
    assert touched.status_code == 200 and verified(touched.json()["token"]).staff_id == "S-10"
    clock.advance(minutes=29, seconds=59)                  # 59:58 after sign-in, but used at 29:59
    assert identity.current(session_id).status_code == 200
    clock.advance(minutes=30)                              # exactly 30 minutes idle
    assert ended_why(identity.current(session_id)) == "idle"
    clock.advance(seconds=1)
    assert ended_why(identity.current(session_id)) == "idle"   # it stays ended


def test_a_page_refreshing_itself_does_not_keep_a_session_alive(identity, clock):
    session_id, _ = signed_in(identity, "S-16")
    clock.advance(minutes=29, seconds=59)
    assert identity.as_console("GET", "/sessions/current?touch=false", session_id).status_code == 200
    clock.advance(seconds=1)                               # 30 minutes since the person last did anything
    assert ended_why(identity.current(session_id)) == "idle"


def test_no_session_lasts_past_twelve_hours_however_busy(start_identity, clock):
    identity = start_identity(SESSION_IDLE_MINUTES=24 * 60)
    session_id, _ = signed_in(identity, "S-11")
    clock.advance(hours=11, minutes=59, seconds=59)
    assert identity.current(session_id).status_code == 200
    clock.advance(seconds=1)
    assert ended_why(identity.current(session_id)) == "expired"


def test_signing_out_ends_the_session_and_nothing_else(identity):
    first, password = signed_in(identity, "S-12")
    second = identity.sign_in("S-12", password).json()["session_id"]
    assert identity.as_console("DELETE", "/sessions/current", first).status_code == 204
    assert ended_why(identity.current(first)) == "signed_out"
    assert identity.current(second).status_code == 200
    assert ended_why(identity.current("made-up-session-id")) == "unknown"
    assert ended_why(identity.as_console("GET", "/sessions/current")) == "unknown"   # no X-Session at all


def test_a_person_acts_in_one_of_their_own_roles_at_a_time(identity):
    password = identity.person("S-13", "agent")
    identity.as_admin("PUT", "/accounts/S-13/roles", json={"roles": ["agent", "supervisor"]})
    session_id = identity.sign_in("S-13", password).json()["session_id"]
    switched = identity.as_console("POST", "/sessions/current/role", session_id, json={"role": "supervisor"})
    assert switched.status_code == 200 and switched.json()["role"] == "supervisor"
    assert verified(switched.json()["token"]).role == "supervisor"
    assert identity.current(session_id).json()["role"] == "supervisor"
    refused = identity.as_console("POST", "/sessions/current/role", session_id, json={"role": "manager"})
    assert refused.status_code == 403 and refused.json()["error"] == "role_not_held"
    identity.as_admin("PUT", "/accounts/S-13/roles", json={"roles": ["agent"]})   # the role taken away
    assert identity.current(session_id).json()["role"] == "agent"


def test_changing_the_password_ends_the_accounts_other_sessions(identity):
    here, password = signed_in(identity, "S-14")
    elsewhere = identity.sign_in("S-14", password).json()["session_id"]
    newer = new_password("S-14")
    assert identity.change_password(here, password, newer).status_code == 200
    assert ended_why(identity.current(elsewhere)) == "password_changed"
    assert identity.current(here).status_code == 200
    assert identity.sign_in("S-14", password).status_code == 401 and identity.sign_in("S-14", newer).status_code == 201


def test_the_password_rules_name_the_field_and_the_reason_on_both_sides_of_each(identity):
    session_id, password = signed_in(identity, "S-15")
    refusals = {"Abcdefghij1": ("at least 12 characters", "too_short"), "123456789012": ("mix kinds", "one_kind"),
                "abcdefghijkl": ("mix kinds", "one_kind"), "ABCDEFGHIJKLMN": ("mix kinds", "one_kind"),
                "xx-s-15-Pass-99": ("staff id", "contains_staff_id"), password: ("differ", "not_new")}
    for candidate, (reason, rule) in refusals.items():
        answer = identity.change_password(session_id, password, candidate)
        assert answer.status_code == 422, (candidate, answer.text)
        assert reason in answer.json()["fields"]["new_password"][0], (candidate, answer.json())
        assert answer.json()["rule"] == rule   # the console says it in the person's language
    wrong = identity.change_password(session_id, "Not-my-password-1", new_password())
    assert wrong.status_code == 422 and "current_password" in wrong.json()["fields"]
    assert identity.change_password(session_id, password, "Abcdefghijk1").status_code == 200   # 12, mixed
    assert identity.change_password(session_id, "Abcdefghijk1", "abcdefghijk1").status_code == 200   # two kinds
    assert identity.change_password(session_id, "abcdefghijk1", "密码是十二个字的长句子1").status_code == 200
