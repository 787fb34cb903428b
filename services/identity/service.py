"""The identity service: people's accounts and sessions, sign-in throttling, machines' API keys,
and the one place tokens are signed. It consumes no events and publishes none."""
from services.identity.http_admin import AccountEndpoints, MachineEndpoints
from services.identity.http_machines import TokenEndpoints
from services.identity.http_sessions import SessionEndpoints
from services.identity.http_sso import SingleSignOnProvider, SsoEndpoints
from services.identity.issuer import TokenIssuer
from services.identity.models import Base
from services.identity.settings import Settings
from shared.messaging.relayed_database import RelayedDatabase
from shared.web.standard import StandardEndpoints


class IdentityService(SessionEndpoints, SsoEndpoints, TokenEndpoints, AccountEndpoints, MachineEndpoints,
                      StandardEndpoints):
    name = "identity"
    db = RelayedDatabase(Base)
    issue = TokenIssuer()
    sso = SingleSignOnProvider()

    @property
    def settings(self):
        return Settings.from_config(self.config)


SERVICE = IdentityService
