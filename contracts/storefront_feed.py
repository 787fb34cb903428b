"""What a storefront consumes: the events the back office sends back to the shop (issue #23).

Fixed like the storefront's own `order_placed`: external storefronts code against them, so they are
events of their own, not the suite's internal ones (those may change with any release and carry staff
ids). Each is published by the service that owns the fact, through its outbox, to its `<service>.events`
exchange with the event type as routing key. Deploy binds the storefront's own queue `storefront.feed` to
every event registered here with `outside="storefront"`; the storefront's broker user may read that queue
and nothing else. Add a new storefront-facing event here and the binding and the catalogue follow.
"""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, NonEmpty, StrictSchema, UtcDateTime

STOREFRONT = "storefront"
MAX_LEVELS_PER_EVENT = 500   # a burst of changes goes out as several events, each well under 1 MiB

# Where a parcel stands, as the storefront shows it to the buyer: the hand-over, then the carrier's scans.
HANDED_OVER = "handed_over"
CARRIER_STATUSES = ("in_transit", "delivered", "delivery_failed", "intercepted", "returning", "returned_to_sender")


class StockLevel(StrictSchema):
    sku = fields.String(required=True, validate=validate.Length(min=1, max=64))
    available = fields.Integer(required=True, strict=True, validate=validate.Range(min=0),
                               metadata={"description": "units the shop may still sell: on hand minus reserved"})


@event("picking_packing", "stock_levels_changed", outside=STOREFRONT)
class StockLevelsChanged(EventSchema):
    """The sellable quantity of every SKU whose availability changed since the last event (debounced: at most
    one round per `PICKING_PACKING_STOCK_LEVELS_DEBOUNCE_SECONDS`). Levels are absolute, not differences:
    apply the newest `as_of` per SKU; the first round after a start sends every SKU not sent before."""
    as_of = UtcDateTime(required=True, metadata={"description": "when the levels were read"})
    levels = fields.List(fields.Nested(StockLevel), required=True,
                         validate=validate.Length(min=1, max=MAX_LEVELS_PER_EVENT))


@event("shipping_labels", "tracking_updated", outside=STOREFRONT)
class TrackingUpdated(EventSchema):
    """物流回传: the parcel's waybill, pushed when it is handed over to the carrier (`handed_over`) and with
    every later carrier scan, so that the platform and the buyer see it."""
    order_no = fields.String(required=True, validate=NonEmpty)
    carrier = fields.String(required=True, validate=NonEmpty, metadata={"description": "e.g. ZTO, EMS"})
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    status = fields.String(required=True, validate=validate.OneOf((HANDED_OVER,) + CARRIER_STATUSES))
    at = UtcDateTime(required=True, metadata={"description": "the hand-over, or the carrier's scan"})
    location = fields.String(load_default=None, allow_none=True)
