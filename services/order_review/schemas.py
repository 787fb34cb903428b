"""The reviewers' HTTP API: what requests may carry."""
from marshmallow import ValidationError, fields, validate, validates_schema

from contracts.base import StrictSchema, Written
from contracts.storefront import OrderLine
from services.order_review.decisions import CORRECTABLE
from services.order_review.models import BLACKLIST_KINDS
from services.order_review.rules import CODES
from shared.web.days import day_field
Minutes = validate.Range(min=0, max=60 * 24 * 365)


class QueueQuery(StrictSchema):
    code = fields.String(validate=validate.OneOf(CODES))
    older_than_minutes = fields.Integer(validate=Minutes, metadata={"description": "received at least this long ago"})
    younger_than_minutes = fields.Integer(validate=Minutes, metadata={"description": "received at most this long ago"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ApproveBody(StrictSchema):
    """No body, or a reason: required when the approval releases holds (the decision keeps it). `courier`:
    the courier to ship with instead of the buyer's choice (null: shipping chooses)."""
    reason = fields.String(validate=Written(min=1, max=500))
    courier = fields.String(allow_none=True, validate=validate.Length(min=1, max=20))


class RejectBody(StrictSchema):
    reason = fields.String(required=True, validate=Written(min=1, max=500))


class CorrectionBody(StrictSchema):
    """Any of the recipient, phone and address fields; the others stay as they are."""
    recipient = fields.String(validate=validate.Length(min=1, max=64))
    phone = fields.String(validate=validate.Length(min=1, max=32))
    province = fields.String(validate=validate.Length(min=1, max=64))
    city = fields.String(validate=validate.Length(min=1, max=64))
    district = fields.String(validate=validate.Length(min=1, max=64))
    line1 = fields.String(validate=validate.Length(min=1, max=200))
    postcode = fields.String(validate=validate.Length(max=12))

    @validates_schema
    def something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError(f"give at least one of {', '.join(CORRECTABLE)}", "_schema")


class DailyStatsQuery(StrictSchema):
    day = day_field(metadata={"description": "the company's day (Asia/Shanghai), YYYY-MM-DD; default today"})


class GoodsBody(StrictSchema):
    """The order's lines as they are to be: another SKU, another quantity (the storefront's line shape)."""
    lines = fields.List(fields.Nested(OrderLine), required=True, validate=validate.Length(min=1, max=200))
    reason = fields.String(required=True, validate=Written(min=1, max=500))


class BlacklistQuery(StrictSchema):
    kind = fields.String(validate=validate.OneOf(BLACKLIST_KINDS))


class ListBody(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(BLACKLIST_KINDS))
    value = fields.String(required=True, validate=validate.Length(min=1, max=300))
    reason = fields.String(required=True, validate=Written(min=1, max=500))


class UnlistBody(StrictSchema):
    reason = fields.String(required=True, validate=Written(min=1, max=500))
