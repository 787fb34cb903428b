"""Customer retention's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class Customer(Base):
    """A customer as the care team knows it, built from the bus."""
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    company: Mapped[str] = mapped_column(sa.String(300), nullable=True)
    orders_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    total_spent: Mapped[object] = mapped_column(Money)
    first_order_at: Mapped[object] = mapped_column(UtcDateTime)
    last_order_at: Mapped[object] = mapped_column(UtcDateTime)


class CustomerOrder(Base):
    __tablename__ = "customer_orders"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.ForeignKey("customers.customer_id"), index=True)
    total: Mapped[object] = mapped_column(Money)
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
