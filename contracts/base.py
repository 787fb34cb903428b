"""Building blocks for message schemas: strict by default, money as decimal strings, UTC times."""
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from contracts.fastpath import Fallback, compiled


@lru_cache(maxsize=None)
def schema(schema_cls, many=False):
    """One shared instance per schema class: marshmallow schemas keep no per-call state, and
    building one deep-copies its fields (a tenth of a consumer's CPU in the benchmark's profile)."""
    return schema_cls(many=many)


class StrictSchema(Schema):
    """Unknown fields are an error, here and in every nested schema.

    `load`, `validate` and `dump` take `contracts.fastpath`'s plan when the schema has one (no
    hooks) and the call uses the schema's own options; input the plan is not sure of, invalid
    input included, is loaded by marshmallow from the start, so results and errors are the same."""

    class Meta:
        unknown = RAISE

    _plan = ()   # not built yet

    def plan(self):
        if self._plan == ():
            self._plan = compiled(self)
        return self._plan

    def _fast(self, many=None, partial=None, unknown=None):
        return self.plan() if not many and partial is None and unknown in (None, RAISE) else None

    def load(self, data, *, many=None, partial=None, unknown=None):
        plan = self._fast(many, partial, unknown)
        if plan is not None:
            try:
                return plan[0](data)
            except (Fallback, ValidationError):
                pass
        return super().load(data, many=many, partial=partial, unknown=unknown)

    def validate(self, data, *, many=None, partial=None):
        plan = self._fast(many, partial)
        if plan is not None:
            try:
                plan[0](data)
                return {}
            except (Fallback, ValidationError):
                pass
        return super().validate(data, many=many, partial=partial)

    def dump(self, obj, *, many=None):
        plan = self._fast(many)
        return plan[1](obj) if plan is not None else super().dump(obj, many=many)


CENT = Decimal("0.01")


class Money(fields.Decimal):
    """A decimal amount sent as a string ("59.00"); floats are refused (they are not exact)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("places", 2)
        super().__init__(as_string=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (float, bool)):
            raise ValidationError("Money must be a decimal string, e.g. \"59.00\".")
        # Decimal reads any Unicode digit ("٣.٠٠", "３.００") and underscores ("1_000"): not on the wire.
        if isinstance(value, str) and (not value.isascii() or "_" in value):
            raise ValidationError("Money is written in ASCII digits 0-9, e.g. \"59.00\".")
        try:
            exact = Decimal(str(value).strip())
            cents = exact.quantize(CENT) if exact.is_finite() else None
        except ArithmeticError:
            cents = None
        if cents is None:   # not a number, nan/infinity, too many digits: marshmallow's own errors
            return super()._deserialize(value, attr, data, **kwargs)
        if abs(exact) >= Decimal("1e13"):
            raise ValidationError("Money amount is out of range.")
        # Checked before quantizing to two places, which would round "59.001" silently.
        if exact != cents:
            raise ValidationError("Money has at most two decimal places.")
        # What marshmallow's Decimal would return, without parsing and quantizing the string again.
        return cents if self.places == CENT else super()._deserialize(value, attr, data, **kwargs)


# No shop sends a time outside this window. Year 9999 passed once: shifted to Beijing time it
# overflowed in one consumer while the others stored it, so every wire time is held to it.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
SaneTime = validate.Range(min=EARLIEST, max=LATEST, max_inclusive=False,
                          error="Must be from 2000-01-01 and before 2100-01-01 (UTC).")


def to_iso(moment):
    """A moment as it travels: ISO 8601 in UTC, with a Z."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class UtcDateTime(fields.AwareDateTime):
    """ISO 8601 with a zone; naive input is read as UTC; from 2000 to 2099."""

    def __init__(self, **kwargs):
        extra = kwargs.pop("validate", None)
        extra = [] if extra is None else list(extra) if isinstance(extra, (list, tuple)) else [extra]
        super().__init__(format="iso", default_timezone=None, validate=[SaneTime, *extra], **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
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


class Written(validate.Length):
    """Text a person writes (a reason, a note): `min` to `max` characters, and not blank. Spaces alone are no
    reason, and the spaces around a text don't count towards `min`."""
    message_blank = "Must not be blank."

    def __call__(self, value):
        super().__call__(value)
        text = value.strip()
        if not text:
            raise ValidationError(self.message_blank)
        if self.min is not None and len(text) < self.min:
            super().__call__(text)   # raises the length's own message
        return value


NonEmpty = validate.Length(min=1)
Positive = validate.Range(min=1)
