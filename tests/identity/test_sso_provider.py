"""Single sign-on end to end against a real OpenID provider (npm `oidc-provider`) on loopback: the
authorization code flow with PKCE driven with requests through the provider's own login form."""
import dataclasses
import socket
import time
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session

from services.identity.sso import MAX_DOCUMENT_BYTES, SingleSignOn
from tests.identity.sso_helpers import ROLE_MAP, Network, refusal, signed_in


@pytest.fixture
def sso(oidc_provider, tmp_path):
    return SingleSignOn.from_config(oidc_provider.client_config(tmp_path, ROLE_MAP))


def test_a_person_signs_in_and_their_groups_become_roles(sso, oidc_provider):
    query, kept = signed_in(sso, oidc_provider, "alice")
    alice = sso.finish(query, kept)
    assert (alice.staff_id, alice.name, alice.roles) == ("S1001", "Alice Wang", ("reviewer",))
    assert (alice.issuer, alice.subject) == (oidc_provider.issuer, "alice")

    bob = sso.finish(*signed_in(sso, oidc_provider, "bob"))
    assert (bob.staff_id, bob.roles) == ("S1002", ("agent", "supervisor"))   # in the role map's order


def test_the_authorization_request_uses_pkce_state_and_nonce(sso):
    started = sso.start()
    params = {key: values[0] for key, values in parse_qs(urlsplit(started.url).query).items()}
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] and params["code_challenge"] != started.kept.code_verifier
    assert (params["state"], params["nonce"]) == (started.kept.state, started.kept.nonce)
    assert params["response_type"] == "code" and "openid" in params["scope"].split()
    assert started.kept != sso.start().kept   # every attempt has its own secrets


def test_the_provider_refuses_a_token_request_without_the_code_verifier(sso, oidc_provider):
    query, kept = signed_in(sso, oidc_provider, "alice")
    setup = oidc_provider.setup
    with OAuth2Session(setup.client_id, setup.client_secret, redirect_uri=setup.redirect_uri) as client:
        answer = client.post(f"{oidc_provider.issuer}/token", withhold_token=True, timeout=10,
                             data={"grant_type": "authorization_code", "code": query["code"],
                                   "redirect_uri": setup.redirect_uri},
                             auth=(setup.client_id, setup.client_secret))
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_the_provider_refuses_an_authorization_request_without_a_code_challenge(sso, oidc_provider):
    parts = urlsplit(sso.start().url)
    params = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("code_challenge")]
    answer = requests.get(parts._replace(query=urlencode(params)).geturl(), allow_redirects=False, timeout=10)
    back = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert back["error"] == ["invalid_request"] and "PKCE" in back["error_description"][0]


def test_a_wrong_code_verifier_is_refused_by_the_provider(sso, oidc_provider):
    query, kept = signed_in(sso, oidc_provider, "alice")
    wrong = dataclasses.replace(kept, code_verifier=kept.code_verifier[::-1])
    assert refusal(sso.finish, query, wrong).reason == "token_refused"


def test_a_code_counts_once(sso, oidc_provider):
    query, kept = signed_in(sso, oidc_provider, "alice")
    assert sso.finish(query, kept).staff_id == "S1001"
    assert refusal(sso.finish, query, kept).reason == "token_refused"


def test_a_tampered_state_is_refused(sso, oidc_provider):
    query, kept = signed_in(sso, oidc_provider, "alice")
    assert refusal(sso.finish, {**query, "state": query["state"] + "x"}, kept).reason == "state_mismatch"
    another_browser = sso.start().kept
    assert refusal(sso.finish, query, another_browser).reason == "state_mismatch"
    assert sso.finish(query, kept).staff_id == "S1001"   # the code itself was fine


def test_a_tampered_nonce_is_refused(sso, oidc_provider):
    query, kept = signed_in(sso, oidc_provider, "alice")
    refused = refusal(sso.finish, query, dataclasses.replace(kept, nonce=kept.nonce + "x"))
    assert refused.reason == "id_token_invalid" and "nonce" in refused.message


def test_a_person_without_a_mapped_group_may_not_sign_in(sso, oidc_provider):
    refused = refusal(sso.finish, *signed_in(sso, oidc_provider, "carol"))
    assert refused.reason == "no_role" and "groups" in refused.message


def test_a_person_without_a_staff_id_may_not_sign_in(sso, oidc_provider):
    refused = refusal(sso.finish, *signed_in(sso, oidc_provider, "dave"))
    assert refused.reason == "staff_id_missing" and "preferred_username" in refused.message


def test_a_person_who_cancels_at_the_provider_is_refused(sso, oidc_provider):
    started = sso.start()
    query = oidc_provider.cancel(started.url)
    assert query["error"] == "access_denied"
    refused = refusal(sso.finish, query, started.kept)
    assert refused.reason == "provider_error" and "access_denied" in refused.message


def bad_signature(token):
    header, payload, signature = token["id_token"].split(".")
    return {**token, "id_token": ".".join([header, payload, ("A" if signature[0] != "A" else "B") + signature[1:]])}


def test_an_id_token_with_a_bad_signature_is_refused(oidc_provider, tmp_path):
    config = oidc_provider.client_config(tmp_path, ROLE_MAP)
    sso = SingleSignOn.from_config(config, transport=Network({"/token": bad_signature}))
    refused = refusal(sso.finish, *signed_in(sso, oidc_provider, "alice"))
    assert refused.reason == "id_token_invalid" and "Signature" in refused.message


def test_discovery_and_keys_are_fetched_once_and_again_when_old(oidc_provider, tmp_path):
    now = [time.time()]
    transport = Network()
    config = oidc_provider.client_config(tmp_path, ROLE_MAP, OIDC_METADATA_MAX_AGE_SECONDS=30)
    sso = SingleSignOn.from_config(config, transport=transport, clock=lambda: now[0])
    for login in ("alice", "bob"):
        sso.finish(*signed_in(sso, oidc_provider, login))
    assert transport.paths.count("/.well-known/openid-configuration") == 1
    assert transport.paths.count("/jwks") == 1

    now[0] += 29     # still fresh
    sso.start()
    assert transport.paths.count("/.well-known/openid-configuration") == 1
    now[0] += 1      # as old as the limit: fetched again
    sso.finish(*signed_in(sso, oidc_provider, "alice"))
    assert transport.paths.count("/.well-known/openid-configuration") == 2
    assert transport.paths.count("/jwks") == 2


def test_a_provider_that_cannot_be_reached_is_a_refusal(oidc_provider, tmp_path):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        issuer = f"http://127.0.0.1:{closed.getsockname()[1]}"   # nothing listens once it closes
    sso = SingleSignOn.from_config(oidc_provider.client_config(tmp_path, ROLE_MAP, OIDC_ISSUER=issuer))
    assert refusal(sso.start).reason == "provider_unreachable"


def test_a_provider_that_does_not_answer_is_a_refusal_after_the_time_out(oidc_provider, tmp_path):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)   # the connection is accepted by the kernel; nothing ever answers
        config = oidc_provider.client_config(tmp_path, ROLE_MAP, OIDC_HTTP_TIMEOUT_SECONDS=0.3,
                                             OIDC_ISSUER=f"http://127.0.0.1:{silent.getsockname()[1]}")
        sso = SingleSignOn.from_config(config)
        assert refusal(sso.start).reason == "provider_unreachable"


def test_an_issuer_whose_discovery_names_another_issuer_is_refused(oidc_provider, tmp_path):
    config = oidc_provider.client_config(tmp_path, ROLE_MAP, OIDC_ISSUER=oidc_provider.issuer + "/")
    refused = refusal(SingleSignOn.from_config(config).start)
    assert refused.reason == "provider_invalid" and "discovery" in refused.message


def test_a_provider_document_over_the_size_limit_is_refused(oidc_provider, tmp_path):
    padded = Network({"/.well-known/openid-configuration": lambda doc: {**doc, "x": "x" * MAX_DOCUMENT_BYTES}})
    sso = SingleSignOn.from_config(oidc_provider.client_config(tmp_path, ROLE_MAP), transport=padded)
    refused = refusal(sso.start)
    assert refused.reason == "provider_invalid" and "more than" in refused.message
