"""Events the staff performance service (绩效) publishes."""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, Money, NonEmpty


@event("staff_performance", "fine_issued")
class FineIssued(EventSchema):
    """A fine from the department's ladder (business-rules §6); `rule` names the ladder."""
    staff_id = fields.String(required=True, validate=NonEmpty)
    fine_id = fields.Integer(required=True, strict=True)
    rule = fields.String(required=True, validate=NonEmpty)
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False))
    reason = fields.String(required=True)
    day = fields.Date(required=True, metadata={"description": "business day (Asia/Shanghai) of the infraction"})


@event("staff_performance", "staff_flagged")
class StaffFlagged(EventSchema):
    """Something for a manager's review (dismissal per the rules, unknown staff, interest beyond week 3,
    a day with fewer on duty than the rota needs: flag `understaffed`, staff_id `duty_rota`).
    The software never dismisses anyone."""
    staff_id = fields.String(required=True, validate=NonEmpty)
    flag = fields.String(required=True, validate=NonEmpty)
    reason = fields.String(required=True)
    day = fields.Date(required=True)
