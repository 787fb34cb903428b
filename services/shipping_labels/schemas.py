"""The HTTP API's request bodies and query strings."""
from marshmallow import fields, validate

from contracts.base import NonEmpty, StrictSchema, UtcDateTime, UuidString, Written
from services.shipping_labels.tracking import STATUSES



class ReasonBody(StrictSchema):
    reason = fields.String(required=True, validate=Written(min=1, max=300))


class HandoverBody(StrictSchema):
    """The courier hand-over scan (发货), as the floor's scanners send their scans."""
    scan_id = UuidString(required=True, metadata={"description": "a retry with the same id gets the first answer"})
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=40),
                                metadata={"description": "the label scanned on the parcel"})
    station_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class RangeBody(StrictSchema):
    carrier = fields.String(required=True, validate=validate.Length(min=1, max=20))
    first_number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    last_number = fields.String(required=True, validate=validate.Length(min=1, max=40))


class TrackingEventBody(StrictSchema):
    event_id = UuidString(required=True, metadata={"description": "the carrier's id of this scan (idempotency)"})
    tracking_no = fields.String(required=True, validate=validate.Length(min=1, max=40))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    occurred_at = UtcDateTime(required=True)
    location = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class ManifestQuery(StrictSchema):
    carrier = fields.String(required=True, validate=NonEmpty)
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class CarrierQuery(StrictSchema):
    carrier = fields.String(required=True, validate=validate.Length(min=1, max=20))


class StatementQuery(CarrierQuery):
    filename = fields.String(load_default="", validate=validate.Length(max=200),
                             metadata={"description": "the file's name, for a raw (not multipart) upload"})


class CodReportQuery(StrictSchema):
    month = fields.String(required=True, validate=validate.Regexp(
        r"^20[0-9]{2}-(0[1-9]|1[0-2])$", error="a month, YYYY-MM, from 2000-01 to 2099-12"))
    carrier = fields.String(load_default=None, validate=validate.Length(min=1, max=20))
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv", "xlsx"]))
