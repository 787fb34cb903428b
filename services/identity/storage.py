"""Identity's statements: every query and bulk write its use cases run, as functions taking a session."""
import sqlalchemy as sa

from services.identity.models import Account, AccountChange, ApiKey, PersonSession, SignInFailure, SsoFlow


# -- accounts ------------------------------------------------------------------------------------

def account(session, staff_id, for_update=False):
    query = sa.select(Account).where(Account.staff_id == staff_id)
    return session.scalar(query.with_for_update() if for_update else query)


def loaded_account(session, staff_id):
    """The account by its key (from the session's identity map when it is loaded already)."""
    return session.get(Account, staff_id)


def accounts(session, for_update=False):
    query = sa.select(Account)
    return session.scalars(query.with_for_update() if for_update else query)


def accounts_in_order(session):
    return session.scalars(sa.select(Account).order_by(Account.staff_id))


def changes_of(session, subject):
    """The audit of one account (or one machine's key), oldest first."""
    return session.scalars(sa.select(AccountChange).where(AccountChange.subject == subject)
                           .order_by(AccountChange.at, AccountChange.id))


# -- people's sessions and sign-in failures -------------------------------------------------------

def person_session(session, id_digest):
    return session.scalar(sa.select(PersonSession).where(PersonSession.id_digest == id_digest).with_for_update())


def end_live_sessions(session, staff_id, why, now, keep_digest=None):
    """End every live session of the account but the one `keep_digest` names."""
    query = (sa.update(PersonSession).where(PersonSession.staff_id == staff_id, PersonSession.ended_at.is_(None))
             .values(ended_at=now, ended_why=why))
    if keep_digest is not None:
        query = query.where(PersonSession.id_digest != keep_digest)
    session.execute(query)


def failure_times(session, address, window_start):
    """When the address failed to sign in after `window_start`; failures at or before it, from every
    address, are deleted (out of every window)."""
    session.execute(sa.delete(SignInFailure).where(SignInFailure.at <= window_start))
    return list(session.scalars(sa.select(SignInFailure.at).where(SignInFailure.address == address,
                                                                   SignInFailure.at > window_start)))


# -- single sign-on flows ---------------------------------------------------------------------------

def delete_flows_expired(session, now):
    session.execute(sa.delete(SsoFlow).where(SsoFlow.expires_at <= now))


def sso_flow(session, flow_digest):
    return session.scalar(sa.select(SsoFlow).where(SsoFlow.flow_digest == flow_digest).with_for_update())


# -- machines' keys ---------------------------------------------------------------------------------

def api_key(session, key_id):
    return session.get(ApiKey, key_id)


def api_keys_in_order(session):
    return session.scalars(sa.select(ApiKey).order_by(ApiKey.created_at, ApiKey.key_id))
