"""Column types that behave the same on SQLite and PostgreSQL."""
from decimal import Decimal, ROUND_HALF_UP

import sqlalchemy as sa

from shared.timeutil import as_utc

CENT = Decimal("0.01")


class Money(sa.types.TypeDecorator):
    """A money amount stored as integer cents.

    SQLite has no exact decimal type, so sums and conditional updates
    (`refunded + :x <= paid`) are done on integers, exactly, on both engines.
    """

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        amount = Decimal(value)
        if amount != amount.quantize(CENT):
            raise ValueError(f"money has at most two decimal places: {value}")
        return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(CENT)

    def coerce_compared_value(self, op, value):
        return self


def to_cents(amount):
    return Money().process_bind_param(amount, None)


class UtcDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on both engines (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware datetimes only")
        return as_utc(value)

    def process_result_value(self, value, dialect):
        return as_utc(value)
