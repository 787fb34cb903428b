"""Follow-ups (跟进): calls, visits and messages logged against a customer.
A customer protected by someone else may not be followed up (§7), and a rep reads only their own
notes: reps compete for customers, so one rep's notes are not another's to read (issue 17)."""
from services.customer_retention import storage
from services.customer_retention.models import FollowUp, Protection
from services.customer_retention.pool import account_of
from shared.errors import Conflict, PermissionDenied
from shared.timeutil import to_iso


def log_follow_up(uow, rep, customer_key, kind, notes, now):
    account_of(uow.session, customer_key)
    holder = uow.session.get(Protection, customer_key)
    if holder is not None and holder.rep != rep and holder.expires_at > now:
        raise Conflict(f"{customer_key} is protected by {holder.rep} until {to_iso(holder.expires_at)}",
                       code="protected_by_another", holder=holder.rep, expires_at=to_iso(holder.expires_at))
    storage.note_follow_up(uow.session, customer_key, rep, now)
    follow_up = FollowUp(customer_key=customer_key, rep=rep, kind=kind, notes=notes, logged_at=now)
    uow.session.add(follow_up)
    uow.publish("follow_up_logged", {"customer_key": customer_key, "rep": rep, "kind": kind, "logged_at": now},
                aggregate_id=customer_key)
    return follow_up


def readable_rep(reader, role, asked_rep=None):
    """Whose notes `reader` reads: a sales rep only their own (PermissionDenied asking for another rep's);
    managers and the care team everyone's, or the rep they ask for (None: all)."""
    if role != "sales":
        return asked_rep
    if asked_rep not in (None, reader):
        raise PermissionDenied(f"a rep reads only their own follow-up notes: {reader} may not read {asked_rep}'s",
                               code="not_your_follow_ups", rep=asked_rep)
    return reader


def follow_ups_of(session, customer_key, rep=None):
    return [{"id": f.id, "rep": f.rep, "kind": f.kind, "notes": f.notes, "logged_at": to_iso(f.logged_at)}
            for f in storage.follow_ups_of(session, customer_key, rep)]
