"""The one holder of the token-signing private key: identity signs people's and machines' tokens."""
from functools import partial

from nameko.extensions import DependencyProvider

from shared.web.auth import TOKEN_LIFETIME, mint_token
from shared.web.keys import load_private_key


def issue(private_key, subject, role, now, carrier=None):
    """-> (token, expires_at)."""
    return mint_token(private_key, subject, role, carrier=carrier, now=now), now + TOKEN_LIFETIME


class TokenIssuer(DependencyProvider):
    """`self.issue(subject, role, now, carrier=None)`; a missing private key stops identity starting."""

    def setup(self):
        self.private_key = load_private_key(self.container.config["AUTH_PRIVATE_KEY_FILE"])

    def get_dependency(self, worker_ctx):
        return partial(issue, self.private_key)
