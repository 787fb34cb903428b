"""The recovery case (追回): a parcel the carrier delivered after its refund was paid. The buyer has
both the goods and the money; a supervisor gets the goods or the money back, or writes it off.
It is red from the start (sla.py) and waits in the supervisors' queue until one takes it."""
from services.after_sales import flow, storage
from services.after_sales.models import RefundCase

SUPERVISOR_QUEUE = "supervisors"   # the assignee of a case no one person holds yet
REASON = "delivered_after_refund"


def open_recovery(actions, order, delivered_at):
    """One recovery case per order, for what was refunded; None if the order has one already."""
    session = actions.session
    if storage.case_id_of(session, order.order_no, flow.RECOVERY) is not None:
        return None
    lines = storage.order_lines(session, order.order_no)
    case = RefundCase(
        order_no=order.order_no, customer_id=order.customer_id, case_type=flow.RECOVERY,
        status=flow.RECOVERY_OPEN, reason=REASON, reason_text=f"delivered {delivered_at.isoformat()}",
        lines=[{"sku": line.sku, "qty": line.delivered_qty} for line in lines], amount=order.refunded,
        include_shipping_fee=False, difficult=True, difficult_because=REASON, assignee=SUPERVISOR_QUEUE,
        opened_by=actions.actor.staff_id, opened_at=actions.now, updated_at=actions.now, return_in_hand=False,
        # No buyer waits for an answer: no answer clock, and red until closed (sla.py).
        sla_budget_s=0, sla_used_s=0)
    session.add(case)
    actions.record(case, "open", None, delivered_at=delivered_at, refunded=order.refunded)
    return case
