"""The storefront's events (fixed: external storefronts code against them)."""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, Money, NonEmpty, StrictSchema, UtcDateTime


class Customer(StrictSchema):
    customer_id = fields.String(required=True, validate=NonEmpty)
    name = fields.String(required=True)
    phone = fields.String(required=True)
    company = fields.String(required=True, allow_none=True)


class ShippingAddress(StrictSchema):
    # Emptiness is the order review's business (INCOMPLETE_ADDRESS), not a poison message.
    recipient = fields.String(required=True)
    phone = fields.String(required=True)
    province = fields.String(required=True)
    city = fields.String(required=True)
    district = fields.String(required=True)
    line1 = fields.String(required=True)
    postcode = fields.String(required=True)


# Bounds on what no shop sends. A line of 1,099,511,627,776 units was approved with an out-of-stock
# hold and, first in the FIFO queue, blocked every later order of its SKU; an order number with a
# slash was held for ever because no URL can name it.
MAX_QTY = 9999
MAX_UNIT_WEIGHT_G = 1_000_000   # one tonne
ORDER_NO = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z",
                           error="Letters, digits, '-', '_' and '.' only, 1 to 64, starting with a letter or digit.")


class OrderLine(StrictSchema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True, validate=validate.Length(max=200))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_QTY))
    unit_price = Money(required=True, validate=validate.Range(min=0))
    unit_weight_g = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=MAX_UNIT_WEIGHT_G))


class Payment(StrictSchema):
    method = fields.String(required=True, validate=validate.OneOf(["prepaid", "cod"]))
    paid_amount = Money(required=True, validate=validate.Range(min=0))


class Order(StrictSchema):
    order_no = fields.String(required=True, validate=ORDER_NO)
    placed_at = UtcDateTime(required=True)
    customer = fields.Nested(Customer, required=True)
    shipping_address = fields.Nested(ShippingAddress, required=True)
    lines = fields.List(fields.Nested(OrderLine), required=True, validate=validate.Length(min=1, max=200))
    shipping_fee = Money(required=True, validate=validate.Range(min=0))
    total = Money(required=True, validate=validate.Range(min=0))
    payment = fields.Nested(Payment, required=True)
    buyer_remark = fields.String(required=True)
    # Set by after-sales when an exchange sends a replacement (issue: after-sales).
    replacement_of = fields.String(load_default=None, allow_none=True, validate=ORDER_NO)
    # The courier the buyer chose (指定快递, 001 3.5), as the tariff's carrier code (EMS, ZTO, ...); none: ours.
    courier = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=20))


@event("storefront", "order_placed")
class OrderPlaced(EventSchema):
    order = fields.Nested(Order, required=True)


# -- refunds on the platform (001 3.15: 在淘宝后台操作; the chart starts with 买家申请退款) ----------------------
# The buyer applies on the platform; the platform tells after-sales, which opens the case. When a supervisor
# decides to pay, after-sales asks the platform to execute the refund (after_sales refund_execution_requested);
# the platform answers that it executed it, or refused it.
REFUND_REASONS = ("not_received", "damaged", "wrong_item", "quality", "not_as_described", "changed_mind", "other")
REFUND_KINDS = ("refund_only", "return_refund")
PLATFORM_ID = validate.Length(min=1, max=64)


class RefundLine(StrictSchema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_QTY))


@event("storefront", "refund_requested")
class RefundRequested(EventSchema):
    """The buyer applied for a refund on the platform (买家申请退款, with a reason)."""
    platform_request_id = fields.String(required=True, validate=PLATFORM_ID, metadata={
        "description": "the platform's id of the buyer's application: one case per id"})
    order_no = fields.String(required=True, validate=ORDER_NO)
    kind = fields.String(required=True, validate=validate.OneOf(REFUND_KINDS))
    reason = fields.String(required=True, validate=validate.OneOf(REFUND_REASONS))
    reason_text = fields.String(load_default="", validate=validate.Length(max=500))
    lines = fields.List(fields.Nested(RefundLine), load_default=None, validate=validate.Length(min=1, max=200),
                        metadata={"description": "the goods asked about; left out: the whole order"})
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False))
    include_shipping_fee = fields.Boolean(load_default=False)
    requested_at = UtcDateTime(required=True)


class RefundAnswer(EventSchema):
    case_id = fields.Integer(required=True, strict=True)
    order_no = fields.String(required=True, validate=ORDER_NO)


@event("storefront", "refund_executed")
class RefundExecuted(RefundAnswer):
    """The platform paid the buyer back (answer to after_sales refund_execution_requested)."""
    platform_refund_id = fields.String(required=True, validate=PLATFORM_ID)
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False))
    executed_at = UtcDateTime(required=True)


@event("storefront", "refund_refused")
class RefundRefused(RefundAnswer):
    """The platform would not execute the refund (e.g. the buyer withdrew, the order is in a dispute)."""
    code = fields.String(required=True, validate=validate.Length(min=1, max=50))
    text = fields.String(load_default="", validate=validate.Length(max=500))
    refused_at = UtcDateTime(required=True)
