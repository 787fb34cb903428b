"""The recovery case (追回): a parcel the carrier delivered after its refund was paid. The buyer has
both the goods and the money; a supervisor gets the goods or the money back, or writes it off.
It is red from the start (sla.py) and waits in the supervisors' queue until one takes it."""
import sqlalchemy as sa

from services.after_sales import flow
from services.after_sales.models import RefundCase, SalesOrderLine

SUPERVISOR_QUEUE = "supervisors"   # the assignee of a case no one person holds yet
REASON = "delivered_after_refund"


def open_recovery(desk, order, delivered_at):
    """One recovery case per order, for what was refunded; None if the order has one already."""
    session = desk.session
    if session.scalar(sa.select(RefundCase.id).where(RefundCase.order_no == order.order_no,
                                                     RefundCase.case_type == flow.RECOVERY)) is not None:
        return None
    lines = session.scalars(sa.select(SalesOrderLine).filter_by(order_no=order.order_no)
                            .order_by(SalesOrderLine.sku)).all()
    case = RefundCase(
        order_no=order.order_no, customer_id=order.customer_id, case_type=flow.RECOVERY,
        status=flow.RECOVERY_OPEN, reason=REASON, reason_text=f"delivered {delivered_at.isoformat()}",
        lines=[{"sku": line.sku, "qty": line.delivered_qty} for line in lines], amount=order.refunded,
        include_shipping_fee=False, difficult=True, difficult_because=REASON, assignee=SUPERVISOR_QUEUE,
        opened_by=desk.actor.staff_id, opened_at=desk.now, updated_at=desk.now, return_in_hand=False,
        # No buyer waits for an answer: no answer clock, and red until closed (sla.py).
        sla_budget_s=0, sla_used_s=0)
    session.add(case)
    desk.record(case, "open", None, delivered_at=delivered_at, refunded=order.refunded)
    return case
