"""Shipping labels' own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class Shipment(Base):
    """This service's copy of an approved order: where it goes and what to collect."""
    __tablename__ = "shipments"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    recipient: Mapped[dict] = mapped_column(sa.JSON)
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    cod_amount: Mapped[object] = mapped_column(Money)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
