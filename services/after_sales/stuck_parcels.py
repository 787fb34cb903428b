"""The stuck-parcel task (异常快递, 001 3.13: 异常快递订单的反馈、跟踪): shipping labels tells of a parcel
that has had no scan for days (`parcel_stuck`); after-sales opens an exception case in the agents' queue:
an agent asks the carrier, tells the buyer if need be, and closes it with a note. No buyer waits for an
answer, so there is no answer clock: it is yellow (§8: behind pace, a reminder to chase) until closed.
One case per silence (shipping labels tells each once; a repeated telling finds the case already there).
The carrier's news that the parcel was delivered or came back closes it (parcels.py)."""
from services.after_sales import flow, orders, storage
from services.after_sales.case_actions import Actor, CaseActions, snapshot
from services.after_sales.duties import AGENTS_QUEUE
from services.after_sales.models import RefundCase
from shared.timeutil import to_iso

REASON = "no_tracking_event"
WATCH = Actor("shipping_labels", "system")
CLOSED_BY_NEWS = {"delivered": "parcel_delivered", "returned": "parcel_returned"}
MOVED_ON = (orders.DELIVERED, orders.RETURNED, orders.REFUSED)


def open_stuck_case(uow, event, now):
    actions = CaseActions(uow, WATCH, now, settings=None)
    order = actions.order(event["order_no"])
    if order.status in MOVED_ON:   # its delivery or return, told after it was found stuck, came first
        return None
    # What identifies the silence (its start and the scan it follows), and so the case.
    silence = (f"{event['carrier']} {event['tracking_no']}: no scan since {to_iso(event['silent_since'])}, "
               f"last: {event['last_status'] or 'hand-over'}")
    if storage.case_id_of(actions.session, order.order_no, flow.STUCK_PARCEL, silence) is not None:
        return None
    case = RefundCase(
        order_no=order.order_no, customer_id=order.customer_id, case_type=flow.STUCK_PARCEL,
        status=flow.EXCEPTION_OPEN, reason=REASON, reason_text=silence, lines=[], amount=0,
        include_shipping_fee=False, difficult=False, assignee=AGENTS_QUEUE, opened_by=WATCH.staff_id,
        opened_at=now, updated_at=now, return_in_hand=False, sla_budget_s=0, sla_used_s=0)
    actions.session.add(case)
    actions.record(case, "open", None, silent_since=event["silent_since"], last_status=event["last_status"],
                   silent_days=event["silent_days"])
    return case


def close_on_news(actions, order_no, news):
    """The parcel moved on (delivered, or back with us): its open stuck-parcel case is over."""
    outcome = CLOSED_BY_NEWS[news]
    for case in storage.order_cases_for_update(actions.session, order_no, states=(flow.EXCEPTION_OPEN,),
                                               case_type=flow.STUCK_PARCEL):
        before = snapshot(case)
        case.status, case.outcome, case.closed_at, case.updated_at = flow.CLOSED, outcome, actions.now, actions.now
        actions.record(case, "close", before, outcome=outcome)
        actions.publish(case, "case_closed", by=actions.actor.staff_id, outcome=outcome, message=f"carrier: {news}")
