"""Order review's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class ReviewOrder(Base):
    """An order as received from the storefront, and where its review stands."""
    __tablename__ = "review_orders"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    total: Mapped[object] = mapped_column(Money)
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
    received_at: Mapped[object] = mapped_column(UtcDateTime)
    decided_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    order: Mapped[dict] = mapped_column(sa.JSON)
