"""The HTTP API's bodies and answers (strict: unknown fields are refused)."""
from datetime import date
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, pre_load, validate, validates

from contracts.after_sales import CONDITIONS
from contracts.base import Money, NonEmpty, StrictSchema, UtcDateTime, Written
from services.after_sales.flow import CASE_TYPES, REASONS, SERVICE_OPENED, STATES
from services.after_sales.sla import COLOURS

class Amount(Money):
    """An amount asked for: > 0 with at most two decimals. (contracts.base.Money rounds '59.001'
    to 59.00 before checking its places; a refund request must not be silently rounded.)"""

    def __init__(self, **kwargs):
        super().__init__(load_default=None, validate=validate.Range(min=0, min_inclusive=False), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            exponent = Decimal(str(value)).as_tuple().exponent if isinstance(value, str) else 0
        except InvalidOperation:
            exponent = 0   # the parent reports it as not a number
        if isinstance(exponent, int) and exponent < -2:
            raise ValidationError("Money has at most two decimal places.")
        return super()._deserialize(value, attr, data, **kwargs)


Text = Written(min=1, max=2000)
Lines = validate.Length(min=1, max=200)
NOTE_KINDS = ("internal", "answer", "ask_buyer", "buyer_reply")


class LineSchema(StrictSchema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10000))


def _lines():
    return fields.List(fields.Nested(LineSchema), required=True, validate=Lines)


class OpenCaseSchema(StrictSchema):
    order_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    case_type = fields.String(required=True, validate=validate.OneOf(CASE_TYPES))
    reason = fields.String(required=True, validate=validate.OneOf(REASONS))
    reason_text = fields.String(load_default="", validate=validate.Length(max=500))
    lines = _lines()
    amount = Amount()
    include_shipping_fee = fields.Boolean(load_default=False)
    difficult = fields.Boolean(load_default=False, metadata={"description": "the agent marks it difficult (4 h)"})
    for_duty_agent = fields.Boolean(load_default=False, metadata={
        "description": "opened for someone else: assigned to the agent on duty with the fewest open cases "
                       "(the agents' queue when nobody is on duty or AUTO_ASSIGN is off); else the opener's"})


class NoteSchema(StrictSchema):
    text = fields.String(required=True, validate=Text)
    kind = fields.String(load_default="internal", validate=validate.OneOf(NOTE_KINDS), metadata={
        "description": "answer: to the buyer (stops the SLA clock); ask_buyer pauses it; buyer_reply resumes it"})


class ApproveSchema(StrictSchema):
    note = fields.String(load_default="", validate=validate.Length(max=2000))


CloseSchema = ApproveSchema


class RejectSchema(StrictSchema):
    reason = fields.String(required=True, validate=Text)


class ResubmitSchema(StrictSchema):
    note = fields.String(required=True, validate=Text)
    amount = Amount()


class SecureSchema(StrictSchema):
    reason = fields.String(required=True, validate=Written(min=5, max=2000), metadata={
        "description": "why the goods count as secured without the carrier's scan (e.g. the courier confirmed "
                       "the parcel is lost, or the signature on delivery was not the buyer's)"})


class ReassignSchema(StrictSchema):
    agent = fields.String(required=True, validate=validate.Length(min=1, max=64),
                          metadata={"description": "staff id of the agent who takes the case over"})
    note = fields.String(load_default="", validate=validate.Length(max=2000))


class ReturnShippedSchema(StrictSchema):
    carrier = fields.String(required=True, validate=validate.Length(min=1, max=50))
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=64))


class ReceiveSchema(StrictSchema):
    reason = fields.String(required=True, validate=Written(min=1, max=500),
                           metadata={"description": "the return reason written on the return note"})
    lines = _lines()
    accessories_complete = fields.Boolean(required=True)
    condition = fields.String(required=True, validate=validate.OneOf(CONDITIONS))
    remarks = fields.String(load_default="", validate=validate.Length(max=1000))


class CaseQuerySchema(StrictSchema):
    status = fields.String(validate=validate.OneOf(STATES))
    case_type = fields.String(validate=validate.OneOf(CASE_TYPES + SERVICE_OPENED))
    sla = fields.String(validate=validate.OneOf(COLOURS))
    assignee = fields.String(validate=validate.Length(min=1, max=64))
    order_no = fields.String(validate=validate.Length(min=1, max=64))
    return_tracking_no = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "the buyer's return parcel"})
    open = fields.Boolean(load_default=False, metadata={"description": "only cases not closed"})
    sort = fields.String(load_default="newest", validate=validate.OneOf(["newest", "time_left"]), metadata={
        "description": "newest first, or the nearest answer deadline first"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    escalated = fields.Boolean(load_default=False, metadata={
        "description": "only open cases escalated to the supervisors on a missed deadline, not yet taken by one"})
    platform = fields.String(validate=validate.OneOf(["waiting", "timed_out"]), metadata={
        "description": "cases waiting for the platform's refund: still in time, or not answered in time"})

    @pre_load
    def drop_empty(self, data, **kwargs):
        """`?status=&sla=` means no filter, as a search form sends it."""
        return {key: value for key, value in data.items() if value != ""}


class HolidaySchema(StrictSchema):
    day = fields.Date(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))


class WeeklyQuerySchema(StrictSchema):
    week = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$"),
                         metadata={"description": "ISO week, e.g. 2026-W48"})
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))

    @validates("week")
    def a_week_that_exists(self, value, **kwargs):
        # The pattern admits 2021-W53 and 0000-W01; only the calendar knows they don't exist.
        year, week = value.split("-W")
        try:
            if not 2000 <= int(year) <= 2100:
                raise ValueError(year)
            date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            raise ValidationError(f"no such ISO week: {value} (years 2000-2100)") from None


class OrderLineView(StrictSchema):
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()
    unit_price = Money()
    delivered_qty = fields.Integer()
    returned_qty = fields.Integer()


class BuyerView(StrictSchema):
    name = fields.String()
    phone = fields.String()
    company = fields.String(allow_none=True)


class OrderContextView(StrictSchema):
    order_no = fields.String()
    status = fields.String(metadata={
        "description": "placed, cancelled, rejected, shipped, delivered, returned, refused"})
    customer_id = fields.String()
    buyer = fields.Nested(BuyerView)
    paid_amount = Money()
    refunded = Money()
    held = Money(metadata={"description": "what the order's open refund cases ask for"})
    refundable = Money(metadata={"description": "what a new case may still ask for: paid - refunded - held"})
    shipping_fee = Money()
    payment_method = fields.String()
    tracking_no = fields.String(allow_none=True)
    placed_at = UtcDateTime()
    shipped_at = UtcDateTime(allow_none=True)
    delivered_at = UtcDateTime(allow_none=True)
    lines = fields.List(fields.Nested(OrderLineView))


class SlaView(StrictSchema):
    colour = fields.String()
    difficult = fields.Boolean()
    difficult_because = fields.String(allow_none=True)
    budget_minutes = fields.Integer()
    deadline = UtcDateTime(allow_none=True)
    yellow_at = UtcDateTime(allow_none=True)
    paused = fields.Boolean()
    breached_at = UtcDateTime(allow_none=True)
    answered_at = UtcDateTime(allow_none=True)
    answered_by = fields.String(allow_none=True)
    within_sla = fields.Boolean(allow_none=True)


class ActionView(StrictSchema):
    actor = fields.String()
    role = fields.String()
    action = fields.String()
    at = UtcDateTime()
    before = fields.Dict(allow_none=True)
    after = fields.Dict()
    detail = fields.Dict()


class ReturnNoteView(StrictSchema):
    reason = fields.String()
    lines = fields.List(fields.Dict())
    accessories_complete = fields.Boolean()
    condition = fields.String()
    discrepancies = fields.List(fields.String())
    findings = fields.List(fields.Dict(), metadata={
        "description": "the discrepancies as codes with parameters: quantity_differs {sku, expected, received}, "
                       "accessories_missing, wrong_item, unexpected_damage"})
    remarks = fields.String()
    received_by = fields.String()
    received_at = UtcDateTime()


class DeadlineView(StrictSchema):
    due_at = UtcDateTime(allow_none=True, metadata={"description": "None while the clock does not run"})
    yellow_at = UtcDateTime(allow_none=True)
    breached_at = UtcDateTime(allow_none=True)
    colour = fields.String()
    resolved = fields.Boolean()


class DeadlinesView(StrictSchema):
    update = fields.Nested(DeadlineView, metadata={"description": "the next update to the buyer (UPDATE_EVERY_HOURS)"})
    resolution = fields.Nested(DeadlineView, metadata={"description": "resolved by (RESOLUTION_HOURS)"})


class EscalationView(StrictSchema):
    open = fields.Boolean(metadata={"description": "escalated and not yet taken by a supervisor"})
    at = UtcDateTime(allow_none=True)
    clock = fields.String(allow_none=True, metadata={"description": "first_answer, update or resolution"})
    taken_at = UtcDateTime(allow_none=True)
    taken_by = fields.String(allow_none=True)


class ReturnWindowView(StrictSchema):
    starts_at = UtcDateTime(metadata={"description": "the delivery, or the hand-over when no delivery was told"})
    ends_at = UtcDateTime()
    days = fields.Integer(metadata={"description": "RETURN_WINDOW_DAYS when the case opened"})
    asked_after_days = fields.Integer(metadata={"description": "days begun since delivery (or hand-over)"})
    after = fields.Boolean(metadata={"description": "asked after the window: a supervisor approves it"})


class DutyAgentView(StrictSchema):
    staff_id = fields.String()
    since = UtcDateTime()
    set_by = fields.String()
    open_cases = fields.Integer()


class RosterView(StrictSchema):
    agents = fields.List(fields.Nested(DutyAgentView))
    next = fields.String(allow_none=True, metadata={"description": "who the next case for an agent on duty goes to"})


class RefusalView(StrictSchema):
    action = fields.String()
    kind = fields.String(allow_none=True, metadata={"description": "the note kind, for a note"})
    error = fields.String()
    message = fields.String()


class PlatformRefundView(StrictSchema):
    state = fields.String(metadata={"description": "waiting, executed or refused"})
    requested_at = UtcDateTime(metadata={"description": "when the refund was (last) asked of the platform"})
    requested_by = fields.String()
    attempts = fields.Integer()
    amount = Money()
    timed_out_at = UtcDateTime(allow_none=True, metadata={
        "description": "when the platform's answer became overdue (PLATFORM_REFUND_TIMEOUT_MINUTES): ask again"})
    answered_at = UtcDateTime(allow_none=True)
    refund_id = fields.String(allow_none=True, metadata={"description": "the platform's refund, once executed"})
    refusal_code = fields.String(allow_none=True)
    refusal_text = fields.String(allow_none=True)


class CaseView(StrictSchema):
    id = fields.Integer()
    order_no = fields.String(validate=NonEmpty)
    customer_id = fields.String()
    case_type = fields.String()
    status = fields.String()
    allowed_actions = fields.List(fields.String())
    reason = fields.String()
    reason_text = fields.String()
    lines = fields.List(fields.Dict())
    amount = Money()
    include_shipping_fee = fields.Boolean()
    assignee = fields.String()
    opened_by = fields.String()
    opened_at = UtcDateTime()
    updated_at = UtcDateTime()
    return_carrier = fields.String(allow_none=True)
    return_tracking_no = fields.String(allow_none=True)
    secured_at = UtcDateTime(allow_none=True, metadata={"description": "when the goods counted as secured"})
    secured_how = fields.String(allow_none=True, metadata={
        "description": "intercepted, returning, returned_to_sender (the carrier's scan) or override"})
    secured_by = fields.String(allow_none=True, metadata={"description": "the supervisor of an override"})
    secured_reason = fields.String(allow_none=True, metadata={"description": "the override's reason"})
    refunded_amount = Money(allow_none=True)
    refunded_at = UtcDateTime(allow_none=True)
    replacement_order_no = fields.String(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    sla = fields.Nested(SlaView)
    deadlines = fields.Nested(DeadlinesView, allow_none=True, metadata={
        "description": "beyond the first answer; none for a recovery or stuck-parcel case"})
    escalation = fields.Nested(EscalationView)
    return_window = fields.Nested(ReturnWindowView, allow_none=True, metadata={
        "description": "a return or exchange: the shop's window it was asked in (or after)"})
    platform = fields.Nested(PlatformRefundView, allow_none=True, metadata={
        "description": "the refund asked of the platform (在淘宝后台操作), once it was"})
    platform_request_id = fields.String(allow_none=True, metadata={
        "description": "the buyer's application on the platform, for a case the buyer opened there"})
    return_note = fields.Nested(ReturnNoteView, allow_none=True)
    history = fields.List(fields.Nested(ActionView))
    refused = fields.List(fields.Nested(RefusalView), metadata={
        "description": "one case only: what the caller's duties forbid of allowed_actions, and why (403 if "
                       "tried); their role may forbid more (x-roles)"})
