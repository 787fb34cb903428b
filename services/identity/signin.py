"""Signing a person in: the address's throttle, the account's lock, the password, then a session.

Failed attempts are recorded whatever is answered, so the answer is returned, not raised: the unit
of work commits them. Locks and refused addresses are logged with the staff id and the address.
"""
import logging

from services.identity import accounts, audit, passwords, refusals, sessions, storage
from services.identity.models import SignInFailure

log = logging.getLogger(__name__)


def sign_in(session, policy, staff_id, password, address, now):
    """-> (session id, stored session, account), or a Refusal."""
    refused_until = policy.address_refused_until(
        storage.failure_times(session, address, policy.window_start(now)), now)
    if refused_until is not None:
        log.warning("sign-in refused: address %s has too many failures (staff id %s)", address, staff_id)
        return refusals.too_many_attempts(refused_until)
    account = accounts.find(session, staff_id, for_update=True)
    if account is not None and account.locked_until is not None:
        if policy.is_locked(account.locked_until, now):
            _failed(session, address, staff_id, now)   # the address still pays for trying a locked account
            return refusals.account_locked(account.locked_until)
        accounts.unlock(session, account, audit.SYSTEM, now, "the lock ran out")
    if not passwords.verify(account.password_hash if account else None, password):
        return failed_attempt(session, policy, account, staff_id, address, now)
    if account.disabled:
        return refusals.account_disabled()
    account.failed_attempts = 0
    if passwords.needs_rehash(account.password_hash):
        account.password_hash = passwords.hash_password(password)
    session_id, stored = sessions.start(session, account, address, now)
    return session_id, stored, account


def failed_attempt(session, policy, account, staff_id, address, now):
    """Count a wrong password against the address and the account; the 5th in a row locks it."""
    _failed(session, address, staff_id, now)
    if account is None:
        return refusals.invalid_credentials()
    failure = policy.after_failure(account.failed_attempts, now)
    account.failed_attempts, account.locked_until = failure.failed_attempts, failure.locked_until
    if failure.locked_until is None:
        return refusals.invalid_credentials()
    log.warning("account %s locked until %s after failed sign-ins (last from %s)", staff_id,
                failure.locked_until.isoformat(), address)
    audit.record(session, staff_id, "locked", audit.SYSTEM, now,
                 f"{policy.max_failures} failed sign-ins in a row, the last from {address}")
    return refusals.account_locked(failure.locked_until)


def _failed(session, address, staff_id, now):
    session.add(SignInFailure(address=address, staff_id=staff_id[:64], at=now))


def change_password(session, policy, stored, account, current_password, new_password, now):
    """A signed-in person's own change: the current password proves it is them (a wrong one counts
    as a failed attempt); the other sessions of the account end. -> None, or a Refusal."""
    if not passwords.verify(account.password_hash, current_password):
        failed_attempt(session, policy, account, account.staff_id, stored.address, now)
        return refusals.wrong_password()
    accounts.set_own_password(session, account, new_password, now)
    sessions.end_all(session, account.staff_id, "password_changed", now, keep=stored)
    return None
