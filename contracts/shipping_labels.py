"""Events the shipping labels service (打单/发货) publishes."""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, Money, NonEmpty, Positive, UtcDateTime


class ParcelEvent(EventSchema):
    """Every event about one parcel names its order and its waybill number."""
    order_no = fields.String(required=True, validate=NonEmpty)
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=40),
                                metadata={"description": "carrier waybill number; EMS: UPU S10, e.g. EE123456785CN"})


@event("shipping_labels", "waybill_issued")
class WaybillIssued(ParcelEvent):
    """A parcel has a label; picking & packing checks hand-over scans against `tracking_no`."""
    carrier = fields.String(required=True, validate=NonEmpty)
    service = fields.String(required=True)
    weight_g = fields.Integer(required=True, strict=True, validate=Positive)
    cost = Money(required=True, metadata={"description": "shipping cost by the rate table"})
    cod_amount = Money(required=True, metadata={"description": "amount the courier collects; 0.00 when prepaid"})
    issued_at = UtcDateTime(required=True)


@event("shipping_labels", "waybill_voided")
class WaybillVoided(ParcelEvent):
    """The number is retired for good; a new `waybill_issued` follows unless the order was cancelled."""
    reason = fields.String(required=True)
    by = fields.String(required=True)


@event("shipping_labels", "label_reprinted")
class LabelReprinted(ParcelEvent):
    by = fields.String(required=True, validate=NonEmpty)
    reason = fields.String(required=True, validate=NonEmpty)
    count = fields.Integer(required=True, strict=True, validate=Positive,
                           metadata={"description": "reprints of this order's labels so far"})


@event("shipping_labels", "waybill_range_low")
class WaybillRangeLow(EventSchema):
    """Alert: the carrier's loaded numbers are running out (0: parcels are waiting for a new range)."""
    carrier = fields.String(required=True, validate=NonEmpty)
    remaining = fields.Integer(required=True, strict=True, validate=validate.Range(min=0))


@event("shipping_labels", "order_shipped")
class OrderShipped(ParcelEvent):
    carrier = fields.String(required=True, validate=NonEmpty)
    shipper = fields.String(required=True, validate=NonEmpty)
    shipped_at = UtcDateTime(required=True)


@event("shipping_labels", "parcel_delivered")
class ParcelDelivered(ParcelEvent):
    delivered_at = UtcDateTime(required=True)


@event("shipping_labels", "parcel_delivery_failed")
class ParcelDeliveryFailed(ParcelEvent):
    reason = fields.String(required=True)


@event("shipping_labels", "parcel_returning")
class ParcelReturning(ParcelEvent):
    """The carrier stopped the parcel (intercepted, 拦截成功) or sent it back towards us (returning, 退回中):
    the goods are secured against a refund; `parcel_returned_to_sender` follows when it is back."""
    status = fields.String(required=True, validate=validate.OneOf(["intercepted", "returning"]))
    scanned_at = UtcDateTime(required=True)


@event("shipping_labels", "parcel_returned_to_sender")
class ParcelReturnedToSender(ParcelEvent):
    """Refused or undeliverable (拒收): back to the warehouse; COD money was not collected."""
    payment_method = fields.String(required=True, validate=validate.OneOf(["prepaid", "cod"]))
    cod_amount_not_collected = Money(required=True)


@event("shipping_labels", "parcel_stuck")
class ParcelStuck(ParcelEvent):
    """A parcel with the carrier has had no scan for longer than the configured days (001 3.13: 异常快递):
    after-sales follows it up with the carrier. Once per silence; a new scan and a new silence tell it again."""
    carrier = fields.String(required=True, validate=NonEmpty)
    silent_since = UtcDateTime(required=True, metadata={"description": "its latest scan, or the hand-over if none"})
    last_status = fields.String(required=True, allow_none=True,
                                metadata={"description": "the latest scan's status; null: none since the hand-over"})
    silent_days = fields.Integer(required=True, strict=True, validate=validate.Range(min=0),
                                 metadata={"description": "whole days without a scan when it was found"})
