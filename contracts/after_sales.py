"""Events the after-sales refunds service (售后) publishes."""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, Money, NonEmpty, Positive, StrictSchema, UtcDateTime
from contracts.storefront import Order

CASE_TYPES = ("refund_only", "return_refund", "exchange")
CONDITIONS = ("resellable", "damaged", "wrong_item")


class CaseEvent(EventSchema):
    case_id = fields.Integer(required=True, strict=True)
    order_no = fields.String(required=True, validate=NonEmpty)


class ReturnedLine(StrictSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    qty = fields.Integer(required=True, strict=True, validate=Positive)


@event("after_sales", "case_opened")
class CaseOpened(CaseEvent):
    customer_id = fields.String(required=True)
    case_type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    reason = fields.String(required=True)
    amount = Money(required=True)
    agent = fields.String(required=True, metadata={
        "description": "who opened it; empty for the buyer's application on the platform (storefront refund_requested)"})
    difficult = fields.Boolean(required=True)


@event("after_sales", "case_answered")
class CaseAnswered(CaseEvent):
    agent = fields.String(required=True, metadata={"description": "staff_id of whoever answered first"})
    answered_at = UtcDateTime(required=True)
    within_sla = fields.Boolean(required=True)


@event("after_sales", "case_approved")
class CaseApproved(CaseEvent):
    case_type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    supervisor = fields.String(required=True)
    before_handover = fields.Boolean(required=True)


@event("after_sales", "case_rejected")
class CaseRejected(CaseEvent):
    supervisor = fields.String(required=True)
    reason = fields.String(required=True)


@event("after_sales", "order_cancelled")
class OrderCancelled(CaseEvent):
    """A refund approved before hand-over: stop fulfilment, give the stock back."""
    reason = fields.String(required=True)
    by = fields.String(required=True)


@event("after_sales", "interception_requested")
class InterceptionRequested(CaseEvent):
    """A refund approved after hand-over: ask the carrier to stop the parcel."""
    tracking_no = fields.String(required=True, allow_none=True)
    by = fields.String(required=True)


@event("after_sales", "return_received")
class ReturnReceived(CaseEvent):
    lines = fields.List(fields.Nested(ReturnedLine), required=True, validate=validate.Length(min=1))
    condition = fields.String(required=True, validate=validate.OneOf(CONDITIONS))
    accessories_complete = fields.Boolean(required=True)
    received_by = fields.String(required=True)


@event("after_sales", "refund_paid")
class RefundPaid(CaseEvent):
    customer_id = fields.String(required=True)
    amount = Money(required=True)
    paid_by = fields.String(required=True)
    paid_at = UtcDateTime(required=True)


@event("after_sales", "refund_execution_requested", outside="storefront")   # read from storefront.feed
class RefundExecutionRequested(CaseEvent):
    """A supervisor decided to pay: the storefront executes the refund on the platform (001 3.15: 在淘宝后台操作)
    and answers with storefront refund_executed or refund_refused. Asked again (`attempt` > 1) only after
    the platform did not answer in time; the platform refunds a case once."""
    amount = Money(required=True)
    reason = fields.String(required=True)
    reason_text = fields.String(required=True)
    platform_request_id = fields.String(required=True, allow_none=True, metadata={
        "description": "the buyer's application on the platform, when the buyer applied there"})
    attempt = fields.Integer(required=True, strict=True, validate=Positive)
    requested_by = fields.String(required=True)
    requested_at = UtcDateTime(required=True)


@event("after_sales", "replacement_ordered")
class ReplacementOrdered(EventSchema):
    case_id = fields.Integer(required=True, strict=True)
    original_order_no = fields.String(required=True, validate=NonEmpty)
    order = fields.Nested(Order, required=True)
    by = fields.String(required=True)


@event("after_sales", "sla_breached")
class SlaBreached(CaseEvent):
    agent = fields.String(required=True)
    deadline = UtcDateTime(required=True)
    difficult = fields.Boolean(required=True)


@event("after_sales", "case_escalated")
class CaseEscalated(CaseEvent):
    """A missed deadline sent the case to the supervisors (each missed deadline once; deadlines.py)."""
    agent = fields.String(required=True, metadata={"description": "the case's assignee when it was missed"})
    clock = fields.String(required=True, validate=validate.OneOf(("first_answer", "update", "resolution")))
    deadline = UtcDateTime(required=True)
    escalated_at = UtcDateTime(required=True)


@event("after_sales", "case_closed")
class CaseClosed(CaseEvent):
    by = fields.String(required=True)
    outcome = fields.String(required=True, metadata={
        "description": "withdrawn, settled_in_negotiation, refunded or exchanged"})
    message = fields.String(load_default="", metadata={"description": "the closing note, if any"})
