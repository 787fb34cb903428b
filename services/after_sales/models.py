"""After-sales' own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class SalesOrder(Base):
    """This service's copy of an order: what was bought and paid, to cap refunds."""
    __tablename__ = "sales_orders"
    __table_args__ = (sa.CheckConstraint("refunded <= paid_amount", name="refund_within_paid"),)

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    order: Mapped[dict] = mapped_column(sa.JSON)   # the storefront order, for replacements
    shipping_fee: Mapped[object] = mapped_column(Money)
    total: Mapped[object] = mapped_column(Money)
    paid_amount: Mapped[object] = mapped_column(Money)
    refunded: Mapped[object] = mapped_column(Money, default=0)
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    placed_at: Mapped[object] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(sa.String(20), default="placed")
    tracking_no: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    shipped_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    delivered_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    # The carrier's first word that the parcel is coming back (intercepted, returning, returned_to_sender):
    # from then on a refund for it need not wait (securing.py).
    goods_secured_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    goods_secured_how: Mapped[str] = mapped_column(sa.String(30), nullable=True)


class SalesOrderLine(Base):
    """One SKU of an order: how many were bought, delivered and already returned."""
    __tablename__ = "sales_order_lines"
    __table_args__ = (sa.CheckConstraint("returned_qty <= delivered_qty", name="returned_within_delivered"),)

    order_no: Mapped[str] = mapped_column(sa.ForeignKey("sales_orders.order_no"), primary_key=True)
    sku: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    qty: Mapped[int] = mapped_column(sa.Integer)
    unit_price: Mapped[object] = mapped_column(Money)
    unit_weight_g: Mapped[int] = mapped_column(sa.Integer)
    shipped_qty: Mapped[int] = mapped_column(sa.Integer, default=0)
    delivered_qty: Mapped[int] = mapped_column(sa.Integer, default=0)
    returned_qty: Mapped[int] = mapped_column(sa.Integer, default=0)


class RefundCase(Base):
    """A refund, return or exchange case on the flow chart of seed 001, with its answer clock."""
    __tablename__ = "refund_cases"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.ForeignKey("sales_orders.order_no"), index=True)
    customer_id: Mapped[str] = mapped_column(sa.String(64))
    case_type: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(30), index=True)
    reason: Mapped[str] = mapped_column(sa.String(30))
    reason_text: Mapped[str] = mapped_column(sa.String(500), default="")
    lines: Mapped[list] = mapped_column(sa.JSON)
    amount: Mapped[object] = mapped_column(Money)
    include_shipping_fee: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    difficult: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    difficult_because: Mapped[str] = mapped_column(sa.String(100), nullable=True)
    # The agent who answers the buyer: the opener until a supervisor reassigns the case (duties.py).
    assignee: Mapped[str] = mapped_column(sa.String(64), index=True)
    opened_by: Mapped[str] = mapped_column(sa.String(64))   # may not approve or refund it (duties.py)
    opened_at: Mapped[object] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[object] = mapped_column(UtcDateTime)
    return_carrier: Mapped[str] = mapped_column(sa.String(50), nullable=True)
    return_tracking_no: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    return_in_hand: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    # How a refund that had to wait for the goods was let through: a carrier's scan, or a supervisor's
    # override with a reason (securing.py).
    secured_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    secured_how: Mapped[str] = mapped_column(sa.String(30), nullable=True)
    secured_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    secured_reason: Mapped[str] = mapped_column(sa.String(2000), nullable=True)
    # The buyer's application on the platform, when the buyer applied there (买家申请退款): one case per id.
    platform_request_id: Mapped[str] = mapped_column(sa.String(64), nullable=True, unique=True)
    # The refund asked of the platform (platform_refunds.py): when, by whom, how many times; its answer.
    platform_state: Mapped[str] = mapped_column(sa.String(20), nullable=True)   # waiting, executed, refused
    platform_requested_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    platform_requested_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    platform_attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    platform_timed_out_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    platform_answered_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    platform_refund_id: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    platform_refusal_code: Mapped[str] = mapped_column(sa.String(50), nullable=True)
    platform_refusal_text: Mapped[str] = mapped_column(sa.String(500), nullable=True)
    refunded_amount: Mapped[object] = mapped_column(Money, nullable=True)
    refunded_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    replacement_order_no: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    closed_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(sa.String(30), nullable=True)
    # The first-answer clock (working seconds), see sla.py.
    sla_budget_s: Mapped[int] = mapped_column(sa.Integer)
    sla_used_s: Mapped[int] = mapped_column(sa.Integer, default=0)
    sla_running_since: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    sla_deadline: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    sla_yellow_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    sla_breached_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    answered_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    answered_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    answered_within_sla: Mapped[bool] = mapped_column(sa.Boolean, nullable=True)
    # The shop's return window (return_window.py): when it ends for this case, and whether it was asked after.
    return_window_from: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    return_window_ends_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    # The deadlines beyond the first answer (deadlines.py): the next update due, the resolution due.
    update_due_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    update_yellow_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    update_breached_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    resolution_due_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    resolution_yellow_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    resolution_breached_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    # Escalated to the supervisors on a breach, until a supervisor acts on the case (deadlines.py).
    escalated_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    escalated_for: Mapped[str] = mapped_column(sa.String(20), nullable=True)
    escalation_taken_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    escalation_taken_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)


class ReturnNote(Base):
    """退货单: what the warehouse found in the buyer's parcel (seed 001: 开退货单并注明退货原因)."""
    __tablename__ = "return_notes"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("refund_cases.id"), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    lines: Mapped[list] = mapped_column(sa.JSON)
    accessories_complete: Mapped[bool] = mapped_column(sa.Boolean)
    condition: Mapped[str] = mapped_column(sa.String(20))
    discrepancies: Mapped[list] = mapped_column(sa.JSON)
    remarks: Mapped[str] = mapped_column(sa.String(1000), default="")
    received_by: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[object] = mapped_column(UtcDateTime)


class CaseAction(Base):
    """Every action on a case: who, when, what, and the case before and after."""
    __tablename__ = "case_actions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("refund_cases.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(30))
    at: Mapped[object] = mapped_column(UtcDateTime)
    before: Mapped[dict] = mapped_column(sa.JSON, nullable=True)
    after: Mapped[dict] = mapped_column(sa.JSON)
    detail: Mapped[dict] = mapped_column(sa.JSON)


class Holiday(Base):
    """A day the after-sales team is off: the SLA clock does not run (calendar as data)."""
    __tablename__ = "holidays"

    day: Mapped[object] = mapped_column(sa.Date, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class DutyAgent(Base):
    """An agent on duty now, as a supervisor keeps the roster (值班): new cases go to them (assignment.py)."""
    __tablename__ = "duty_roster"

    staff_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    since: Mapped[object] = mapped_column(UtcDateTime)
    set_by: Mapped[str] = mapped_column(sa.String(64))
