"""Staff performance's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import UtcDateTime, make_base

Base = make_base()


class Fact(Base):
    """One thing a person did, counted once, on the day it happened."""
    __tablename__ = "facts"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    subject: Mapped[str] = mapped_column(sa.String(100))
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    occurred_at: Mapped[object] = mapped_column(UtcDateTime)
