"""The HTTP API's schemas (strict: unknown fields are rejected)."""
from marshmallow import ValidationError, fields, validate, validates_schema

from contracts.base import Money, NonEmpty, StrictSchema, UtcDateTime, Written
from shared.web.days import day_field
from services.staff_performance.attendance import DIRECTIONS
from services.staff_performance.fines import MANAGER_RULES
from services.staff_performance.policies import RANKS, invalid_changes

StaffId = validate.Length(min=1, max=64)
Count = validate.Range(min=0, max=100000)


class StaffSchema(StrictSchema):
    staff_id = fields.String(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.Length(min=1, max=30))
    rank = fields.String(required=True, validate=validate.OneOf(RANKS))
    team = fields.String(required=True, validate=validate.Length(min=1, max=50))
    active = fields.Boolean(load_default=True)
    registered = fields.Boolean(dump_only=True)


class StaffQuery(StrictSchema):
    team = fields.String(load_default=None)
    unregistered = fields.Boolean(load_default=False)


class PunchSchema(StrictSchema):
    punch_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    staff_id = fields.String(required=True, validate=StaffId)
    at = UtcDateTime(required=True)
    direction = fields.String(load_default=None, validate=validate.OneOf(DIRECTIONS), metadata={
        "description": "in / out, when the machine knows: time away from the post needs it"})


class LeaveSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    staff_id = fields.String(required=True, validate=StaffId)
    kind = fields.String(required=True, validate=validate.OneOf(["personal", "sick", "emergency"]))
    first_day = day_field(required=True)
    last_day = day_field(required=True)
    requested_at = UtcDateTime(required=True)
    reason = fields.String(required=True, validate=Written(min=1, max=500))
    notice_ok = fields.Boolean(dump_only=True)
    proof_required = fields.Boolean(dump_only=True)
    proof_received_on = fields.Date(dump_only=True, allow_none=True)
    notice_note = fields.String(dump_only=True)

    @validates_schema
    def order(self, data, **kwargs):
        if data["last_day"] < data["first_day"]:
            raise ValidationError("must not be before first_day", "last_day")
        if (data["last_day"] - data["first_day"]).days > 366:
            raise ValidationError("at most a year", "last_day")


class DailyReportSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    staff_id = fields.String(dump_only=True)
    day = fields.Date(dump_only=True)
    recorded_by = fields.String(dump_only=True)
    calls = fields.Integer(required=True, strict=True, validate=Count)
    visits = fields.Integer(required=True, strict=True, validate=Count, metadata={"description": "cold included"})
    visits_unrecorded = fields.Integer(required=True, strict=True, validate=Count,
                                       metadata={"description": "of the visits, those without a visit record"})
    fine_leads = fields.Integer(required=True, strict=True, validate=Count)
    rough_leads = fields.Integer(required=True, strict=True, validate=Count)
    deals = fields.Integer(required=True, strict=True, validate=Count)
    bookings_next_day = fields.Integer(required=True, strict=True, validate=Count)


class DaySchema(StrictSchema):
    day = day_field(required=True)


class FineIssueSchema(StrictSchema):
    staff_id = fields.String(required=True, validate=StaffId)
    rule = fields.String(required=True, validate=validate.OneOf(MANAGER_RULES))
    day = day_field(required=True)
    reason = fields.String(required=True, validate=Written(min=1, max=500))


class FineSchema(StrictSchema):
    id = fields.Integer()
    staff_id = fields.String()
    rule = fields.String()
    day = fields.Date()
    occurrence = fields.Integer()
    amount = Money()
    flag = fields.String(allow_none=True)
    reason = fields.String()
    policy_version = fields.String()
    noticed_on = fields.Date(allow_none=True)


class PaymentSchema(StrictSchema):
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False))
    day = day_field(required=True)


class StaffFilter(StrictSchema):
    staff_id = fields.String(load_default=None)


class AsOfQuery(StaffFilter):
    as_of = day_field(load_default=None)


class PolicyVersionSchema(StrictSchema):
    effective_from = day_field(required=True)
    changes = fields.Dict(required=True, keys=fields.String(), validate=validate.Length(min=1))

    @validates_schema
    def known_settings(self, data, **kwargs):
        errors = invalid_changes(data["changes"])
        if errors:
            raise ValidationError({"changes": errors})


class ScorecardQuery(StrictSchema):
    period = fields.String(load_default="day", validate=validate.OneOf(["day", "week", "month"]))
    day = day_field(load_default=None)
    explain = fields.Boolean(load_default=False)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))
    now = UtcDateTime(load_default=None, metadata={"description": "judge as of this moment (default: now)"})


class FlowQuery(StrictSchema):
    day = day_field(load_default=None, metadata={"description": "the business day (Asia/Shanghai); default today"})


class ScorecardsQuery(StrictSchema):
    period = fields.String(load_default="day", validate=validate.OneOf(["day", "week", "month"]))
    day = day_field(load_default=None)
    team = fields.String(load_default=None, validate=validate.Length(min=1, max=100))


class LeaderboardQuery(StrictSchema):
    team = fields.String(required=True, validate=NonEmpty)
    day = day_field(load_default=None)
    metric = fields.String(load_default="deals", validate=validate.Length(min=1, max=50))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class RotaEntrySchema(StrictSchema):
    """Hours only where the shift differs from the policy's (8:30-18:00, lunch 12:00-14:00)."""
    start = fields.Time(format="%H:%M", load_default=None, allow_none=True, metadata={"description": "HH:MM"})
    end = fields.Time(format="%H:%M", load_default=None, allow_none=True, metadata={"description": "HH:MM"})


class RotaQuery(StrictSchema):
    week = day_field(load_default=None, metadata={"description": "any day of the week (Monday to Sunday); "
                                                                 "default: this week"})


class FlagSchema(StrictSchema):
    id = fields.Integer()
    staff_id = fields.String()
    flag = fields.String()
    day = fields.Date()
    subject = fields.String()
    reason = fields.String()
    raised_at = UtcDateTime()
