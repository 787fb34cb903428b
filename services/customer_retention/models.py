"""Customer retention's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class Account(Base):
    """A customer as the pool knows it: a company by its normalised registered name
    (营业执照全称), or a private buyer by customer id. The unit of protection and of RFM."""
    __tablename__ = "accounts"

    customer_key: Mapped[str] = mapped_column(sa.String(320), primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[str] = mapped_column(sa.String(10))   # business | private
    created_at: Mapped[object] = mapped_column(UtcDateTime)


class CompanyName(Base):
    """Every spelling of a registered name seen, and the account it was merged into."""
    __tablename__ = "company_names"

    name: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    customer_key: Mapped[str] = mapped_column(sa.ForeignKey("accounts.customer_key"), index=True)
    first_seen_at: Mapped[object] = mapped_column(UtcDateTime)


class Customer(Base):
    """A buyer as the care team knows it, built from the bus."""
    __tablename__ = "customers"

    customer_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_key: Mapped[str] = mapped_column(sa.ForeignKey("accounts.customer_key"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(40))
    company: Mapped[str] = mapped_column(sa.String(300), nullable=True)
    orders_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    total_spent: Mapped[object] = mapped_column(Money)
    refunded_total: Mapped[object] = mapped_column(Money, default=0)
    returns_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    cod_refusals: Mapped[int] = mapped_column(sa.Integer, default=0)
    deliveries_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    failed_deliveries: Mapped[int] = mapped_column(sa.Integer, default=0)
    cases_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    first_order_at: Mapped[object] = mapped_column(UtcDateTime)
    last_order_at: Mapped[object] = mapped_column(UtcDateTime)


class CustomerOrder(Base):
    __tablename__ = "customer_orders"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.ForeignKey("customers.customer_id"), index=True)
    customer_key: Mapped[str] = mapped_column(sa.String(320), index=True)
    total: Mapped[object] = mapped_column(Money)
    refunded: Mapped[object] = mapped_column(Money, default=0)
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(30))
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
    delivered_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    # Whom the courier tries to reach (for the call after a failed COD delivery: 主动与收件人联系).
    recipient: Mapped[str] = mapped_column(sa.String(200), nullable=True)
    recipient_phone: Mapped[str] = mapped_column(sa.String(40), nullable=True)
    # The buyer says the parcel never came, or was refunded before it was delivered: nobody asks them how
    # the delivery went (after-sales follows it up: a recovery case if it is delivered after the refund).
    delivery_disputed: Mapped[bool] = mapped_column(sa.Boolean, default=False)


class Backorder(Base):
    """A backorder split off an order (拆单, order_review's `order_split`): its parcel's news is about the same
    purchase, so it lands on the order it was split from."""
    __tablename__ = "backorders"

    backorder_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("customer_orders.order_no"), index=True)
    split_at: Mapped[object] = mapped_column(UtcDateTime)


class CustomerEvent(Base):
    """The customer's timeline: each bus event that touched one of their orders."""
    __tablename__ = "customer_events"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    detail: Mapped[dict] = mapped_column(sa.JSON)
    occurred_at: Mapped[object] = mapped_column(UtcDateTime)


class Protection(Base):
    """Who holds a customer now. The primary key is the rule: one holder per customer,
    so of two concurrent claims the database lets exactly one in."""
    __tablename__ = "protections"

    customer_key: Mapped[str] = mapped_column(sa.ForeignKey("accounts.customer_key"), primary_key=True)
    rep: Mapped[str] = mapped_column(sa.String(64), index=True)
    ownership_id: Mapped[int] = mapped_column(sa.ForeignKey("ownerships.id"))
    claimed_at: Mapped[object] = mapped_column(UtcDateTime)
    expires_at: Mapped[object] = mapped_column(UtcDateTime, index=True)
    last_follow_up_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    expiry_notified_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)


class Ownership(Base):
    """One period of a rep holding a customer: the whole history of ownership."""
    __tablename__ = "ownerships"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    customer_key: Mapped[str] = mapped_column(sa.ForeignKey("accounts.customer_key"), index=True)
    rep: Mapped[str] = mapped_column(sa.String(64), index=True)
    started_at: Mapped[object] = mapped_column(UtcDateTime)
    how: Mapped[str] = mapped_column(sa.String(20))   # claimed | reassigned
    ended_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    end_reason: Mapped[str] = mapped_column(sa.String(20), nullable=True)   # released | expired | reassigned
    ended_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=True)


class RepLoad(Base):
    """How many customers a rep holds: raised by a conditional UPDATE against the limit."""
    __tablename__ = "rep_loads"

    rep: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    held: Mapped[int] = mapped_column(sa.Integer, default=0)


class RepClaimDay(Base):
    """Claims a rep made on one company day (Asia/Shanghai): raised by a conditional UPDATE against the limit."""
    __tablename__ = "rep_claim_days"

    rep: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    day: Mapped[object] = mapped_column(sa.Date, primary_key=True)
    claims: Mapped[int] = mapped_column(sa.Integer, default=0)


class PoolLimit(Base):
    """A limit as data: `scope` is '*' for everyone or a rep's staff id (overrides '*')."""
    __tablename__ = "pool_limits"

    scope: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[int] = mapped_column(sa.Integer)
    set_by: Mapped[str] = mapped_column(sa.String(64))
    set_at: Mapped[object] = mapped_column(UtcDateTime)


class FollowUp(Base):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    customer_key: Mapped[str] = mapped_column(sa.ForeignKey("accounts.customer_key"), index=True)
    rep: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    notes: Mapped[str] = mapped_column(sa.Text)
    logged_at: Mapped[object] = mapped_column(UtcDateTime)


class Notice(Base):
    """A message to a rep (protection about to expire)."""
    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    rep: Mapped[str] = mapped_column(sa.String(64), index=True)
    customer_key: Mapped[str] = mapped_column(sa.String(320))
    kind: Mapped[str] = mapped_column(sa.String(30))
    message: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[object] = mapped_column(UtcDateTime)


class CareTask(Base):
    """Something the care team or the owning rep must do for a customer by `due_at`.
    `dedupe_key` is unique: the same trigger (an order, a review, a lapse) makes one task."""
    __tablename__ = "care_tasks"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(400), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    customer_key: Mapped[str] = mapped_column(sa.String(320), index=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    assignee: Mapped[str] = mapped_column(sa.String(64), nullable=True, index=True)   # None: the care queue
    summary: Mapped[str] = mapped_column(sa.String(1000))
    # What the summary says, as parameters of its kind, for the console to put in the reader's language.
    summary_params: Mapped[dict] = mapped_column(sa.JSON, nullable=True)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    due_at: Mapped[object] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(sa.String(10), index=True)   # open | done | cancelled
    outcome: Mapped[str] = mapped_column(sa.String(30), nullable=True)
    notes: Mapped[str] = mapped_column(sa.Text, nullable=True)
    completed_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    completed_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
