"""People's sessions, kept here so that signing out, disabling an account or resetting its password
ends them at once. The console holds the id; this table only its SHA-256."""
from services.identity import refusals, storage
from services.identity.credentials import digest, new_session_id
from services.identity.models import PersonSession
from shared.errors import PermissionDenied
from shared.timeutil import to_iso

SIGNED_OUT = "signed_out"
NO_ROLE = "no_role"   # the account no longer holds any role the session may act in
PASSWORD, SSO = "password", "sso"
MAX_ID_LENGTH = 100


def start(session, account, address, now, via=PASSWORD, sso_roles=None):
    """-> (the session id to give the console, the stored session), acting in the first role it holds.
    A single sign-on session holds only `sso_roles` of the account's (the provider vouched for those)."""
    session_id = new_session_id()
    stored = PersonSession(id_digest=digest(session_id), staff_id=account.staff_id, address=address,
                           created_at=now, last_seen_at=now, via=via,
                           sso_roles=list(sso_roles) if sso_roles is not None else None)
    stored.role = held_roles(stored, account)[0]
    session.add(stored)
    return session_id, stored


def held_roles(stored, account):
    """The roles this session may act in, in the account's order: the account's, and for a single
    sign-on only those the provider vouched for too (an administrator may have removed one since)."""
    return [role for role in account.roles if stored.sso_roles is None or role in stored.sso_roles]


def must_change_password(stored, account):
    """A one-time password must be changed before anything else, by whoever signed in with it; a
    single sign-on did not use it."""
    return stored.via == PASSWORD and account.must_change_password


def current(session, policy, session_id, now, touch=True):
    """-> (stored session, account), touched (unless not `touch`: a page refreshing itself is no sign
    of anyone there); or a Refusal when it has ended (idle or too old: it ends now)."""
    stored = _find(session, session_id)
    if stored is None:
        return refusals.session_ended("unknown")
    account = storage.loaded_account(session, stored.staff_id)
    held = held_roles(stored, account)
    if stored.ended_at is None:
        why = "disabled" if account.disabled else NO_ROLE if not held else \
            policy.ended_why(stored.created_at, stored.last_seen_at, now)
        if why:
            stored.ended_at, stored.ended_why = now, why
    if stored.ended_at is not None:
        return refusals.session_ended(stored.ended_why)
    if stored.role not in held:
        stored.role = held[0]
    if touch:
        stored.last_seen_at = now
    return stored, account


def switch_role(stored, account, role):
    held = held_roles(stored, account)
    if role not in held:
        raise PermissionDenied(f"{account.staff_id} does not hold the role {role} in this session",
                               code="role_not_held", roles=held)
    stored.role = role


def end(session, session_id, why, now):
    stored = _find(session, session_id)
    if stored is not None and stored.ended_at is None:
        stored.ended_at, stored.ended_why = now, why


def end_all(session, staff_id, why, now, keep=None):
    """End every live session of the account (but `keep`, the one that asked)."""
    storage.end_live_sessions(session, staff_id, why, now, keep_digest=keep.id_digest if keep is not None else None)


def view(stored, account, session_id, issue, now):
    """What the console gets. No token for the services while the password must be changed first:
    until then the person can do nothing but change it."""
    must_change = must_change_password(stored, account)
    body = {"session_id": session_id, "staff_id": account.staff_id, "name": account.name,
            "roles": held_roles(stored, account), "role": stored.role, "via": stored.via,
            "must_change_password": must_change, "token": None, "expires_at": None}
    if not must_change:
        token, expires_at = issue(account.staff_id, stored.role, now)
        body.update(token=token, expires_at=to_iso(expires_at))
    return body


def _find(session, session_id):
    if not session_id or len(session_id) > MAX_ID_LENGTH:
        return None
    return storage.person_session(session, digest(session_id))
