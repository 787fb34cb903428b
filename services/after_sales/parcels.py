"""What the carrier's news about a parcel does to the order's cases (no nameko here; issue 18):

- coming back (intercepted, returning) or back (returned to sender): the goods are secured, so a
  refund waiting for them may be paid;
- back: a COD order closes as refused by the buyer (拒收), with any case still open about it;
- delivered: a refund approved but not yet paid goes back to negotiation (the buyer has the parcel
  after all); one already paid opens a recovery case (recovery.py);
- delivered or back: an open stuck-parcel case closes (stuck_parcels.py).
"""
import sqlalchemy as sa

from services.after_sales import flow, orders, securing
from services.after_sales.desk import Actor, Desk, snapshot
from services.after_sales.models import RefundCase
from services.after_sales.recovery import open_recovery
from services.after_sales.stuck_parcels import close_on_news

CARRIER = Actor("carrier", "system")   # the courier's scan, told by shipping labels


def parcel_returning(uow, event, now):
    order = orders.record_secured(uow, event["order_no"], event["status"], event["scanned_at"])
    _secure_waiting(Desk(uow, CARRIER, now, settings=None), order)


def parcel_returned(uow, event, now):
    order = orders.record_secured(uow, event["order_no"], "returned_to_sender", event["occurred_at"])
    desk = Desk(uow, CARRIER, now, settings=None)
    _secure_waiting(desk, order)
    close_on_news(desk, order.order_no, "returned")
    orders.record_back(order)
    if order.status == orders.REFUSED:
        for case in _cases(uow.session, order.order_no, open_only=True):
            _close_as_refused(desk, case)


def parcel_delivered(uow, event, now):
    first = orders.locked(uow.session, event["order_no"]).delivered_at is None
    order = orders.record_delivered(uow, event)
    if not first:   # the same delivery told again: decided the first time
        return
    desk = Desk(uow, CARRIER, now, settings=None)
    close_on_news(desk, order.order_no, "delivered")
    for case in _cases(uow.session, order.order_no, states=(flow.AWAITING_SECURED, flow.APPROVED)):
        if case.case_type == flow.REFUND_ONLY:
            before = snapshot(case)
            desk.move(case, "parcel_delivered")
            desk.record(case, "parcel_delivered", before, delivered_at=event["delivered_at"])
    if order.refunded > 0:
        open_recovery(desk, order, event["delivered_at"])


def _secure_waiting(desk, order):
    for case in _cases(desk.session, order.order_no, states=(flow.AWAITING_SECURED,)):
        securing.secure(desk, case, snapshot(case), order.goods_secured_how, order.goods_secured_at)


def _close_as_refused(desk, case):
    """Off the chart on purpose: whatever the case waited for, the order is over. (None can be open on an
    undelivered COD order today, as nothing was paid or delivered; this keeps it so.)"""
    before = snapshot(case)
    case.status, case.outcome, case.closed_at, case.updated_at = flow.CLOSED, flow.REFUSED_BY_BUYER, desk.now, desk.now
    desk.record(case, "close", before, outcome=flow.REFUSED_BY_BUYER)
    desk.publish(case, "case_closed", by=desk.actor.staff_id, outcome=case.outcome,
                 message="COD parcel refused by the buyer and returned to sender")


def _cases(session, order_no, states=None, open_only=False):
    query = sa.select(RefundCase).where(RefundCase.order_no == order_no).order_by(RefundCase.id).with_for_update()
    if states:
        query = query.where(RefundCase.status.in_(states))
    if open_only:
        query = query.where(RefundCase.status != flow.CLOSED)
    return session.scalars(query).all()
