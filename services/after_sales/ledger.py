"""Conditional updates on the order copy: the database, not Python, keeps refunds and returns
within what was paid and delivered, however many requests race."""
import sqlalchemy as sa

from services.after_sales import flow
from services.after_sales.models import RefundCase, SalesOrder, SalesOrderLine
from shared.errors import RuleViolation


def pay_refund(session, order_no, amount):
    """Adds `amount` to the order's refunded total unless that would pass what was paid."""
    result = session.execute(
        sa.update(SalesOrder)
        .where(SalesOrder.order_no == order_no, SalesOrder.refunded + amount <= SalesOrder.paid_amount)
        .values(refunded=SalesOrder.refunded + amount))
    if result.rowcount != 1:
        order = session.get(SalesOrder, order_no, populate_existing=True)
        raise RuleViolation(f"refunding {amount} would pass what was paid for {order_no}",
                            code="over_refundable", field="amount", amount=str(amount), paid=str(order.paid_amount),
                            refunded=str(order.refunded), held=str(held_by_open_cases(session, order_no)),
                            refundable=str(order.paid_amount - order.refunded))


def held_by_open_cases(session, order_no, but_case_id=None):
    """What the order's open refund cases (other than `but_case_id`) still ask for: not yet paid, not closed."""
    query = sa.select(sa.func.coalesce(sa.func.sum(RefundCase.amount), 0)).where(
        RefundCase.order_no == order_no, RefundCase.case_type.in_(flow.PAYING_TYPES),
        RefundCase.status.not_in((flow.REFUNDED, flow.CLOSED)))
    if but_case_id is not None:
        query = query.where(RefundCase.id != but_case_id)
    return session.scalar(query)


def claim_return(session, order_no, wanted):
    """Counts `wanted` ({sku: qty}) as returned unless a line would pass its delivered quantity."""
    for sku, qty in sorted(wanted.items()):
        result = session.execute(
            sa.update(SalesOrderLine)
            .where(SalesOrderLine.order_no == order_no, SalesOrderLine.sku == sku,
                   SalesOrderLine.returned_qty + qty <= SalesOrderLine.delivered_qty)
            .values(returned_qty=SalesOrderLine.returned_qty + qty))
        if result.rowcount != 1:
            raise RuleViolation(f"{sku}: {qty} more would pass the delivered quantity",
                                code="over_quantity", sku=sku, asked=qty)


def release_return(session, order_no, wanted):
    for sku, qty in sorted(wanted.items()):
        session.execute(
            sa.update(SalesOrderLine)
            .where(SalesOrderLine.order_no == order_no, SalesOrderLine.sku == sku)
            .values(returned_qty=SalesOrderLine.returned_qty - qty))
