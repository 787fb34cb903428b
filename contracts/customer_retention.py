"""Events customer retention (保护库/客户关怀) publishes, and the storefront's `review_posted`.

`review_posted` is the storefront's (external, like `order_placed`); it lives here
because customer retention is its only consumer and contracts/storefront.py is fixed:

    storefront.review_posted: review_id, order_no, customer_id, rating (1-5), text, posted_at
"""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, NonEmpty, UtcDateTime

FOLLOW_UP_KINDS = ("call", "visit", "message")
CARE_OUTCOMES = ("resolved", "reached", "unreachable", "declined", "won_back", "no_action_needed")


@event("storefront", "review_posted")
class ReviewPosted(EventSchema):
    """A buyer's review of an order; a rating of 2 or less is a negative review (中差评)."""
    review_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    order_no = fields.String(required=True, validate=validate.Length(min=1, max=64))
    customer_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    rating = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5))
    text = fields.String(required=True, validate=validate.Length(max=5000))
    posted_at = UtcDateTime(required=True)


@event("customer_retention", "protection_claimed")
class ProtectionClaimed(EventSchema):
    customer_key = fields.String(required=True, validate=NonEmpty)
    rep = fields.String(required=True, validate=NonEmpty)
    expires_at = UtcDateTime(required=True)
    how = fields.String(load_default="claimed", validate=validate.OneOf(["claimed", "reassigned"]),
                        metadata={"description": "claimed by the rep, or reassigned to them by a manager"})
    previous_rep = fields.String(load_default=None, allow_none=True)


@event("customer_retention", "protection_expired")
class ProtectionExpired(EventSchema):
    """A protection ran out and the customer went back to the public pool; `rep` is whose it was."""
    customer_key = fields.String(required=True, validate=NonEmpty)
    rep = fields.String(required=True, validate=NonEmpty)
    expired_at = UtcDateTime(required=True)


@event("customer_retention", "follow_up_logged")
class FollowUpLogged(EventSchema):
    customer_key = fields.String(required=True, validate=NonEmpty)
    rep = fields.String(required=True, validate=NonEmpty)
    kind = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_KINDS))
    logged_at = UtcDateTime(required=True)


@event("customer_retention", "care_task_completed")
class CareTaskCompleted(EventSchema):
    task_id = fields.Integer(required=True, strict=True)
    kind = fields.String(required=True, validate=NonEmpty)
    staff_id = fields.String(required=True, validate=NonEmpty)
    outcome = fields.String(required=True, validate=validate.OneOf(CARE_OUTCOMES))
    completed_at = UtcDateTime(required=True)
    due_at = UtcDateTime(load_default=None, allow_none=True)
    on_time = fields.Boolean(load_default=None, allow_none=True)
