"""An order's review once it is recorded: holds placed and released one by one, approval, rejection,
and whether review may still decide (a new order is recorded by `intake`).

Every change takes a unit of work and a ReviewOrder row the caller has locked (`lock_order`), so two
decisions on one order cannot interleave.
"""
from contracts.base import schema
from contracts.storefront import Order
from services.order_review import events, rules, storage
from services.order_review.models import APPROVED, BY_CORRECTION, BY_HAND, BY_REJECTION, HELD, REJECTED
from shared.errors import Conflict, NotFound
from shared.timeutil import to_iso


def lock_order(session, order_no):
    """The order row, locked for this transaction (SQLite: the write lock already serialises)."""
    return find_order(session, order_no, lock=True)


def find_order(session, order_no, lock=False):
    record = storage.order(session, order_no, lock=lock)
    if record is None:
        raise NotFound(f"no order {order_no}", code="unknown_order")
    return record


def place_holds(uow, record, holds, now):
    """Add holds (a code already open is not repeated) and tell who listens: order_held."""
    already = {hold.code for hold in storage.open_holds(uow.session, record.order_no)}
    new = [hold for hold in holds if hold.code not in already]
    if not new:
        return []
    uow.session.add_all(storage.hold_rows(record.order_no, new, now))
    uow.session.flush()
    uow.publish("order_held", events.held(record, storage.open_holds(uow.session, record.order_no), now),
                aggregate_id=record.order_no)
    return new


def release_hold(uow, record, code, by, now, how=BY_HAND, reason=None):
    """Release one open hold; the order goes to the warehouse when the last one is gone."""
    if not storage.release_hold(uow.session, record.order_no, code, by, now, how):
        raise Conflict(f"order {record.order_no} has no open {code} hold", code="no_such_hold")
    _approve_if_clear(uow, record, by, now, reason)


def recheck_after_correction(uow, record, firing, by, now, codes=rules.CORRECTABLE_CODES):
    """A correction re-ran the rules it can change (`codes`; `firing`: their holds now): a hold whose cause is
    gone clears itself, one still firing says what is wrong now, a new cause is held. The order goes on only
    when no hold is left."""
    firing = {hold.code: hold for hold in firing}
    still_open = {hold.code: hold for hold in storage.open_holds(uow.session, record.order_no)}
    for code in codes:
        if code in still_open and code not in firing:
            storage.release_hold(uow.session, record.order_no, code, by, now, BY_CORRECTION)
        elif code in still_open:
            still_open[code].message, still_open[code].params = firing[code].message, firing[code].params
    place_holds(uow, record, [hold for code, hold in firing.items() if code not in still_open], now)
    _approve_if_clear(uow, record, by, now)


def _approve_if_clear(uow, record, by, now, reason=None):
    if record.status == HELD and not storage.open_holds(uow.session, record.order_no):
        approve(uow, record, by, now, reason)


def approve(uow, record, reviewer, now, reason=None):
    """Send the order to the warehouse (order_approved) and record the decision (with the reviewer's
    reason when holds were released by the approval)."""
    if record.status != HELD:
        raise Conflict(f"order {record.order_no} is already {record.status}", code=f"already_{record.status}")
    seconds = _decide(uow, record, APPROVED, reviewer, now, reason)
    order = schema(Order).load(record.order)
    uow.publish("order_approved", events.approved(order, reviewer, now, seconds), aggregate_id=record.order_no)


def reject(uow, record, reviewer, reason, now):
    """Cancel the order (the caller checked `ensure_review_decides`): its holds close, the warehouse
    drops it (order_rejected)."""
    storage.release_open_holds(uow.session, record.order_no, reviewer, now, BY_REJECTION)
    seconds = _decide(uow, record, REJECTED, reviewer, now, reason)
    uow.publish("order_rejected", events.rejected(record, reason, reviewer, now, seconds),
                aggregate_id=record.order_no)


def _decide(uow, record, outcome, reviewer, now, reason=None):
    record.status, record.decided_at = outcome, now
    record.claimed_by = record.claim_expires_at = None
    uow.session.flush()   # the order row is written before the decision that refers to it
    seconds = seconds_to_decision(record.received_at, now)
    storage.record_decision(uow.session, record.order_no, outcome, reviewer, now, seconds, reason)
    return seconds


def seconds_to_decision(received_at, decided_at):
    """How long the order waited for its decision (the daily statistic's timing)."""
    return max(0.0, (decided_at - received_at).total_seconds())


def warehouse_started(status, open_hold_codes):
    """Whether the warehouse may be working on the order, as far as review can know. Review hears the
    warehouse only through order_out_of_stock (OUT_OF_STOCK: the order waits for its goods) and
    stock_reserved (the goods are on the shelf for it, pickers may start: the hold is lifted). So an
    approved order has started unless it is waiting for goods; one not heard of yet counts as started."""
    return status == APPROVED and rules.OUT_OF_STOCK not in open_hold_codes


def ensure_review_decides(session, record):
    """Review decisions (approve, reject, correct, release) apply only before the warehouse starts."""
    if record.status == REJECTED:
        raise Conflict(f"order {record.order_no} is already rejected", code="already_rejected")
    if warehouse_started(record.status, {hold.code for hold in storage.open_holds(session, record.order_no)}):
        raise Conflict(f"order {record.order_no} is with the warehouse: cancelling or changing it now is an "
                       "after-sales matter (a refund case, or an interception once shipped)", code="warehouse_started")


def ensure_correctable(record):
    """A correction is taken until the hand-over (shipping re-routes or reprints the label before it);
    after the hand-over or the delivery it is refused: the parcel is with the carrier (after-sales)."""
    if record.status == REJECTED:
        raise Conflict(f"order {record.order_no} is already rejected", code="already_rejected")
    if record.delivered_at is not None:
        raise Conflict(f"order {record.order_no} was delivered at {to_iso(record.delivered_at)}: too late to "
                       "correct; a wrong delivery is an after-sales matter", code="already_delivered",
                       delivered_at=to_iso(record.delivered_at))
    if record.handed_over_at is not None:
        raise Conflict(f"order {record.order_no} was handed over to the carrier at {to_iso(record.handed_over_at)}: "
                       "too late to correct; an interception goes through after-sales", code="already_handed_over",
                       handed_over_at=to_iso(record.handed_over_at))
