"""Staff performance's own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class StaffMember(Base):
    """The register. `registered` is false for someone only seen in events (kept and flagged)."""
    __tablename__ = "staff"

    staff_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), default="")
    role: Mapped[str] = mapped_column(sa.String(30), default="")
    rank: Mapped[str] = mapped_column(sa.String(20), default="regular")
    team: Mapped[str] = mapped_column(sa.String(50), default="", index=True)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    registered: Mapped[bool] = mapped_column(sa.Boolean, default=True)


class Fact(Base):
    """One thing a person did, counted once, on the business day it happened."""
    __tablename__ = "facts"
    __table_args__ = (sa.UniqueConstraint("event_id", "kind", "part"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(sa.String(36))
    source: Mapped[str] = mapped_column(sa.String(80))
    staff_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    subject: Mapped[str] = mapped_column(sa.String(100))
    seconds: Mapped[float | None] = mapped_column(sa.Float, nullable=True)
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    occurred_at: Mapped[object] = mapped_column(UtcDateTime)
    # Which of the event's items (one event, several facts of a kind): the SKU of a picked line.
    part: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")


class DailyReport(Base):
    """A rep's day as the manager records it (calls, visits, leads, deals, next-day bookings)."""
    __tablename__ = "daily_reports"
    __table_args__ = (sa.UniqueConstraint("staff_id", "day"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    calls: Mapped[int] = mapped_column(sa.Integer)
    visits: Mapped[int] = mapped_column(sa.Integer)
    visits_unrecorded: Mapped[int] = mapped_column(sa.Integer)
    fine_leads: Mapped[int] = mapped_column(sa.Integer)
    rough_leads: Mapped[int] = mapped_column(sa.Integer)
    deals: Mapped[int] = mapped_column(sa.Integer)
    bookings_next_day: Mapped[int] = mapped_column(sa.Integer)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[object] = mapped_column(UtcDateTime)


class Punch(Base):
    """One clock-in machine reading."""
    __tablename__ = "punches"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    punch_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    at: Mapped[object] = mapped_column(UtcDateTime)
    device: Mapped[str] = mapped_column(sa.String(64))
    # "in" / "out" when the machine tells (time away from the post needs it), else NULL.
    direction: Mapped[str | None] = mapped_column(sa.String(3), nullable=True)


class LeaveRequest(Base):
    __tablename__ = "leave_requests"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    first_day: Mapped[object] = mapped_column(sa.Date)
    last_day: Mapped[object] = mapped_column(sa.Date)
    requested_at: Mapped[object] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(sa.String(500))
    notice_ok: Mapped[bool] = mapped_column(sa.Boolean)
    proof_required: Mapped[bool] = mapped_column(sa.Boolean)
    proof_received_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    notice_note: Mapped[str] = mapped_column(sa.String(300))


class RotaEntry(Base):
    """Someone on duty on a day (每天2人值班); start / end only where the shift differs from the policy's hours."""
    __tablename__ = "duty_rota"
    __table_args__ = (sa.UniqueConstraint("day", "staff_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    start: Mapped[object | None] = mapped_column(sa.Time, nullable=True)
    end: Mapped[object | None] = mapped_column(sa.Time, nullable=True)
    set_by: Mapped[str] = mapped_column(sa.String(64))
    set_at: Mapped[object] = mapped_column(UtcDateTime)


class AttendanceDay(Base):
    """A closed working day: judged once (the unique key makes closing a day idempotent)."""
    __tablename__ = "attendance_days"
    __table_args__ = (sa.UniqueConstraint("staff_id", "day"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64))
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(sa.String(30))
    late_minutes: Mapped[int] = mapped_column(sa.Integer)
    early_minutes: Mapped[int] = mapped_column(sa.Integer)
    away_minutes: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    reason: Mapped[str] = mapped_column(sa.String(200))   # attendance.py's code (older rows: a sentence)


class Fine(Base):
    """One rung of a ladder. `occurrence` within the period is unique, so two concurrent
    infractions cannot both take the same rung."""
    __tablename__ = "fines"
    __table_args__ = (sa.UniqueConstraint("staff_id", "rule", "period_key", "occurrence"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    rule: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[object] = mapped_column(sa.Date, index=True)
    period_key: Mapped[str] = mapped_column(sa.String(10))
    occurrence: Mapped[int] = mapped_column(sa.Integer)
    amount = mapped_column(Money, nullable=False)
    flag: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    policy_version: Mapped[str] = mapped_column(sa.String(40))
    noticed_on: Mapped[object | None] = mapped_column(sa.Date, nullable=True)
    issued_by: Mapped[str] = mapped_column(sa.String(64))
    issued_at: Mapped[object] = mapped_column(UtcDateTime)


class FinePayment(Base):
    __tablename__ = "fine_payments"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    fine_id: Mapped[int] = mapped_column(sa.ForeignKey("fines.id"), index=True)
    amount = mapped_column(Money, nullable=False)
    paid_on: Mapped[object] = mapped_column(sa.Date)
    recorded_by: Mapped[str] = mapped_column(sa.String(64))
    recorded_at: Mapped[object] = mapped_column(UtcDateTime)


class Flag(Base):
    """For a manager's review; raised once per (person, flag, day, subject)."""
    __tablename__ = "flags"
    __table_args__ = (sa.UniqueConstraint("staff_id", "flag", "day", "subject"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    flag: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[object] = mapped_column(sa.Date)
    subject: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str] = mapped_column(sa.String(500))
    raised_at: Mapped[object] = mapped_column(UtcDateTime)


class PolicyVersion(Base):
    """A manager's change to the policy, in force from `effective_from` (the default is a file)."""
    __tablename__ = "policy_versions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    effective_from: Mapped[object] = mapped_column(sa.Date, unique=True)
    document: Mapped[str] = mapped_column(sa.Text)
    created_by: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[object] = mapped_column(UtcDateTime)
