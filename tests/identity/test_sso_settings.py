"""Single sign-on settings: each mistake refused at start-up with the key named."""
import json

import pytest

from services.identity.sso import read_client_secret
from services.identity.settings import SsoMisconfigured, role_map_from, sso_configured
from services.identity.settings import sso_settings as settings_from_config

GOOD = {
    "OIDC_ISSUER": "https://login.example.test/realms/shop",
    "OIDC_CLIENT_ID": "back-office",
    "OIDC_REDIRECT_URI": "https://console.example.test/sso/callback",
    "OIDC_ROLE_MAP": json.dumps({"wh-reviewers": "reviewer"}),
}


def refused(**changes):
    config = {key: value for key, value in {**GOOD, **changes}.items() if value is not None}
    with pytest.raises(SsoMisconfigured) as error:
        settings_from_config(config)
    return str(error.value)


def test_defaults_and_the_role_map():
    settings = settings_from_config(GOOD)
    assert (settings.staff_id_claim, settings.roles_claim) == ("preferred_username", "groups")
    assert settings.scopes == "openid profile groups"
    assert dict(settings.role_map) == {"wh-reviewers": "reviewer"}
    assert settings.client_secret_file.parts[-3:] == ("var", "secrets", "oidc-client-secret")


def test_the_role_map_may_come_already_parsed_from_the_environment():
    # shared.config.service_settings parses JSON values: IDENTITY_OIDC_ROLE_MAP arrives as a dict
    assert dict(settings_from_config({**GOOD, "OIDC_ROLE_MAP": {"cs-agents": "agent"}}).role_map) == {
        "cs-agents": "agent"}


def test_a_relative_secret_file_is_under_the_checkout_and_an_absolute_one_as_given(tmp_path):
    relative = settings_from_config({**GOOD, "OIDC_CLIENT_SECRET_FILE": "var/secrets/other"})
    assert relative.client_secret_file.is_absolute() and relative.client_secret_file.name == "other"
    absolute = settings_from_config({**GOOD, "OIDC_CLIENT_SECRET_FILE": str(tmp_path / "s")})
    assert absolute.client_secret_file == tmp_path / "s"


def test_the_secret_itself_is_never_configuration():
    assert "OIDC_CLIENT_SECRET_FILE" in refused(OIDC_CLIENT_SECRET="hunter2")


@pytest.mark.parametrize("key", ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_REDIRECT_URI"])
def test_required_keys(key):
    assert key in refused(**{key: None})
    assert key in refused(**{key: "  "})


@pytest.mark.parametrize("key", ["OIDC_ISSUER", "OIDC_REDIRECT_URI"])
def test_urls_are_https_except_on_loopback(key):
    assert "https" in refused(**{key: "http://login.example.test"})
    assert "https" in refused(**{key: "http://10.0.0.5/sso"})
    assert "https" in refused(**{key: "ftp://login.example.test"})
    assert "https" in refused(**{key: "https://login.example.test/#x"})
    for loopback in ("http://127.0.0.1:8080", "http://localhost:8000/sso/callback", "http://[::1]:9"):
        assert getattr(settings_from_config({**GOOD, key: loopback}), key[5:].lower()) == loopback


@pytest.mark.parametrize("raw, reason", [
    (None, "at least one"), ("{}", "at least one"), ("[]", "at least one"), ("not json", "not JSON"),
    ('{"wh-reviewers": "emperor"}', "not a role a person"),
    ('{"scanners": "scanner"}', "not a role a person"),     # a device's role, never a person's
    ('{"x": 3}', "not a role a person"), ('{" ": "reviewer"}', "empty claim value"),
])
def test_a_bad_role_map(raw, reason):
    assert reason in refused(OIDC_ROLE_MAP=raw)


def test_a_role_map_of_several_roles_keeps_its_order():
    assert list(role_map_from('{"b": "manager", "a": "agent"}').items()) == [("b", "manager"), ("a", "agent")]


def test_scopes_must_include_openid():
    assert "openid" in refused(OIDC_SCOPES="profile groups")
    assert settings_from_config({**GOOD, "OIDC_SCOPES": " openid  roles "}).scopes == "openid roles"


@pytest.mark.parametrize("key", ["OIDC_HTTP_TIMEOUT_SECONDS", "OIDC_METADATA_MAX_AGE_SECONDS",
                                 "OIDC_CLOCK_LEEWAY_SECONDS", "OIDC_FLOW_MAX_AGE_SECONDS"])
def test_durations_are_positive(key):
    assert key in refused(**{key: 0})
    assert key in refused(**{key: "soon"})
    assert getattr(settings_from_config({**GOOD, key: 1}), key[5:].lower()) == 1


def test_configured_only_with_an_issuer():
    assert sso_configured(GOOD) and not sso_configured({}) and not sso_configured({"OIDC_ISSUER": ""})


def test_the_client_secret_comes_from_its_file(tmp_path):
    secret_file = tmp_path / "oidc-client-secret"
    with pytest.raises(SsoMisconfigured, match="can't be read"):
        read_client_secret(secret_file)
    secret_file.write_text("\n")
    with pytest.raises(SsoMisconfigured, match="is empty"):
        read_client_secret(secret_file)
    secret_file.write_text("s3cret\n")
    assert read_client_secret(secret_file) == "s3cret"
