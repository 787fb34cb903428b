"""The audit of account changes: created, roles, disabled, enabled, password reset or changed,
locked, unlocked (and machines' keys registered or revoked), with who and when."""
import sqlalchemy as sa

from services.identity.models import AccountChange
from shared.timeutil import to_iso

SYSTEM = "system"   # changes nobody made by hand: a lock after failed sign-ins, and its end


def record(session, subject, change, by, now, detail=""):
    session.add(AccountChange(subject=subject, change=change, detail=detail[:500], by=by, at=now))


def changes(session, subject):
    rows = session.scalars(sa.select(AccountChange).where(AccountChange.subject == subject)
                           .order_by(AccountChange.at, AccountChange.id))
    return [{"change": row.change, "detail": row.detail, "by": row.by, "at": to_iso(row.at)} for row in rows]
