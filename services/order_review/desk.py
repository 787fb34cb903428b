"""The reviewer's desk: claim an order, release holds, approve, reject, correct the address.

Every action first takes (or renews) the actor's claim with one conditional UPDATE, so two
reviewers can never act on one order at once; a live claim of someone else answers 409. A decision
then applies only before the warehouse starts (`review.ensure_review_decides`); after that it is 409
`warehouse_started` and the claim is not kept (the unit of work rolls back).
"""
import sqlalchemy as sa

from services.order_review import events, review, rules
from services.order_review.models import Correction, ReviewOrder
from shared.errors import Conflict, RuleViolation
from shared.timeutil import to_iso

CORRECTABLE = ("recipient", "phone", "province", "city", "district", "line1", "postcode")


def claim(uow, order_no, staff_id, now, policy):
    """Take the order for `policy.claim_ttl`; the actor's own claim is renewed."""
    expires = now + policy.claim_ttl
    taken = uow.session.execute(
        sa.update(ReviewOrder).where(
            ReviewOrder.order_no == order_no,
            sa.or_(ReviewOrder.claimed_by.is_(None), ReviewOrder.claimed_by == staff_id,
                   ReviewOrder.claim_expires_at <= now))
        .values(claimed_by=staff_id, claim_expires_at=expires)).rowcount
    record = review.lock_order(uow.session, order_no)
    if not taken:
        raise Conflict(f"order {order_no} is being reviewed by {record.claimed_by} until "
                       f"{to_iso(record.claim_expires_at)}", code="claimed_by_other",
                       holder=record.claimed_by, expires_at=to_iso(record.claim_expires_at))
    return record


def _decide_on(uow, order_no, staff_id, now, policy):
    """The order, claimed by the actor, if review may still decide on it."""
    record = claim(uow, order_no, staff_id, now, policy)
    review.ensure_review_decides(uow.session, record)
    return record


def unclaim(uow, order_no, staff_id):
    released = uow.session.execute(sa.update(ReviewOrder).where(
        ReviewOrder.order_no == order_no, ReviewOrder.claimed_by == staff_id)
        .values(claimed_by=None, claim_expires_at=None)).rowcount
    if not released:
        review.lock_order(uow.session, order_no)   # 404 for an unknown order
        raise Conflict(f"you hold no claim on order {order_no}", code="not_claimed")


def release_hold(uow, order_no, staff_id, code, now, policy):
    if code in rules.NOT_RELEASABLE_BY_STAFF:
        raise RuleViolation(f"{code} is released when the warehouse reserves the goods", code="not_releasable")
    record = _decide_on(uow, order_no, staff_id, now, policy)
    review.release_hold(uow, record, code, staff_id, now)
    return record


def approve(uow, order_no, staff_id, now, policy):
    """Release every hold a person may release; a held order then goes to the warehouse."""
    record = _decide_on(uow, order_no, staff_id, now, policy)
    releasable = [hold.code for hold in review.open_holds(uow.session, order_no)
                  if hold.code not in rules.NOT_RELEASABLE_BY_STAFF]
    if record.status != review.HELD and not releasable:
        raise Conflict(f"order {order_no} is already approved and waits for its goods; it goes on when the "
                       "warehouse reserves them", code="already_approved")
    for code in releasable:
        review.release_hold(uow, record, code, staff_id, now)
    if record.status == review.HELD:
        review.approve(uow, record, staff_id, now)
    return record


def reject(uow, order_no, staff_id, reason, now, policy):
    record = _decide_on(uow, order_no, staff_id, now, policy)
    review.reject(uow, record, staff_id, reason, now)
    return record


def correct(uow, order_no, staff_id, new_values, now, policy):
    """Change recipient, phone or address fields; each change is kept (before, after, who, when)."""
    record = _decide_on(uow, order_no, staff_id, now, policy)
    address = dict(record.order["shipping_address"])
    changes = [Correction(order_no=order_no, field=field, before=address[field], after=value,
                          reviewer=staff_id, corrected_at=now)
               for field, value in new_values.items() if address[field] != value]
    if not changes:
        raise RuleViolation("nothing changes: the values are those already on the order", code="no_change")
    address.update({change.field: change.after for change in changes})
    record.order = {**record.order, "shipping_address": address}   # a new dict: JSON columns track assignment
    uow.session.add_all(changes)
    uow.publish("order_corrected", events.corrected(record, changes, staff_id, now), aggregate_id=order_no)
    return changes
