"""Events the order review service (审单) publishes."""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, Money, NonEmpty, Positive, StrictSchema, UtcDateTime
from contracts.storefront import ShippingAddress


class ApprovedLine(StrictSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    name = fields.String(required=True)
    qty = fields.Integer(required=True, strict=True, validate=Positive)
    unit_price = Money(required=True)
    unit_weight_g = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


@event("order_review", "order_approved")
class OrderApproved(EventSchema):
    """The order as the warehouse and shipping need it; consumers keep their own copy."""
    order_no = fields.String(required=True, validate=NonEmpty)
    customer_id = fields.String(required=True)
    placed_at = UtcDateTime(required=True)
    approved_at = UtcDateTime(required=True)
    reviewer = fields.String(required=True, metadata={"description": "staff_id, or 'auto'"})
    seconds_to_decision = fields.Float(required=True, metadata={"description": "order arrival to decision"})
    replacement_of = fields.String(load_default=None, allow_none=True)
    lines = fields.List(fields.Nested(ApprovedLine), required=True, validate=validate.Length(min=1))
    shipping_address = fields.Nested(ShippingAddress, required=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(["prepaid", "cod"]))
    cod_amount = Money(required=True, metadata={"description": "amount to collect; 0.00 when prepaid"})
    total = Money(required=True)
