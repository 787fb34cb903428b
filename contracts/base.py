"""Building blocks for message schemas: strict by default, money as decimal strings, UTC times."""
from decimal import Decimal
from functools import lru_cache

from marshmallow import RAISE, Schema, ValidationError, fields, validate


@lru_cache(maxsize=None)
def schema(schema_cls, many=False):
    """One shared instance per schema class: marshmallow schemas keep no per-call state, and
    building one deep-copies its fields (a tenth of a consumer's CPU in the benchmark's profile)."""
    return schema_cls(many=many)


class StrictSchema(Schema):
    """Unknown fields are an error, here and in every nested schema."""

    class Meta:
        unknown = RAISE


class Money(fields.Decimal):
    """A decimal amount sent as a string ("59.00"); floats are refused (they are not exact)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("places", 2)
        super().__init__(as_string=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (float, bool)):
            raise ValidationError("Money must be a decimal string, e.g. \"59.00\".")
        try:
            exact = Decimal(str(value).strip())
            # Checked before marshmallow quantizes to two places, which would round "59.001" silently.
            too_precise = exact.is_finite() and exact != exact.quantize(Decimal("0.01"))
        except ArithmeticError:
            exact, too_precise = None, False
        if exact is not None and exact.is_finite() and abs(exact) >= Decimal("1e13"):
            raise ValidationError("Money amount is out of range.")
        if too_precise:
            raise ValidationError("Money has at most two decimal places.")
        return super()._deserialize(value, attr, data, **kwargs)


class UtcDateTime(fields.AwareDateTime):
    """ISO 8601 with a zone; naive input is read as UTC."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        from shared.timeutil import to_iso
        return to_iso(value)


class UuidString(fields.UUID):
    """A UUID on the wire, a plain string in Python."""

    def _deserialize(self, value, attr, data, **kwargs):
        return str(super()._deserialize(value, attr, data, **kwargs))

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class EventSchema(StrictSchema):
    """Every message carries an event id (consumers dedupe on it) and when it happened."""

    event_id = UuidString(required=True)
    occurred_at = UtcDateTime(required=True)


NonEmpty = validate.Length(min=1)
Positive = validate.Range(min=1)
