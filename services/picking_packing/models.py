"""Picking & packing's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UtcDateTime, make_base

Base = make_base()


class PickList(Base):
    """An approved order's goods to pick, with the expected parcel weight."""
    __tablename__ = "pick_lists"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    lines: Mapped[list] = mapped_column(sa.JSON)
    expected_weight_g: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
