"""Refunds and returns kept within what was paid and delivered: the database, not Python, decides with a
conditional UPDATE (storage), however many requests race; this says what is refused when it finds no row."""
from services.after_sales import storage
from shared.errors import RuleViolation


def pay_refund(session, order_no, amount):
    """Adds `amount` to the order's refunded total unless that would pass what was paid."""
    if not storage.add_refund(session, order_no, amount):
        order = storage.fresh_order(session, order_no)
        raise RuleViolation(f"refunding {amount} would pass what was paid for {order_no}",
                            code="over_refundable", field="amount", amount=str(amount), paid=str(order.paid_amount),
                            refunded=str(order.refunded), held=str(storage.held_by_open_cases(session, order_no)),
                            refundable=str(order.paid_amount - order.refunded))


def claim_return(session, order_no, wanted):
    """Counts `wanted` ({sku: qty}) as returned unless a line would pass its delivered quantity."""
    for sku, qty in sorted(wanted.items()):
        if not storage.claim_returned(session, order_no, sku, qty):
            raise RuleViolation(f"{sku}: {qty} more would pass the delivered quantity",
                                code="over_quantity", sku=sku, asked=qty)


def release_refund(session, order_no, amount):
    """A refund the platform refused: what was reserved for it (pay_refund) may be asked again."""
    storage.remove_refund(session, order_no, amount)
