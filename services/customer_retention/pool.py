"""The protection pool (保护库, §7 / 000 art. 1 section 八), no nameko here.

A customer belongs to the rep whose pool holds it; protection lasts 30 days and
is renewed before it runs out; an expired protection goes back to the public pool;
a manager may reassign a customer left without follow-up. `protections` holds the
current holder (its primary key makes a second holder impossible), `ownerships`
the whole history.
"""
from datetime import timedelta

from services.customer_retention import care, limits, storage
from services.customer_retention.deadlines import colour, days_left
from services.customer_retention.models import Account, Notice, Ownership, Protection
from shared.errors import Conflict, NotFound, RuleViolation
from shared.timeutil import as_utc, business_day, to_iso

LOST = ("released", "expired", "reassigned")
NOTICES_SHOWN = 200   # a rep's latest notices


def claim(uow, settings, rep, customer_key, now):
    account_of(uow.session, customer_key)
    expire_due(uow, now, customer_key)   # an expired protection no longer stands in the way
    holder = uow.session.get(Protection, customer_key)
    if holder is not None:
        raise _held(holder)
    _check_cooldown(uow.session, rep, customer_key, now)
    limits.count_claim(uow, rep, business_day(now))   # the rep's working day, Beijing time
    limits.take_slot(uow, rep)
    return _start(uow, settings, customer_key, rep, "claimed", now)


def renew(uow, settings, rep, customer_key, now):
    if not storage.extend_protection(uow.session, customer_key, rep, now,
                                     now + timedelta(days=settings.protection_days)):
        raise _not_yours(uow.session, rep, customer_key, now)
    return storage.reloaded(uow.session, Protection, customer_key)


def release(uow, rep, customer_key, now):
    protection = uow.session.get(Protection, customer_key)
    if protection is None or protection.rep != rep or not _end(uow, protection, "released", rep, now):
        raise _not_yours(uow.session, rep, customer_key, now)


def reassign(uow, settings, manager, customer_keys, to_rep, reason, now):
    """All or nothing: every customer must be held by someone other than `to_rep`."""
    moved = []
    for key in dict.fromkeys(customer_keys):
        protection = storage.locked_protection(uow.session, key)
        if protection is None or protection.rep == to_rep or not _end(uow, protection, "reassigned", manager, now,
                                                                      note=reason):
            raise Conflict(f"{key} is not held by another rep", code="not_reassignable", customer_key=key)
        previous = protection.rep
        limits.adjust_load(uow, to_rep, +1)
        moved.append(_start(uow, settings, key, to_rep, "reassigned", now, previous_rep=previous, note=reason))
    return moved


def expire_due(uow, now, customer_key=None):
    """Protections past their expiry go back to the public pool; each says whose it was."""
    expired = []
    for protection in storage.due_protections(uow.session, now, customer_key):
        if _end(uow, protection, "expired", "system", now):
            uow.publish("protection_expired", {"customer_key": protection.customer_key, "rep": protection.rep,
                                               "expired_at": protection.expires_at},
                        aggregate_id=protection.customer_key)
            expired.append(protection)
    return expired


def notify_expiring(uow, settings, now):
    """Tell each rep, once per protection period, about customers expiring within the notice days."""
    soon = now + timedelta(days=settings.expiry_notice_days)
    notices = []
    for protection in storage.unnotified_expiring(uow.session, now, soon):
        if storage.mark_expiry_notified(uow.session, protection.customer_key, now):
            notices.append(Notice(
                rep=protection.rep, customer_key=protection.customer_key, kind="protection_expiring", created_at=now,
                message=f"protection of {protection.customer_key} expires at {to_iso(protection.expires_at)}; "
                        f"renew it or it returns to the public pool"))
    uow.session.add_all(notices)
    return notices


def notices_for(session, rep):
    return [{"id": n.id, "customer_key": n.customer_key, "kind": n.kind, "message": n.message,
             "created_at": to_iso(n.created_at)} for n in storage.notices_of(session, rep, NOTICES_SHOWN)]


def pool_view(session, settings, now, rep=None, flagged_only=False):
    rows = [_view(protection, name, settings, now)
            for protection, name in storage.protections_with_names(session, rep)]
    return [row for row in rows if row["flagged"]] if flagged_only else rows


def history(session, customer_key):
    account_of(session, customer_key)
    return [{"rep": o.rep, "from": to_iso(o.started_at), "how": o.how,
             "to": o.ended_at and to_iso(o.ended_at), "ended": o.end_reason, "ended_by": o.ended_by,
             "note": o.note} for o in storage.ownerships_of(session, customer_key)]


def account_of(session, customer_key):
    account = session.get(Account, customer_key)
    if account is None:
        raise NotFound(f"no customer {customer_key}", customer_key=customer_key)
    return account


def _start(uow, settings, customer_key, rep, how, now, previous_rep=None, note=None):
    ownership = Ownership(customer_key=customer_key, rep=rep, started_at=now, how=how, note=note)
    uow.session.add(ownership)
    uow.session.flush()
    expires_at = now + timedelta(days=settings.protection_days)
    # The primary key decides a race: of two concurrent claims, one insert lands.
    if not storage.insert_if_absent(uow.session, Protection, customer_key=customer_key, rep=rep,
                                    ownership_id=ownership.id, claimed_at=now, expires_at=expires_at):
        raise _held(uow.session.get(Protection, customer_key))
    care.hand_over(uow, customer_key, None, rep)
    uow.publish("protection_claimed", {"customer_key": customer_key, "rep": rep, "expires_at": expires_at,
                                       "how": how, "previous_rep": previous_rep}, aggregate_id=customer_key)
    return uow.session.get(Protection, customer_key)


def _end(uow, protection, reason, by, now, note=None):
    """Close a holding; False when someone else closed it first."""
    if not storage.end_protection(uow.session, protection, reason, by, now, note):
        return False
    limits.adjust_load(uow, protection.rep, -1)
    care.hand_over(uow, protection.customer_key, protection.rep, None)
    return True


def _check_cooldown(session, rep, customer_key, now):
    days = limits.limit(session, "reclaim_cooldown_days", rep)
    last_lost = storage.last_lost_at(session, customer_key, rep, LOST)
    if last_lost is not None:
        until = as_utc(last_lost) + timedelta(days=days)
        if now < until:
            raise RuleViolation(f"{rep} lost or released {customer_key}; may claim it again from {to_iso(until)}",
                                code="reclaim_cooldown", until=to_iso(until))


def _held(protection):
    return Conflict(f"held by {protection.rep} until {to_iso(protection.expires_at)}", code="already_protected",
                    holder=protection.rep, expires_at=to_iso(protection.expires_at))


def _not_yours(session, rep, customer_key, now):
    protection = storage.reloaded(session, Protection, customer_key)
    if protection is None:
        return Conflict(f"{customer_key} is in the public pool", code="not_protected")
    if protection.rep != rep:
        return _held(protection)
    return Conflict(f"the protection expired at {to_iso(protection.expires_at)}", code="protection_expired")


def _view(protection, name, settings, now):
    last_touch = protection.last_follow_up_at or protection.claimed_at
    idle_days = (now - last_touch).days
    return {"customer_key": protection.customer_key, "name": name, "rep": protection.rep,
            "claimed_at": to_iso(protection.claimed_at), "expires_at": to_iso(protection.expires_at),
            "days_left": days_left(protection.expires_at, now),
            "colour": colour(protection.expires_at, now, timedelta(days=settings.pool_yellow_days)),
            "last_follow_up_at": protection.last_follow_up_at and to_iso(protection.last_follow_up_at),
            "days_without_follow_up": idle_days, "flagged": idle_days >= settings.idle_flag_days}
