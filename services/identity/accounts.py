"""People's accounts: created, given roles, disabled and enabled, their passwords reset, by an
administrator (or `tools.accounts` and the first deploy); every change audited."""
from services.identity import audit, passwords, sessions, storage
from services.identity.models import Account
from shared.errors import Conflict, NotFound, RuleViolation
from shared.roles import Role
from shared.timeutil import to_iso

ADMIN = Role.ADMIN.value


def view(account):
    return {"staff_id": account.staff_id, "name": account.name, "roles": list(account.roles),
            "disabled": account.disabled, "must_change_password": account.must_change_password,
            "locked_until": to_iso(account.locked_until) if account.locked_until else None,
            "created_at": to_iso(account.created_at), "updated_at": to_iso(account.updated_at)}


def listing(session):
    return [view(account) for account in storage.accounts_in_order(session)]


def find(session, staff_id, for_update=False):
    return storage.account(session, staff_id, for_update)


def get(session, staff_id):
    account = find(session, staff_id, for_update=True)
    if account is None:
        raise NotFound(f"no account {staff_id}", code="no_such_account")
    return account


def has_enabled_admin(session):
    return any(ADMIN in account.roles and not account.disabled for account in storage.accounts(session))


def create(session, staff_id, name, roles, by, now):
    """-> (account, its one-time password). The person must change it at first sign-in."""
    if find(session, staff_id) is not None:
        raise Conflict(f"an account {staff_id} exists already", code="account_exists")
    one_time = passwords.one_time_password(staff_id)
    account = Account(staff_id=staff_id, name=name, roles=list(roles), password_hash=passwords.hash_password(one_time),
                      disabled=False, must_change_password=True, failed_attempts=0, created_at=now, updated_at=now)
    session.add(account)
    audit.record(session, staff_id, "created", by, now, f"roles {', '.join(roles)}")
    return account, one_time


def set_roles(session, staff_id, roles, by, now):
    account = get(session, staff_id)
    if ADMIN in account.roles and ADMIN not in roles:
        _keep_an_admin(session, account, "remove the admin role from")
    before = account.roles
    account.roles, account.updated_at = list(roles), now
    audit.record(session, staff_id, "roles", by, now, f"{', '.join(before)} → {', '.join(roles)}")
    # A live session acting in a role the account lost acts in its first role from its next page on
    # (sessions.current), before it is given another token.
    return account


def disable(session, staff_id, by, now):
    account = get(session, staff_id)
    if not account.disabled:
        if ADMIN in account.roles:
            _keep_an_admin(session, account, "disable")
        account.disabled, account.updated_at = True, now
        audit.record(session, staff_id, "disabled", by, now)
    sessions.end_all(session, staff_id, "disabled", now)   # at once, not at the token's expiry
    return account


def enable(session, staff_id, by, now):
    account = get(session, staff_id)
    if account.disabled:
        account.disabled, account.updated_at = False, now
        audit.record(session, staff_id, "enabled", by, now)
    return account


def reset_password(session, staff_id, by, now):
    """-> (account, a new one-time password). Ends every session of the account and lifts a lock."""
    account = get(session, staff_id)
    one_time = passwords.one_time_password(staff_id)
    account.password_hash, account.must_change_password, account.updated_at = \
        passwords.hash_password(one_time), True, now
    audit.record(session, staff_id, "password_reset", by, now)
    if account.locked_until is not None or account.failed_attempts:
        unlock(session, account, by, now, "by the password reset")
    sessions.end_all(session, staff_id, "password_reset", now)
    return account, one_time


def set_own_password(session, account, new_password, now):
    """The person's own change (they proved the current one): the policy holds, and it must be new."""
    broken = passwords.broken_rule(new_password, account.staff_id)
    if broken is None and passwords.verify(account.password_hash, new_password):
        broken = "not_new", "must differ from the current password"
    if broken:
        rule, reason = broken
        raise RuleViolation(f"password {reason}", code="weak_password", fields={"new_password": [reason]}, rule=rule)
    account.password_hash, account.must_change_password, account.updated_at = \
        passwords.hash_password(new_password), False, now
    audit.record(session, account.staff_id, "password_changed", account.staff_id, now)


def unlock(session, account, by, now, why):
    was_locked = account.locked_until is not None
    account.failed_attempts, account.locked_until = 0, None
    if was_locked:
        audit.record(session, account.staff_id, "unlocked", by, now, why)


def _keep_an_admin(session, account, what):
    others = [other for other in storage.accounts(session, for_update=True)
              if other.staff_id != account.staff_id and ADMIN in other.roles and not other.disabled]
    if not others:
        raise Conflict(f"{account.staff_id} is the last enabled administrator: cannot {what} it",
                       code="last_admin")
