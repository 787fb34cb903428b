"""Single sign-on's rules without a provider: the callback, the discovery document, claims to roles."""
import json
from types import MappingProxyType

import pytest

from services.identity.sso_rules import (KeptState, SsoRefused, claims_with_userinfo, code_from_callback,
                                         endpoints_from_discovery, needs_userinfo, roles_from_claims,
                                         sign_in_from_claims)
from services.identity.settings import sso_settings as settings_from_config
from shared.web.errors import response_from_exception

ISSUER = "https://login.example.test"
KEPT = KeptState(state="s" * 43, nonce="n" * 43, code_verifier="v" * 86, started_at=1000.0)
SETTINGS = settings_from_config({
    "OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "back-office", "OIDC_REDIRECT_URI": "https://c.example.test/cb",
    "OIDC_ROLE_MAP": {"wh-reviewers": "reviewer", "cs-agents": "agent", "managers": "manager"},
})


def refusal(call, *args):
    with pytest.raises(SsoRefused) as refused:
        call(*args)
    return refused.value


def code(query, now=1000.0, max_age=600):
    return code_from_callback(query, KEPT, ISSUER, now, max_age)


def test_the_code_of_this_browsers_own_attempt():
    assert code({"code": "c1", "state": KEPT.state, "iss": ISSUER}) == "c1"
    assert code(f"?code=c2&state={KEPT.state}") == "c2"   # the raw query string does too


@pytest.mark.parametrize("query", [
    {"code": "c"}, {"code": "c", "state": ""}, {"code": "c", "state": KEPT.state + "x"},
    {"code": "c", "state": KEPT.state[:-1]}, {"error": "access_denied", "state": "other"},
])
def test_another_or_no_state_is_a_mismatch(query):
    assert refusal(code, query).reason == "state_mismatch"


def test_the_state_is_checked_before_the_providers_error():
    refused = refusal(code, {"error": "access_denied", "error_description": "cancelled", "state": KEPT.state})
    assert refused.reason == "provider_error" and "access_denied (cancelled)" in refused.message


def test_an_attempt_older_than_the_limit_expires():
    assert code({"code": "c", "state": KEPT.state}, now=1600.0) == "c"
    assert refusal(code, {"code": "c", "state": KEPT.state}, 1600.5).reason == "flow_expired"


def test_an_answer_naming_another_issuer_is_refused():
    refused = refusal(code, {"code": "c", "state": KEPT.state, "iss": "https://evil.example.test"})
    assert refused.reason == "provider_error" and "another issuer" in refused.message


@pytest.mark.parametrize("query", [
    f"code=a&code=b&state={KEPT.state}", {"code": ["a"], "state": KEPT.state}, 42,
    f"state={KEPT.state}&code=" + "x" * 9000,
])
def test_a_callback_that_is_not_one_query(query):
    assert refusal(code, query).reason == "callback_invalid"


def test_no_code_is_refused():
    assert refusal(code, {"state": KEPT.state}).reason == "callback_invalid"


def test_kept_state_goes_to_storage_and_back():
    kept = KeptState.new(now=5.0)
    assert KeptState.from_dict(kept.as_dict()) == kept
    assert len({kept.state, kept.nonce, kept.code_verifier}) == 3 and len(kept.code_verifier) >= 43


DISCOVERY = {
    "issuer": ISSUER, "authorization_endpoint": ISSUER + "/auth", "token_endpoint": ISSUER + "/token",
    "jwks_uri": ISSUER + "/jwks", "userinfo_endpoint": ISSUER + "/me", "response_types_supported": ["code"],
    "code_challenge_methods_supported": ["S256"], "id_token_signing_alg_values_supported": ["HS256", "RS256", "none"],
}


def test_the_endpoints_of_the_issuers_own_discovery_document():
    endpoints = endpoints_from_discovery(DISCOVERY, ISSUER)
    assert (endpoints.token, endpoints.jwks, endpoints.userinfo) == (
        ISSUER + "/token", ISSUER + "/jwks", ISSUER + "/me")
    assert endpoints.signing_algorithms == ("RS256",)   # never HS256 (the client secret) or none


@pytest.mark.parametrize("change, detail", [
    ({"issuer": ISSUER + "/"}, "not issuer"), ({"token_endpoint": "http://login.example.test/token"}, "token_endpoint"),
    ({"jwks_uri": None}, "jwks_uri"), ({"code_challenge_methods_supported": ["plain"]}, "S256"),
    ({"response_types_supported": ["id_token"]}, "code flow"),
    ({"id_token_signing_alg_values_supported": ["HS256"]}, "signing algorithm"),
])
def test_a_discovery_document_we_cannot_use(change, detail):
    refused = refusal(endpoints_from_discovery, {**DISCOVERY, **change}, ISSUER)
    assert refused.reason == "provider_invalid" and detail in refused.message


def test_plain_http_endpoints_only_for_an_issuer_on_loopback():
    local = "http://127.0.0.1:4000"
    document = {**DISCOVERY, "issuer": local, "token_endpoint": local + "/token", "jwks_uri": local + "/jwks",
                 "authorization_endpoint": local + "/auth", "userinfo_endpoint": None}
    assert endpoints_from_discovery(document, local).userinfo is None
    assert refusal(endpoints_from_discovery, {**document, "jwks_uri": "http://10.1.1.1/jwks"}, local).reason == \
        "provider_invalid"


def claims(**extra):
    return {"iss": ISSUER, "sub": "u-1", "preferred_username": "S1001", "name": "Alice Wang",
            "groups": ["all-staff", "wh-reviewers"], **extra}


def test_a_sign_in_from_the_claims():
    sign_in = sign_in_from_claims(claims(), SETTINGS)
    assert (sign_in.staff_id, sign_in.name, sign_in.roles, sign_in.subject) == (
        "S1001", "Alice Wang", ("reviewer",), "u-1")


@pytest.mark.parametrize("groups, roles", [
    (["managers", "wh-reviewers"], ("reviewer", "manager")),   # in the role map's order
    ("cs-agents", ("agent",)),                                # one text rather than a list
    (["cs-agents", 7, None, {"x": 1}, "cs-agents"], ("agent",)),
    (["CS-AGENTS", "cs-agents "], ()),                        # exactly as mapped, nothing guessed
    ({"cs-agents": True}, ()), (None, ()),
])
def test_roles_from_the_roles_claim(groups, roles):
    assert roles_from_claims({"groups": groups}, "groups", SETTINGS.role_map) == roles


def test_the_roles_claim_may_be_nested_or_named_with_dots():
    role_map = MappingProxyType({"warehouse-lead": "warehouse"})
    assert roles_from_claims({"realm_access": {"roles": ["warehouse-lead"]}}, "realm_access.roles", role_map) == \
        ("warehouse",)
    named = {"https://shop.example.test/roles": ["warehouse-lead"]}
    assert roles_from_claims(named, "https://shop.example.test/roles", role_map) == ("warehouse",)
    assert roles_from_claims({"realm_access": ["x"]}, "realm_access.roles", role_map) == ()


def test_a_person_without_a_mapped_role_is_refused():
    assert refusal(sign_in_from_claims, claims(groups=["all-staff"]), SETTINGS).reason == "no_role"
    assert refusal(sign_in_from_claims, {**claims(), "groups": None}, SETTINGS).reason == "no_role"


@pytest.mark.parametrize("staff_id, reason", [
    (None, "staff_id_missing"), ("", "staff_id_missing"), (1001, "staff_id_invalid"),
    (" S1001", "staff_id_invalid"), ("S 1001", "staff_id_invalid"), ("S1001\n", "staff_id_invalid"),
    ("-S1001", "staff_id_invalid"), ("S" * 65, "staff_id_invalid"), (["S1001"], "staff_id_invalid"),
])
def test_a_missing_or_odd_staff_id_is_refused(staff_id, reason):
    refused = refusal(sign_in_from_claims, claims(preferred_username=staff_id), SETTINGS)
    assert refused.reason == reason and "preferred_username" in refused.message


def test_staff_ids_that_are_fine():
    for staff_id in ("S1001", "S" * 64, "alice.wang@shop.example", "w_7-2"):
        assert sign_in_from_claims(claims(preferred_username=staff_id), SETTINGS).staff_id == staff_id


def test_the_name_falls_back_to_the_staff_id_and_is_kept_short():
    assert sign_in_from_claims(claims(name="  "), SETTINGS).name == "S1001"
    assert sign_in_from_claims(claims(name=["x"]), SETTINGS).name == "S1001"
    assert len(sign_in_from_claims(claims(name="王" * 500), SETTINGS).name) == 200


def test_userinfo_completes_the_id_token_only_for_the_same_subject():
    id_claims = {"iss": ISSUER, "sub": "u-1", "nonce": "n"}
    assert needs_userinfo(id_claims, SETTINGS) and not needs_userinfo(claims(), SETTINGS)
    merged = claims_with_userinfo(id_claims, {"sub": "u-1", "preferred_username": "S1001", "iss": "forged"})
    assert merged["preferred_username"] == "S1001" and merged["iss"] == ISSUER   # the ID token wins
    for other in ({"sub": "u-2", "preferred_username": "S1002"}, {"preferred_username": "S1002"}, ["u-1"]):
        assert refusal(claims_with_userinfo, id_claims, other).reason == "id_token_invalid"


def test_a_refusal_is_a_403_naming_its_reason():
    answer = response_from_exception(SsoRefused("no_role", "nothing maps"))
    assert answer.status_code == 403
    assert json.loads(answer.get_data()) == {"error": "sso_refused", "reason": "no_role",
                                             "message": "this person holds no role in the back office: nothing maps"}
