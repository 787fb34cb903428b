"""The HTTP API's schemas: the fixed scanner API, the stock desk, the floor's lists."""
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from contracts.base import StrictSchema, UtcDateTime, UuidString, Written
from services.picking_packing import parcel_returns, status

Code = validate.Length(min=1, max=64)
Reason = Written(min=3, max=500)

SCAN_FIELDS = {
    "pick": {"order_no", "barcode"},
    "pack": {"order_no", "weight_g"},
}
# Scans taken elsewhere now: an old scanner is told where (the hand-over is decided where labels are voided).
MOVED = {"handover": "hand-over scans are taken by shipping labels: POST /handovers there, with scan_id, "
                     "tracking_no and station_id"}


class ScanSchema(StrictSchema):
    scan_id = UuidString(required=True, metadata={"description": "a retry with the same id gets the first answer"})
    station_id = fields.String(required=True, validate=Code)
    type = fields.String(required=True, validate=validate.OneOf(sorted(SCAN_FIELDS)))
    order_no = fields.String(validate=Code)
    barcode = fields.String(validate=Code)
    qty = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=999))
    weight_g = fields.Integer(strict=True, validate=validate.Range(min=1, max=100_000))

    @pre_load
    def not_moved(self, data, **kwargs):
        """A moved scan type is answered with where it went, whatever else the old body holds."""
        if isinstance(data, dict) and isinstance(data.get("type"), str) and data["type"] in MOVED:
            raise ValidationError({"type": [MOVED[data["type"]]]})
        return data

    @validates_schema
    def fields_of_its_type(self, data, **kwargs):
        wanted = SCAN_FIELDS.get(data.get("type"), set())
        given = set(data) - {"scan_id", "station_id", "type", "qty"}
        errors = {name: ["Missing data for required field."] for name in sorted(wanted - given)}
        errors.update({name: [f"Not used by a {data.get('type')} scan."] for name in sorted(given - wanted)})
        if errors:
            raise ValidationError(errors)


class SkuQty(StrictSchema):
    sku = fields.String(required=True, validate=Code)
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))


BinCode = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", error="letters, digits, - _ . (at most 32)")
WAREHOUSE_FIELD = {"validate": BinCode, "metadata": {"description": "warehouse code; default MAIN"}}
BIN_FIELD = {"validate": BinCode, "metadata": {"description": "bin location, e.g. A-01-03; default DEFAULT"}}


class ReceivedLine(SkuQty):
    warehouse = fields.String(**WAREHOUSE_FIELD)
    bin = fields.String(**BIN_FIELD)


class TaskDoneSchema(StrictSchema):
    """A repack done: the bin the goods are put back into (the default bin when none is named)."""
    warehouse = fields.String(**WAREHOUSE_FIELD)
    bin = fields.String(**BIN_FIELD)


class ReceiptSchema(StrictSchema):
    lines = fields.List(fields.Nested(ReceivedLine), required=True, validate=validate.Length(min=1, max=500))
    warehouse = fields.String(**WAREHOUSE_FIELD)
    bin = fields.String(**BIN_FIELD)
    reference = fields.String(validate=validate.Length(max=100), metadata={"description": "delivery note"})
    note = fields.String(validate=validate.Length(max=500))


class CountLine(StrictSchema):
    sku = fields.String(required=True, validate=Code)
    counted = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=1_000_000))


class CountSchema(StrictSchema):
    lines = fields.List(fields.Nested(CountLine), required=True, validate=validate.Length(min=1, max=500))
    reason = fields.String(required=True, validate=Reason)
    warehouse = fields.String(**WAREHOUSE_FIELD)
    bin = fields.String(**BIN_FIELD)

    @validates_schema
    def each_sku_once(self, data, **kwargs):
        skus = [line["sku"] for line in data.get("lines", [])]
        if len(skus) != len(set(skus)):
            raise ValidationError("each SKU may be counted once per count", field_name="lines")


class BinRef(StrictSchema):
    warehouse = fields.String(required=True, validate=BinCode)
    bin = fields.String(required=True, validate=BinCode)


class TransferSchema(StrictSchema):
    sku = fields.String(required=True, validate=Code)
    qty = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))
    source = fields.Nested(BinRef, required=True, metadata={"description": "the bin the goods leave"})
    target = fields.Nested(BinRef, required=True, metadata={"description": "the bin they go to (any warehouse)"})
    reason = fields.String(required=True, validate=Reason)


class WarehouseSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    rank = fields.Integer(load_default=1000, strict=True, validate=validate.Range(min=0, max=1_000_000),
                          metadata={"description": "nearness for provinces not listed (lower: nearer)"})
    provinces = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=64)),
                            values=fields.Integer(strict=True, validate=validate.Range(min=0, max=1_000_000)),
                            load_default=dict, metadata={"description": "{province: rank}, lower is nearer"})


class BinSchema(StrictSchema):
    code = fields.String(required=True, validate=BinCode)


class InspectedLine(StrictSchema):
    sku = fields.String(required=True, validate=Code)
    outcome = fields.String(required=True, validate=validate.OneOf(parcel_returns.OUTCOMES),
                            metadata={"description": "restock: back on the shelf; damaged: 破损, recorded"})


class InspectionSchema(StrictSchema):
    lines = fields.List(fields.Nested(InspectedLine), required=True, validate=validate.Length(min=1, max=500),
                        metadata={"description": "every line of the parcel, once"})
    remarks = fields.String(load_default="", validate=validate.Length(max=1000))

    @validates_schema
    def each_sku_once(self, data, **kwargs):
        skus = [line["sku"] for line in data.get("lines", [])]
        if len(skus) != len(set(skus)):
            raise ValidationError("each line is decided once", field_name="lines")


class ThresholdSchema(StrictSchema):
    threshold = fields.Integer(required=True, strict=True, validate=validate.Range(min=0, max=1_000_000))


class BarcodeSchema(StrictSchema):
    sku = fields.String(required=True, validate=Code)


class OverrideSchema(StrictSchema):
    reason = fields.String(required=True, validate=Reason)


class Paging(StrictSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class PickListQuery(Paging):
    status = fields.String(validate=validate.OneOf(status.ALL))


class TaskQuery(Paging):
    kind = fields.String(validate=validate.OneOf(["put_away", "repack"]))
    status = fields.String(validate=validate.OneOf(["open", "done", "called_off"]))


class ParcelReturnQuery(Paging):
    status = fields.String(validate=validate.OneOf([parcel_returns.AWAITING, parcel_returns.INSPECTED]))


class MovementQuery(Paging):
    sku = fields.String(validate=Code)


class BinStockQuery(Paging):
    warehouse = fields.String(validate=BinCode)
    sku = fields.String(validate=Code)


# -- answers -----------------------------------------------------------------
class StockItemOut(StrictSchema):
    sku = fields.String()
    on_hand = fields.Integer()
    reserved = fields.Integer()
    available = fields.Integer()
    low_threshold = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True, metadata={"description": "the goods' name as orders gave it"})


class StorefrontLevelOut(StrictSchema):
    """What the storefront was last told of a SKU (stock_levels_changed)."""
    available = fields.Integer()
    sent_at = UtcDateTime()


class MovementOut(StrictSchema):
    id = fields.Integer()
    sku = fields.String()
    kind = fields.String()
    change = fields.Integer()
    on_hand_after = fields.Integer()
    by = fields.String()
    reason = fields.String()
    reference = fields.String(allow_none=True)
    warehouse = fields.String(allow_none=True)
    bin = fields.String(allow_none=True)
    at = UtcDateTime()


class TaskOut(StrictSchema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    order_no = fields.String()
    case_id = fields.String(allow_none=True)
    sku = fields.String()
    qty = fields.Integer()
    created_at = UtcDateTime()
    done_by = fields.String(allow_none=True)
    done_at = UtcDateTime(allow_none=True)


class DefectiveOut(StrictSchema):
    id = fields.Integer()
    case_id = fields.String(allow_none=True, metadata={"description": "none: a parcel returned to sender"})
    order_no = fields.String()
    sku = fields.String()
    qty = fields.Integer()
    condition = fields.String()
    received_by = fields.String()
    recorded_at = UtcDateTime()


class ParcelReturnLineOut(StrictSchema):
    sku = fields.String()
    name = fields.String()
    qty = fields.Integer()
    outcome = fields.String(allow_none=True)


class ParcelReturnOut(StrictSchema):
    order_no = fields.String()
    tracking_no = fields.String()
    payment_method = fields.String()
    returned_at = UtcDateTime()
    status = fields.String()
    inspected_by = fields.String(allow_none=True)
    inspected_at = UtcDateTime(allow_none=True)
    remarks = fields.String()
    lines = fields.List(fields.Nested(ParcelReturnLineOut))


def path_code(name, value, rule=Code):
    """Path values are not loaded by a schema: bound them like body codes (400 naming the field)."""
    try:
        rule(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None
    return value


class WaveSchema(StrictSchema):
    """A new wave (波次); its size bounds are the rule's (waves.py: `wave_size_out_of_range`)."""
    size = fields.Integer(required=True, strict=True, metadata={"description": "orders in the wave, 1 to 50"})
    courier = fields.String(validate=validate.Length(min=1, max=20), metadata={"description": "only this courier's"})
    zone = fields.String(validate=BinCode, metadata={"description": "only orders whose bins all start so, e.g. A-01"})
    warehouse = fields.String(validate=BinCode, metadata={"description": "default: the oldest matching order's"})


class WaveScanSchema(StrictSchema):
    scan_id = UuidString(required=True, metadata={"description": "a retry with the same id gets the first answer"})
    sku = fields.String(required=True, validate=Code, metadata={"description": "the SKU or a barcode mapped to it"})
    bin = fields.String(validate=BinCode, metadata={"description": "where it was taken (checked against the route)"})
    quantity = fields.Integer(load_default=1, strict=True, validate=validate.Range(min=1, max=999))


class WaveQuery(Paging):
    status = fields.String(validate=validate.OneOf(["open", "picked"]))


class CancelWaveSchema(StrictSchema):
    """波次取消: why the wave is called off (shown with it)."""
    reason = fields.String(required=True, validate=Written(min=3, max=150))


class UnmergeSchema(StrictSchema):
    """拆开合单: why the group is split (shown with it)."""
    reason = fields.String(required=True, validate=Written(min=3, max=150))


class MergeSchema(StrictSchema):
    """合单 (issue #23): the orders to pack as one parcel."""
    order_nos = fields.List(fields.String(validate=Code), required=True, validate=validate.Length(min=2, max=20))

    @validates_schema
    def distinct(self, data, **kwargs):
        if len(set(data.get("order_nos", []))) != len(data.get("order_nos", [])):
            raise ValidationError({"order_nos": ["Each order once."]})


class MergeQuery(Paging):
    status = fields.String(validate=validate.OneOf(["merged", "packed", "dissolved"]))
