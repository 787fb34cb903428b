"""People's sessions, kept here so that signing out, disabling an account or resetting its password
ends them at once. The console holds the id; this table only its SHA-256."""
import sqlalchemy as sa

from services.identity import refusals
from services.identity.credentials import digest, new_session_id
from services.identity.models import Account, PersonSession
from shared.errors import PermissionDenied
from shared.timeutil import to_iso

SIGNED_OUT = "signed_out"
MAX_ID_LENGTH = 100


def start(session, account, address, now):
    """-> (the session id to give the console, the stored session), acting in the account's first role."""
    session_id = new_session_id()
    stored = PersonSession(id_digest=digest(session_id), staff_id=account.staff_id, role=account.roles[0],
                           address=address, created_at=now, last_seen_at=now)
    session.add(stored)
    return session_id, stored


def current(session, policy, session_id, now, touch=True):
    """-> (stored session, account), touched (unless not `touch`: a page refreshing itself is no sign
    of anyone there); or a Refusal when it has ended (idle or too old: it ends now)."""
    stored = _find(session, session_id)
    if stored is None:
        return refusals.session_ended("unknown")
    account = session.get(Account, stored.staff_id)
    if stored.ended_at is None:
        why = "disabled" if account.disabled else policy.ended_why(stored.created_at, stored.last_seen_at, now)
        if why:
            stored.ended_at, stored.ended_why = now, why
    if stored.ended_at is not None:
        return refusals.session_ended(stored.ended_why)
    if touch:
        stored.last_seen_at = now
    return stored, account


def switch_role(stored, account, role):
    if role not in account.roles:
        raise PermissionDenied(f"{account.staff_id} does not hold the role {role}", code="role_not_held",
                               roles=list(account.roles))
    stored.role = role


def end(session, session_id, why, now):
    stored = _find(session, session_id)
    if stored is not None and stored.ended_at is None:
        stored.ended_at, stored.ended_why = now, why


def end_all(session, staff_id, why, now, keep=None):
    """End every live session of the account (but `keep`, the one that asked)."""
    query = (sa.update(PersonSession).where(PersonSession.staff_id == staff_id, PersonSession.ended_at.is_(None))
             .values(ended_at=now, ended_why=why))
    if keep is not None:
        query = query.where(PersonSession.id_digest != keep.id_digest)
    session.execute(query)


def drop_role(session, staff_id, roles):
    """Live sessions acting in a role the account no longer holds act in its first role instead."""
    session.execute(sa.update(PersonSession)
                    .where(PersonSession.staff_id == staff_id, PersonSession.ended_at.is_(None),
                           PersonSession.role.not_in(roles))
                    .values(role=roles[0]))


def view(stored, account, session_id, issue, now):
    """What the console gets. No token for the services while the password must be changed first:
    until then the person can do nothing but change it."""
    body = {"session_id": session_id, "staff_id": account.staff_id, "name": account.name,
            "roles": list(account.roles), "role": stored.role,
            "must_change_password": account.must_change_password, "token": None, "expires_at": None}
    if not account.must_change_password:
        token, expires_at = issue(account.staff_id, stored.role, now)
        body.update(token=token, expires_at=to_iso(expires_at))
    return body


def _find(session, session_id):
    if not session_id or len(session_id) > MAX_ID_LENGTH:
        return None
    return session.scalar(sa.select(PersonSession).where(PersonSession.id_digest == digest(session_id))
                          .with_for_update())
