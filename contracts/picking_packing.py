"""Events the picking & packing service (配货/打包/称重) publishes."""
from marshmallow import fields, validate

from contracts import event
from contracts.base import EventSchema, NonEmpty, Positive, StrictSchema, UtcDateTime

Grams = validate.Range(min=0)


def _staff(**kwargs):
    return fields.String(required=True, validate=NonEmpty, metadata={"description": "staff_id of the token"},
                         **kwargs)


class ShortLine(StrictSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    needed = fields.Integer(required=True, strict=True, validate=Positive)
    available = fields.Integer(required=True, strict=True, validate=Grams)


class SkuQty(StrictSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    qty = fields.Integer(required=True, strict=True, validate=Positive)


@event("picking_packing", "order_out_of_stock")
class OrderOutOfStock(EventSchema):
    """The order waits for stock; it is served first come, first served when stock arrives."""
    order_no = fields.String(required=True, validate=NonEmpty)
    customer_id = fields.String(required=True)
    short = fields.List(fields.Nested(ShortLine), required=True, validate=validate.Length(min=1))


@event("picking_packing", "stock_reserved")
class StockReserved(EventSchema):
    order_no = fields.String(required=True, validate=NonEmpty)
    lines = fields.List(fields.Nested(SkuQty), required=True, validate=validate.Length(min=1))
    was_waiting = fields.Boolean(load_default=False, metadata={"description": "released from out-of-stock"})


@event("picking_packing", "stock_low")
class StockLow(EventSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    available = fields.Integer(required=True, strict=True, validate=Grams)
    threshold = fields.Integer(required=True, strict=True, validate=Grams)


class PickedLine(StrictSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    qty = fields.Integer(required=True, strict=True, validate=Positive)
    picker = _staff()
    scanned_at = UtcDateTime(required=True, metadata={"description": "when the line's last goods were scanned"})


@event("picking_packing", "order_picked")
class OrderPicked(EventSchema):
    """Every line is picked; each line says who picked it and when (staff performance counts lines per picker)."""
    order_no = fields.String(required=True, validate=NonEmpty)
    picker = _staff()
    picked_at = UtcDateTime(required=True)
    lines = fields.List(fields.Nested(PickedLine), required=True, validate=validate.Length(min=1))


@event("picking_packing", "parcel_packed")
class ParcelPacked(EventSchema):
    order_no = fields.String(required=True, validate=NonEmpty)
    weight_g = fields.Integer(required=True, strict=True, validate=Positive)
    expected_weight_g = fields.Integer(required=True, strict=True, validate=Grams)
    packer = _staff()
    station_id = fields.String(required=True)
    packed_at = UtcDateTime(required=True)
    override_by = fields.String(load_default=None, allow_none=True,
                                metadata={"description": "supervisor who accepted a weight outside tolerance"})
    override_reason = fields.String(load_default=None, allow_none=True)
    merged_orders = fields.List(fields.String(validate=NonEmpty), load_default=list, validate=validate.Length(max=19),
                                metadata={"description": "合单 (issue #23): the other orders packed in this parcel; "
                                                         "absent or empty: the parcel is this order's alone"})


@event("picking_packing", "parcel_weight_mismatch")
class ParcelWeightMismatch(EventSchema):
    order_no = fields.String(required=True, validate=NonEmpty)
    weight_g = fields.Integer(required=True, strict=True, validate=Positive)
    expected_weight_g = fields.Integer(load_default=None, allow_none=True, strict=True)
    expected_min_g = fields.Integer(required=True, strict=True, validate=Grams)
    expected_max_g = fields.Integer(required=True, strict=True, validate=Grams)
    packer = _staff()
    station_id = fields.String(required=True)
    weighed_at = UtcDateTime(required=True)


@event("picking_packing", "pick_list_cancelled")
class PickListCancelled(EventSchema):
    order_no = fields.String(required=True, validate=NonEmpty)
    reason = fields.String(required=True)
    restock_task = fields.Boolean(required=True, metadata={"description": "picked goods must go back on the shelf"})


@event("picking_packing", "stock_restocked")
class StockRestocked(EventSchema):
    sku = fields.String(required=True, validate=NonEmpty)
    qty = fields.Integer(required=True, strict=True, validate=Positive)
    reason = fields.String(required=True, validate=validate.OneOf(["received", "returned", "repacked", "cancelled"]))


@event("picking_packing", "order_goods_change_taken")
class OrderGoodsChangeTaken(EventSchema):
    """Review's change of an order's goods was taken: the pick list has the new lines (issue #23: a split's
    backorder is approved on it)."""
    order_no = fields.String(required=True, validate=NonEmpty)
    change_id = fields.Integer(required=True, strict=True)
    status = fields.String(required=True, metadata={"description": "where the pick list stands now: waiting_stock "
                                                                  "or ready"})


@event("picking_packing", "order_goods_change_refused")
class OrderGoodsChangeRefused(EventSchema):
    """Review's change of an order's goods came after picking started: the pick list keeps its lines."""
    order_no = fields.String(required=True, validate=NonEmpty)
    change_id = fields.Integer(required=True, strict=True)
    reason = fields.String(required=True, validate=validate.OneOf(["picking_started"]))
    status = fields.String(required=True, metadata={"description": "where the pick list stood"})
