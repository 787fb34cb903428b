"""Looking cases and orders up for the people who work them: one case with its history, a filtered queue,
an order beside its cases; a case's SLA colour and what may be done next."""
from services.after_sales import flow, storage
from services.after_sales.sla import RED, YELLOW, SlaClock
from shared.errors import NotFound


def get_case(session, case_id):
    case = storage.case(session, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    return case, storage.case_history(session, case_id), storage.return_note(session, case_id)


def find_cases(session, now, **filters):
    """Cases by status, SLA colour, assignee, order, return tracking number, type; open only; newest first or
    by time left (storage.find_cases)."""
    return storage.find_cases(session, now, **filters)


def colour(case, now):
    if case.case_type == flow.RECOVERY and case.status != flow.CLOSED:
        return RED   # money paid out for goods the buyer has after all: red from the start (recovery.py)
    if case.case_type == flow.STUCK_PARCEL and case.status != flow.CLOSED:
        return YELLOW   # the parcel is behind pace: chase the carrier (stuck_parcels.py)
    # Colours read only stored moments, so no calendar is needed here.
    return SlaClock(case, calendar=None, yellow_share=None).colour(now)


def allowed_actions(case):
    actions = flow.allowed_actions(case.case_type, case.status)
    if case.status == flow.REFUND_PENDING and case.platform_timed_out_at is None:
        return [action for action in actions if action != "refund"]   # asked again only once overdue
    return actions


def order_context(session, order_no):
    """What an agent needs to see of an order beside its cases: the goods, the money, where the parcel is,
    the buyer; and what a new case may still ask for (paid - refunded - what open cases ask for)."""
    order = storage.order(session, order_no)
    if order is None:
        raise NotFound(f"no order {order_no} has reached after-sales", code="order_not_found", order_no=order_no)
    lines = storage.order_lines(session, order_no)
    held = storage.held_by_open_cases(session, order_no)
    buyer = order.order["customer"]
    return {"order_no": order.order_no, "status": order.status, "customer_id": order.customer_id,
            "buyer": {"name": buyer["name"], "phone": buyer["phone"], "company": buyer.get("company")},
            "paid_amount": order.paid_amount, "refunded": order.refunded, "held": held,
            "refundable": max(order.paid_amount - order.refunded - held, 0 * held),
            "shipping_fee": order.shipping_fee, "payment_method": order.payment_method,
            "tracking_no": order.tracking_no, "placed_at": order.placed_at, "shipped_at": order.shipped_at,
            "delivered_at": order.delivered_at,
            "lines": [{"sku": line.sku, "name": line.name, "qty": line.qty, "unit_price": line.unit_price,
                       "delivered_qty": line.delivered_qty, "returned_qty": line.returned_qty} for line in lines]}
