"""Single sign-on against a provider that keeps the person's claims out of the ID token (the
package's own default, as the specification has it for the code flow): they come from userinfo."""
import pytest

from services.identity.sso import SingleSignOn
from shared.testing.oidc_provider import ProviderSetup
from tests.identity.sso_helpers import ROLE_MAP, Network, refusal, signed_in


@pytest.fixture(scope="module")
def oidc_provider_setup():
    return ProviderSetup(claims_in_id_token=False)


def test_the_claims_come_from_userinfo(oidc_provider, tmp_path):
    sso = SingleSignOn.from_config(oidc_provider.client_config(tmp_path, ROLE_MAP))
    bob = sso.finish(*signed_in(sso, oidc_provider, "bob"))
    assert (bob.staff_id, bob.name, bob.roles) == ("S1002", "Bob Li", ("agent", "supervisor"))


def test_without_a_userinfo_endpoint_the_id_token_alone_lacks_a_staff_id(oidc_provider, tmp_path):
    """The same sign-in, had the provider no userinfo: proof the claims above came from there."""
    no_userinfo = Network({"/.well-known/openid-configuration": lambda doc: {**doc, "userinfo_endpoint": None}})
    sso = SingleSignOn.from_config(oidc_provider.client_config(tmp_path, ROLE_MAP), transport=no_userinfo)
    assert refusal(sso.finish, *signed_in(sso, oidc_provider, "bob")).reason == "staff_id_missing"
    assert "/me" not in no_userinfo.paths
