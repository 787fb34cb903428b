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
    courier = fields.String(load_default=None, allow_none=True, metadata={
        "description": "the courier to ship with: the buyer's choice (指定快递) review allowed, or the reviewer's; "
                       "null: shipping chooses by its tariff"})
    split_from = fields.String(load_default=None, allow_none=True, metadata={
        "description": "a backorder (拆单, issue #23): the order it was split from, which keeps the goods in stock; "
                       "null: an order of its own. Consumers don't count a backorder as another order or review"})


class Hold(StrictSchema):
    code = fields.String(required=True, validate=NonEmpty)
    message = fields.String(required=True, metadata={"description": "in English, for logs"})
    params = fields.Dict(keys=fields.String(), load_default=dict,
                         metadata={"description": "what screens render the reason from, with the code"})


@event("order_review", "order_held")
class OrderHeld(EventSchema):
    """An order waits for a person; `holds` are all its open holds at `held_at`."""
    order_no = fields.String(required=True, validate=NonEmpty)
    customer_id = fields.String(required=True)
    holds = fields.List(fields.Nested(Hold), required=True, validate=validate.Length(min=1))
    held_at = UtcDateTime(required=True)


@event("order_review", "order_rejected")
class OrderRejected(EventSchema):
    """The order is cancelled by a reviewer; nothing of it is to be picked or shipped."""
    order_no = fields.String(required=True, validate=NonEmpty)
    customer_id = fields.String(required=True)
    reason = fields.String(required=True, validate=NonEmpty)
    reviewer = fields.String(required=True)
    rejected_at = UtcDateTime(required=True)
    seconds_to_decision = fields.Float(required=True, metadata={"description": "order arrival to decision"})


class Change(StrictSchema):
    field = fields.String(required=True, validate=NonEmpty)
    before = fields.String(required=True)
    after = fields.String(required=True)


@event("order_review", "order_corrected")
class OrderCorrected(EventSchema):
    """A reviewer changed the recipient, phone or address; `shipping_address` is the result."""
    order_no = fields.String(required=True, validate=NonEmpty)
    reviewer = fields.String(required=True)
    changes = fields.List(fields.Nested(Change), required=True, validate=validate.Length(min=1))
    corrected_at = UtcDateTime(required=True)
    shipping_address = fields.Nested(ShippingAddress, required=True)


@event("order_review", "order_goods_changed")
class OrderGoodsChanged(EventSchema):
    """A reviewer changed the goods of an approved order still waiting for them (picking has not started, as far
    as review knows): the pick list takes `lines` instead, or refuses (order_goods_change_refused) if picking
    started meanwhile."""
    order_no = fields.String(required=True, validate=NonEmpty)
    change_id = fields.Integer(required=True, strict=True, metadata={"description": "review's record of the change"})
    lines = fields.List(fields.Nested(ApprovedLine), required=True, validate=validate.Length(min=1))
    reviewer = fields.String(required=True, validate=NonEmpty)
    changed_at = UtcDateTime(required=True)


@event("order_review", "order_split")
class OrderSplit(EventSchema):
    """A backorder was split off an order waiting for stock (拆单, issue #23) and is an order of its own from now on:
    `lines` and their worth `goods_amount` (its total and paid amount) moved from `order_no` to `backorder_no`, whose
    `order_approved` (with `split_from`) follows. The shipping fee stays with the order. Only prepaid orders split.
    Those who keep a copy of orders from `order_placed` learn the backorder's number and goods from this."""
    order_no = fields.String(required=True, validate=NonEmpty)
    backorder_no = fields.String(required=True, validate=NonEmpty)
    customer_id = fields.String(required=True)
    lines = fields.List(fields.Nested(ApprovedLine), required=True, validate=validate.Length(min=1))
    goods_amount = Money(required=True, metadata={"description": "the lines' worth: what moved to the backorder"})
    split_at = UtcDateTime(required=True, metadata={"description": "when the warehouse took the split"})


@event("order_review", "customer_notification_requested")
class CustomerNotificationRequested(EventSchema):
    """Someone should tell the customer (the retention service makes it a task)."""
    order_no = fields.String(required=True, validate=NonEmpty)
    customer_id = fields.String(required=True)
    reason = fields.String(required=True, metadata={"description": "out_of_stock, …"})
    message = fields.String(required=True)
    skus = fields.List(fields.String(validate=NonEmpty), validate=validate.Length(max=200),
                       metadata={"description": "the goods short (out_of_stock), for the reader's own words"})
