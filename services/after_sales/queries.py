"""Reading cases: one with its history, or a filtered list with SLA colours."""
import sqlalchemy as sa

from services.after_sales import flow, ledger
from services.after_sales.models import CaseAction, RefundCase, ReturnNote, SalesOrder, SalesOrderLine
from services.after_sales.sla import GREEN, RED, YELLOW, SlaClock
from shared.errors import NotFound


def get_case(session, case_id):
    case = session.get(RefundCase, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", code="case_not_found")
    history = session.scalars(sa.select(CaseAction).filter_by(case_id=case_id).order_by(CaseAction.id)).all()
    note = session.scalar(sa.select(ReturnNote).filter_by(case_id=case_id))
    return case, history, note


def _colour_condition(colour, now):
    """The SQL twin of colour() below."""
    # Every comparison with a nullable column is guarded, so NOT never meets a NULL.
    unanswered = RefundCase.answered_at.is_(None)
    red = sa.or_(sa.and_(RefundCase.case_type == flow.RECOVERY, RefundCase.status != flow.CLOSED),
                 RefundCase.sla_breached_at.is_not(None),
                 sa.and_(unanswered, RefundCase.sla_deadline.is_not(None), RefundCase.sla_deadline <= now))
    yellow = sa.and_(sa.not_(red), sa.or_(
        sa.and_(RefundCase.case_type == flow.STUCK_PARCEL, RefundCase.status != flow.CLOSED),
        sa.and_(unanswered, RefundCase.sla_yellow_at.is_not(None), RefundCase.sla_yellow_at <= now)))
    return {RED: red, YELLOW: yellow, GREEN: sa.and_(sa.not_(red), sa.not_(yellow))}[colour]


def find_cases(session, now, status=None, sla=None, assignee=None, order_no=None, case_type=None, limit=100,
               open_only=False, return_tracking_no=None, sort="newest"):
    """`sort`: newest first, or time_left (the nearest answer deadline first; answered or paused ones last)."""
    if sort == "time_left":
        unanswered = sa.and_(RefundCase.answered_at.is_(None), RefundCase.sla_deadline.is_not(None))
        order = (sa.case((unanswered, 0), else_=1), RefundCase.sla_deadline, RefundCase.id)
    else:
        order = (RefundCase.id.desc(),)
    query = sa.select(RefundCase).order_by(*order).limit(limit)
    if open_only:
        query = query.where(RefundCase.status != flow.CLOSED)
    if return_tracking_no:
        query = query.where(RefundCase.return_tracking_no == return_tracking_no)
    if case_type:
        query = query.where(RefundCase.case_type == case_type)
    if status:
        query = query.where(RefundCase.status == status)
    if assignee:
        query = query.where(RefundCase.assignee == assignee)
    if order_no:
        query = query.where(RefundCase.order_no == order_no)
    if sla:
        query = query.where(_colour_condition(sla, now))
    return session.scalars(query).all()


def colour(case, now):
    if case.case_type == flow.RECOVERY and case.status != flow.CLOSED:
        return RED   # money paid out for goods the buyer has after all: red from the start (recovery.py)
    if case.case_type == flow.STUCK_PARCEL and case.status != flow.CLOSED:
        return YELLOW   # the parcel is behind pace: chase the carrier (stuck_parcels.py)
    # Colours read only stored moments, so no calendar is needed here.
    return SlaClock(case, calendar=None, yellow_share=None).colour(now)


def allowed_actions(case):
    return flow.allowed_actions(case.case_type, case.status)


def order_context(session, order_no):
    """What an agent needs to see of an order beside its cases: the goods, the money, where the parcel is,
    the buyer; and what a new case may still ask for (paid - refunded - what open cases ask for)."""
    order = session.get(SalesOrder, order_no)
    if order is None:
        raise NotFound(f"no order {order_no} has reached after-sales", code="order_not_found", order_no=order_no)
    lines = session.scalars(sa.select(SalesOrderLine).filter_by(order_no=order_no).order_by(SalesOrderLine.sku))
    held = ledger.held_by_open_cases(session, order_no)
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
