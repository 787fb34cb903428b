"""Order review's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()

# ReviewOrder.status: where an order's review stands.
HELD, APPROVED, REJECTED = "held", "approved", "rejected"
# ReviewDecision.reviewer of an order no rule held.
AUTO = "auto"
# OrderHold.released_how: a person released it, an approval released it (with a reason), a correction
# removed its cause, the warehouse reserved the goods, the order was rejected.
BY_HAND, BY_APPROVAL, BY_CORRECTION, BY_WAREHOUSE, BY_REJECTION = (
    "hand", "approval", "correction", "warehouse", "rejection")


class ReviewOrder(Base):
    """An order as received, where its review stands, and who is working on it."""
    __tablename__ = "review_orders"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    status: Mapped[str] = mapped_column(sa.String(20))   # HELD / APPROVED / REJECTED
    total: Mapped[object] = mapped_column(Money)
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
    received_at: Mapped[object] = mapped_column(UtcDateTime, index=True)
    decided_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    order: Mapped[dict] = mapped_column(sa.JSON)   # the storefront order, as corrected by reviewers
    goods_key: Mapped[str] = mapped_column(sa.String(64))   # same goods => same key (duplicate check)
    content_hash: Mapped[str] = mapped_column(sa.String(64))   # of the order as first received
    replacement_of: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    claimed_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    claim_expires_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    # What shipping tells review (order_shipped, parcel_delivered): a correction is too late from then on.
    handed_over_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    delivered_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)


class ReviewCustomer(Base):
    """One row per customer, locked while one of their orders is reviewed: two orders of one
    customer arriving together are reviewed one after the other (POSSIBLE_DUPLICATE sees both)."""
    __tablename__ = "review_customers"

    customer_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    first_seen_at: Mapped[object] = mapped_column(UtcDateTime)


class OrderHold(Base):
    """One reason an order waits for a person; released on its own."""
    __tablename__ = "order_holds"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("review_orders.order_no"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32), index=True)
    message: Mapped[str] = mapped_column(sa.Text)
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=True)   # what the screens render the reason from
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    released_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    released_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    released_how: Mapped[str] = mapped_column(sa.String(20), nullable=True)   # BY_HAND, BY_APPROVAL, ...


class Correction(Base):
    """A reviewer's change to the recipient, phone or address: before, after, who, when."""
    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("review_orders.order_no"), index=True)
    field: Mapped[str] = mapped_column(sa.String(32))
    before: Mapped[str] = mapped_column(sa.Text)
    after: Mapped[str] = mapped_column(sa.Text)
    reviewer: Mapped[str] = mapped_column(sa.String(64))
    corrected_at: Mapped[object] = mapped_column(UtcDateTime)


class ReviewDecision(Base):
    """An approval or rejection: who decided and how long the order waited (daily statistics)."""
    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("review_orders.order_no"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(20))   # approved / rejected
    reviewer: Mapped[str] = mapped_column(sa.String(64))   # staff_id or AUTO
    decided_at: Mapped[object] = mapped_column(UtcDateTime, index=True)
    seconds_to_decision: Mapped[float] = mapped_column(sa.Float)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=True)


class CodRefusal(Base):
    """A COD parcel that came back uncollected: the customer's refusal history (COD_RISK)."""
    __tablename__ = "cod_refusals"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(64))
    amount_not_collected: Mapped[object] = mapped_column(Money)
    returned_at: Mapped[object] = mapped_column(UtcDateTime)
