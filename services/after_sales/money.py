"""What a case may ask for (business-rules §5 and the issue's money rules), in Decimal.

A case's amount is capped by the goods on its lines, plus the shipping fee only when the
case says so, and by what was paid for the order minus what its cases already got back and
what its other open cases still ask for (issue #19: a case that can never be paid is refused
when it opens, not stuck later with a refund that always fails).
"""
from decimal import Decimal

from services.after_sales.flow import EXCHANGE, RETURN_TYPES
from shared.errors import RuleViolation

ZERO = Decimal("0.00")


def check_lines(order_lines, requested, case_type):
    """`order_lines`: {sku: SalesOrderLine}; `requested`: [{sku, qty}]. Returns {sku: qty}."""
    wanted = {}
    for line in requested:
        if line["sku"] not in order_lines:
            raise RuleViolation(f"{line['sku']} is not on the order", code="unknown_sku", sku=line["sku"])
        wanted[line["sku"]] = wanted.get(line["sku"], 0) + line["qty"]
    for sku, qty in wanted.items():
        line = order_lines[sku]
        limit = line.delivered_qty - line.returned_qty if case_type in RETURN_TYPES else line.qty
        if qty > limit:
            raise RuleViolation(f"{sku}: {qty} asked, at most {limit} can be", code="over_quantity",
                                sku=sku, asked=qty, available=limit)
    return wanted


def case_cap(order_lines, wanted, include_shipping_fee, shipping_fee):
    goods = sum((order_lines[sku].unit_price * qty for sku, qty in wanted.items()), ZERO)
    return goods + (shipping_fee if include_shipping_fee else ZERO)


def check_amount(case_type, amount, cap, paid, refunded=ZERO, held=ZERO):
    """An exchange refunds nothing; other cases ask for 0 < amount <= the lines' cap and
    <= paid - refunded - held (`held`: what the order's other open cases ask for)."""
    if case_type == EXCHANGE:
        if amount:
            raise RuleViolation("an exchange refunds nothing; leave amount out", code="invalid_amount",
                                field="amount")
        return ZERO
    if amount is None or amount <= ZERO:
        raise RuleViolation("amount must be greater than 0", code="invalid_amount", field="amount")
    if amount > cap:
        raise RuleViolation(f"{amount} is more than the lines asked for are worth ({cap})",
                            code="over_case_value", cap=str(cap))
    refundable = max(paid - refunded - held, ZERO)
    if amount > refundable:
        raise RuleViolation(f"{amount} is more than can still be refunded on the order ({refundable}: {paid} paid, "
                            f"{refunded} refunded, {held} asked by its open cases)",
                            code="over_refundable", field="amount", amount=str(amount), paid=str(paid),
                            refunded=str(refunded), held=str(held), refundable=str(refundable))
    return amount
