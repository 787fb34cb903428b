"""The identity service: people's accounts and sessions, sign-in throttling, machines' API keys,
and the one place tokens are signed. It consumes no events and publishes none: its endpoints are
in `http/`."""
from functools import partial

from services.identity.http import IdentityHttp
from services.identity.models import Base
from services.identity.settings import Settings
from services.identity.sso import single_sign_on
from shared.messaging.relayed_database import RelayedDatabase
from shared.settings_provider import ServiceSettings
from shared.web.auth import TOKEN_LIFETIME, mint_token
from shared.web.keys import load_private_key


def issue(private_key, subject, role, now, carrier=None):
    """-> (token, expires_at)."""
    return mint_token(private_key, subject, role, carrier=carrier, now=now), now + TOKEN_LIFETIME


def token_issuer(config):
    """`self.issue(subject, role, now, carrier=None)`: identity is the one holder of the token-signing
    private key; a missing one stops identity starting."""
    return partial(issue, load_private_key(config["AUTH_PRIVATE_KEY_FILE"]))


class IdentityService(IdentityHttp):
    name = "identity"
    db = RelayedDatabase(Base)
    settings = ServiceSettings(Settings)
    issue = ServiceSettings(token_issuer)
    sso = ServiceSettings(single_sign_on)   # the OpenID Connect client, or None when OIDC_ISSUER is not set


SERVICE = IdentityService
