"""Single sign-on in identity's tables: the sign-ins begun and not yet back (`sso_flows`), and who a
person the provider vouched for is here.

Who: an SSO sign-in needs an enabled account with that staff id, made by an administrator as for a
password sign-in; the provider creates no account. The session holds the roles both sides grant:
the account's (an administrator's decision, audited here) that the provider's mapped claim also
gives (the department's directory, today). So a person moved out of a group at the provider loses
that role at their next sign-in, and a group added at the provider grants nothing until an
administrator gives the account the role too.
"""
import logging

from services.identity import accounts, refusals, sessions, storage
from services.identity.credentials import digest, new_session_id
from services.identity.models import SsoFlow
from services.identity.sso_rules import KeptState, SsoRefused

log = logging.getLogger(__name__)
MAX_FLOW_ID_LENGTH = 100


def begin(session, kept, now, max_age):
    """Keep what the server must remember until the provider sends the person back; -> (the flow id
    for the console's cookie, when it expires). Flows left unfinished go when the next one begins."""
    storage.delete_flows_expired(session, now)
    flow_id, expires_at = new_session_id(), now + max_age
    session.add(SsoFlow(flow_digest=digest(flow_id), kept=kept.as_dict(), expires_at=expires_at))
    return flow_id, expires_at


def take(session, flow_id, now):
    """The flow `flow_id` names, removed: each is used once, whatever comes of it. -> (KeptState, None),
    or (None, the refusal's reason) for a flow unknown, used already, or expired (at `expires_at`)."""
    if not flow_id or len(flow_id) > MAX_FLOW_ID_LENGTH:
        return None, "state_mismatch"
    row = storage.sso_flow(session, digest(flow_id))
    if row is None:
        return None, "state_mismatch"
    session.delete(row)
    if now >= row.expires_at:
        return None, "flow_expired"
    return KeptState.from_dict(row.kept), None


def sign_in(session, verified, address, now):
    """A session for the person the provider vouched for (`SsoSignIn`); -> (session id, stored session,
    account), or a Refusal (a disabled account); SsoRefused without an account or a role both grant."""
    account = accounts.find(session, verified.staff_id, for_update=True)
    if account is None:
        raise _refused("no_account", verified, address)
    if account.disabled:
        log.warning("single sign-on of disabled account %s refused (from %s)", account.staff_id, address)
        return refusals.account_disabled()
    roles = [role for role in account.roles if role in verified.roles]
    if not roles:
        raise _refused("role_not_held", verified, address, f"the provider gives {', '.join(verified.roles)}")
    session_id, stored = sessions.start(session, account, address, now, via=sessions.SSO, sso_roles=roles)
    log.info("%s signed in through single sign-on from %s, roles %s", account.staff_id, address, ",".join(roles))
    return session_id, stored, account


def _refused(reason, verified, address, detail=None):
    log.warning("single sign-on of %s refused (from %s): %s", verified.staff_id, address, reason)
    return SsoRefused(reason, detail)
