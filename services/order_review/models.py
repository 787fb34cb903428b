"""Order review's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()

# ReviewOrder.status: where an order's review stands.
HELD, APPROVED, REJECTED = "held", "approved", "rejected"
# ReviewDecision.reviewer of an order no rule held.
AUTO = "auto"
SPLIT_PENDING, SPLIT_DONE, SPLIT_REFUSED = "pending", "done", "refused"   # an order split (issue #23)
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


# BlacklistEntry.kind: what an entry names (matched against an order's normalised values).
PHONE, ADDRESS, CUSTOMER = "phone", "address", "customer"
BLACKLIST_KINDS = (PHONE, ADDRESS, CUSTOMER)


class BlacklistEntry(Base):
    """A phone, an address or a customer an operator listed: orders naming it are held BLACKLISTED. The row is
    its own audit: who listed it, when and why, and who took it off the list, when and why (a later listing of
    the same value is a new row)."""
    __tablename__ = "blacklist_entries"
    __table_args__ = (sa.Index("ix_blacklist_entries_kind_value", "kind", "value"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(sa.String(20))   # PHONE / ADDRESS / CUSTOMER
    value: Mapped[str] = mapped_column(sa.String(300))   # normalised (blacklist.normalise): what is matched
    shown: Mapped[str] = mapped_column(sa.String(300))   # as the operator typed it
    reason: Mapped[str] = mapped_column(sa.Text)
    listed_by: Mapped[str] = mapped_column(sa.String(64))
    listed_at: Mapped[object] = mapped_column(UtcDateTime)
    unlisted_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    unlisted_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    unlist_reason: Mapped[str] = mapped_column(sa.Text, nullable=True)


class GoodsChange(Base):
    """A reviewer's change to an order's goods (another SKU, another quantity): the lines before and after."""
    __tablename__ = "goods_changes"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("review_orders.order_no"), index=True)
    before: Mapped[list] = mapped_column(sa.JSON)
    after: Mapped[list] = mapped_column(sa.JSON)
    reviewer: Mapped[str] = mapped_column(sa.String(64))
    changed_at: Mapped[object] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=True)
    # An approved order's change the warehouse refused (picking had started): the order kept `before`.
    refused_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    refused_reason: Mapped[str] = mapped_column(sa.String(40), nullable=True)


class OrderSplit(Base):
    """An order waiting for stock split in two (拆单, issue #23): the order keeps what is in stock (a goods change
    the warehouse is told of) and the rest becomes the backorder `<order_no>-B<n>`, approved once the warehouse
    took the change (`order_goods_change_taken`)."""
    __tablename__ = "order_splits"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("review_orders.order_no"), index=True)
    backorder_no: Mapped[str] = mapped_column(sa.String(64), unique=True)
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("goods_changes.id"), unique=True)
    lines: Mapped[list] = mapped_column(sa.JSON)   # the backorder's lines
    by: Mapped[str] = mapped_column(sa.String(64))   # staff_id, or AUTO (SPLIT_WAITING_ORDERS)
    requested_at: Mapped[object] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(sa.String(20))   # SPLIT_PENDING / SPLIT_DONE / SPLIT_REFUSED
    settled_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
