"""After-sales' own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class SalesOrder(Base):
    """This service's copy of an order: what was bought and paid, to cap refunds."""
    __tablename__ = "sales_orders"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    lines: Mapped[list] = mapped_column(sa.JSON)
    shipping_fee: Mapped[object] = mapped_column(Money)
    total: Mapped[object] = mapped_column(Money)
    paid_amount: Mapped[object] = mapped_column(Money)
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
