"""What the carrier's news about a parcel does to the order's cases (no nameko here; issue 18):

- coming back (intercepted, returning) or back (returned to sender): the goods are secured, so a
  refund waiting for them may be paid;
- back: a COD order closes as refused by the buyer (拒收), with any case still open about it;
- delivered: a refund approved but not yet paid goes back to negotiation (the buyer has the parcel
  after all); one already paid opens a recovery case (recovery.py);
- delivered or back: an open stuck-parcel case closes (stuck_parcels.py).
"""
from services.after_sales import flow, orders, securing, storage
from services.after_sales.case_actions import Actor, CaseActions, snapshot
from services.after_sales.recovery import open_recovery
from services.after_sales.stuck_parcels import close_on_news

CARRIER = Actor("carrier", "system")   # the courier's scan, told by shipping labels


def parcel_returning(uow, event, now):
    order = orders.record_secured(uow, event["order_no"], event["status"], event["scanned_at"])
    _secure_waiting(CaseActions(uow, CARRIER, now, settings=None), order)


def parcel_returned(uow, event, now):
    order = orders.record_secured(uow, event["order_no"], "returned_to_sender", event["occurred_at"])
    actions = CaseActions(uow, CARRIER, now, settings=None)
    _secure_waiting(actions, order)
    close_on_news(actions, order.order_no, "returned")
    orders.record_back(order)
    if order.status == orders.REFUSED:
        for case in storage.order_cases_for_update(uow.session, order.order_no, open_only=True):
            _close_as_refused(actions, case)


def parcel_delivered(uow, event, now):
    first = orders.locked(uow.session, event["order_no"]).delivered_at is None
    order = orders.record_delivered(uow, event)
    if not first:   # the same delivery told again: decided the first time
        return
    actions = CaseActions(uow, CARRIER, now, settings=None)
    close_on_news(actions, order.order_no, "delivered")
    for case in storage.order_cases_for_update(uow.session, order.order_no,
                                               states=(flow.AWAITING_SECURED, flow.APPROVED)):
        if case.case_type == flow.REFUND_ONLY:
            before = snapshot(case)
            actions.move(case, "parcel_delivered")
            actions.record(case, "parcel_delivered", before, delivered_at=event["delivered_at"])
    if order.refunded > 0:
        open_recovery(actions, order, event["delivered_at"])


def _secure_waiting(actions, order):
    for case in storage.order_cases_for_update(actions.session, order.order_no, states=(flow.AWAITING_SECURED,)):
        securing.secure(actions, case, snapshot(case), order.goods_secured_how, order.goods_secured_at)


def _close_as_refused(actions, case):
    """Off the chart on purpose: whatever the case waited for, the order is over. (None can be open on an
    undelivered COD order today, as nothing was paid or delivered; this keeps it so.)"""
    before = snapshot(case)
    case.status, case.outcome = flow.CLOSED, flow.REFUSED_BY_BUYER
    case.closed_at = case.updated_at = actions.now
    actions.record(case, "close", before, outcome=flow.REFUSED_BY_BUYER)
    actions.publish(case, "case_closed", by=actions.actor.staff_id, outcome=case.outcome,
                    message="COD parcel refused by the buyer and returned to sender")

