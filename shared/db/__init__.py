"""Database plumbing shared by every service: types, engine, unit of work, nameko dependency."""
from shared.db.base import make_base
from shared.db.types import Money, UtcDateTime

__all__ = ["make_base", "Money", "UtcDateTime"]
