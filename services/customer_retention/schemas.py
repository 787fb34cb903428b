"""Bodies and query strings of customer retention's HTTP API."""
from marshmallow import ValidationError, fields, validate, validates_schema

from contracts.base import StrictSchema, UtcDateTime, Written
from contracts.customer_retention import CARE_OUTCOMES, FOLLOW_UP_KINDS
from services.customer_retention.limits import DEFAULTS
from services.customer_retention.rfm import segment

CustomerKey = validate.Length(min=1, max=320)
StaffId = validate.Length(min=1, max=64)


class ClaimSchema(StrictSchema):
    """Claim an existing customer by key, or a company by its registered name (营业执照全称)."""
    customer_key = fields.String(validate=CustomerKey)
    company_name = fields.String(validate=validate.Length(min=2, max=300))

    @validates_schema
    def one_of(self, data, **kwargs):
        if ("customer_key" in data) == ("company_name" in data):
            raise ValidationError("give exactly one of customer_key and company_name", "customer_key")


class CustomerKeySchema(StrictSchema):
    customer_key = fields.String(required=True, validate=CustomerKey)


class ReassignSchema(StrictSchema):
    customer_keys = fields.List(fields.String(validate=CustomerKey), required=True,
                                validate=validate.Length(min=1, max=200))
    to_rep = fields.String(required=True, validate=StaffId)
    reason = fields.String(required=True, validate=Written(min=2, max=500))


class LimitSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.OneOf(sorted(DEFAULTS)))
    value = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=100000))
    scope = fields.String(load_default="*", validate=StaffId, metadata={"description": "'*' or a rep's staff id"})


class FollowUpSchema(StrictSchema):
    customer_key = fields.String(required=True, validate=CustomerKey)
    kind = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_KINDS))
    notes = fields.String(required=True, validate=Written(min=1, max=5000))


class CompleteTaskSchema(StrictSchema):
    outcome = fields.String(required=True, validate=validate.OneOf(CARE_OUTCOMES))
    notes = fields.String(load_default="", validate=validate.Length(max=5000))


class PoolQuery(StrictSchema):
    rep = fields.String(validate=StaffId)
    flagged = fields.Boolean(load_default=False)


class TaskQuery(StrictSchema):
    view = fields.String(load_default="mine", validate=validate.OneOf(["mine", "queue", "all"]))
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "done", "cancelled", "any"]))


class KeyQuery(StrictSchema):
    customer_key = fields.String(required=True, validate=CustomerKey)


class LookupQuery(StrictSchema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata={
        "description": "the start of a registered name, a buyer's name, a phone number or a customer key"})


class FollowUpQuery(KeyQuery):
    rep = fields.String(validate=StaffId, metadata={"description": "one rep's notes (a rep: only their own)"})


class AnalyticsQuery(StrictSchema):
    as_of = UtcDateTime(load_default=None, metadata={"description": "default: now"})
    segment = fields.String(validate=validate.OneOf(sorted({segment(r, f, m) for r in range(1, 6)
                                                            for f in range(1, 6) for m in range(1, 6)})))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))
