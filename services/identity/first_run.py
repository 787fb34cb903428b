"""What identity needs before anyone can sign in (run by `tools.deploy`): an administrator, and the
console's own API key. Each is made only when missing, so a second deploy changes nothing."""
from services.identity import accounts, api_keys
from shared.roles import Role

FIRST_ADMIN = "admin"
CONSOLE_SUBJECT = "web-console"
BY = "deploy"


def ensure_admin(session, now):
    """-> the one-time password of the administrator made now, or None when an enabled one exists.
    An `admin` account left without the role or disabled gets it back, with a new password."""
    if accounts.has_enabled_admin(session):
        return None
    existing = accounts.find(session, FIRST_ADMIN, for_update=True)
    if existing is None:
        return accounts.create(session, FIRST_ADMIN, "Administrator", [Role.ADMIN.value], BY, now)[1]
    if Role.ADMIN.value not in existing.roles:
        accounts.set_roles(session, FIRST_ADMIN, [Role.ADMIN.value] + list(existing.roles), BY, now)
    accounts.enable(session, FIRST_ADMIN, BY, now)
    return accounts.reset_password(session, FIRST_ADMIN, BY, now)[1]


def ensure_console_key(session, current_key, now):
    """-> a new key for the console when `current_key` (what it holds) is missing or no longer live."""
    if current_key and api_keys.live(session, current_key) is not None:
        return None
    return api_keys.register(session, Role.CONSOLE.value, CONSOLE_SUBJECT, "the web console (made by deploy)",
                             BY, now)[1]
