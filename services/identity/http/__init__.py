"""Identity's HTTP endpoints, one module per area, joined here; the service class inherits them."""
from services.identity.http.admin import AccountEndpoints, MachineEndpoints
from services.identity.http.machines import TokenEndpoints
from services.identity.http.sessions import SessionEndpoints
from services.identity.http.sso import SsoEndpoints
from shared.web.standard import StandardEndpoints


class IdentityHttp(SessionEndpoints, SsoEndpoints, TokenEndpoints, AccountEndpoints, MachineEndpoints,
                   StandardEndpoints):
    """The console's (sessions, single sign-on), the devices' (tokens) and the administrators'
    (accounts, API keys)."""
