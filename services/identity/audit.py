"""The audit of account changes: created, roles, disabled, enabled, password reset or changed,
locked, unlocked (and machines' keys registered or revoked), with who and when."""
from services.identity import storage
from services.identity.models import AccountChange
from shared.timeutil import to_iso

SYSTEM = "system"   # changes nobody made by hand: a lock after failed sign-ins, and its end


def record(session, subject, change, by, now, detail=""):
    session.add(AccountChange(subject=subject, change=change, detail=detail[:500], by=by, at=now))


def changes(session, subject):
    rows = storage.changes_of(session, subject)
    return [{"change": row.change, "detail": row.detail, "params": params(row.change, row.detail), "by": row.by,
             "at": to_iso(row.at)} for row in rows]


def params(change, detail):
    """The detail's values as codes, for people's screens to name in their language: the roles an account
    was created with, its roles before and after a change, why a lock ended."""
    if change == "created":
        return {"roles": _roles(detail.removeprefix("roles "))}
    if change == "roles" and " → " in detail:
        before, after = detail.split(" → ", 1)
        return {"before": _roles(before), "after": _roles(after)}
    if change == "unlocked":
        return {"why": UNLOCKED_WHY.get(detail, detail)}
    return {}


def _roles(text):
    return [role for role in text.split(", ") if role]


# Why a lock ended: the code; the detail keeps the words older rows have.
UNLOCKED_WHY = {"by the password reset": "password_reset", "the lock ran out": "lock_expired"}
