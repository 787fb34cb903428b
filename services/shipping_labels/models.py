"""Shipping labels' own tables."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Money, UtcDateTime, make_base

Base = make_base()


class Shipment(Base):
    """This service's copy of an approved order, and where its parcel stands:
    awaiting_parcel → (awaiting_number) → labelled → shipped → delivered / returned."""
    __tablename__ = "shipments"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    recipient: Mapped[dict] = mapped_column(sa.JSON)
    lines: Mapped[list] = mapped_column(sa.JSON)
    payment_method: Mapped[str] = mapped_column(sa.String(10))
    cod_amount: Mapped[object] = mapped_column(Money)
    created_at: Mapped[object] = mapped_column(UtcDateTime)
    carrier: Mapped[str] = mapped_column(sa.String(20), nullable=True, index=True)
    # The courier the order was approved with (the buyer's 指定快递, or the reviewer's): routed to it when it can
    # take the parcel; None: the tariff's rules choose.
    chosen_carrier: Mapped[str] = mapped_column(sa.String(20), nullable=True)
    service: Mapped[str] = mapped_column(sa.String(60), nullable=True)
    zone: Mapped[str] = mapped_column(sa.String(20), nullable=True)
    weight_g: Mapped[int] = mapped_column(sa.Integer, nullable=True)
    cost: Mapped[object] = mapped_column(Money, nullable=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(40), nullable=True)
    packed_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    waiting_since: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    handed_over_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    shipper: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    reprint_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    problem: Mapped[str] = mapped_column(sa.String(300), nullable=True)
    # A change asked for after the parcel had left (an address correction, a void) and refused: the flag the
    # API shows, with the reason; the history has the details.
    change_refused: Mapped[str] = mapped_column(sa.String(400), nullable=True)
    # The carrier's word, by the scan's own time: when it was delivered or back with us (the COD money is
    # collected on delivery: remittances age from it), and its latest scan of any kind (stuck.py).
    delivered_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    returned_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True, index=True)
    last_scan_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    # The start of the silence a `parcel_stuck` was published for: once per stuck spell (stuck.py).
    stuck_reported_for: Mapped[object] = mapped_column(UtcDateTime, nullable=True)


class WaybillRange(Base):
    """A block of waybill numbers (电子面单) a carrier gave us; `next_serial` only ever grows."""
    __tablename__ = "waybill_ranges"
    __table_args__ = (sa.CheckConstraint("next_serial <= last_serial + 1", name="within_range"),
                      sa.CheckConstraint("first_serial <= last_serial", name="ordered"))

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    carrier: Mapped[str] = mapped_column(sa.String(20), index=True)
    prefix: Mapped[str] = mapped_column(sa.String(10))
    first_serial: Mapped[int] = mapped_column(sa.BigInteger)
    last_serial: Mapped[int] = mapped_column(sa.BigInteger)
    next_serial: Mapped[int] = mapped_column(sa.BigInteger)
    loaded_by: Mapped[str] = mapped_column(sa.String(64))
    loaded_at: Mapped[object] = mapped_column(UtcDateTime)


class Waybill(Base):
    """One tracking number given to one parcel, with what its label says (route, price, recipient). Voided
    numbers stay here: they are never issued again, and never handed over (handover.py)."""
    __tablename__ = "waybills"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(40), unique=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), index=True)
    carrier: Mapped[str] = mapped_column(sa.String(20))
    service: Mapped[str] = mapped_column(sa.String(60))
    zone: Mapped[str] = mapped_column(sa.String(20), nullable=True)
    cost: Mapped[object] = mapped_column(Money, nullable=True)
    recipient: Mapped[dict] = mapped_column(sa.JSON, nullable=True)
    status: Mapped[str] = mapped_column(sa.String(10))
    issued_at: Mapped[object] = mapped_column(UtcDateTime)
    voided_at: Mapped[object] = mapped_column(UtcDateTime, nullable=True)
    void_reason: Mapped[str] = mapped_column(sa.String(300), nullable=True)
    voided_by: Mapped[str] = mapped_column(sa.String(64), nullable=True)


class ShipmentHistory(Base):
    """Everything that happened to a shipment, who did it and why (001: every step leaves a record)."""
    __tablename__ = "shipment_history"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[object] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(sa.String(40))
    by: Mapped[str] = mapped_column(sa.String(64), nullable=True)
    detail: Mapped[dict] = mapped_column(sa.JSON)


class TrackingEvent(Base):
    """A carrier's scan; the same scan pushed twice is stored once."""
    __tablename__ = "tracking_events"
    __table_args__ = (sa.UniqueConstraint("tracking_no", "status", "occurred_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    order_no: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(30))
    occurred_at: Mapped[object] = mapped_column(UtcDateTime)
    location: Mapped[str] = mapped_column(sa.String(200), nullable=True)
    reason: Mapped[str] = mapped_column(sa.String(300), nullable=True)
    received_at: Mapped[object] = mapped_column(UtcDateTime)


class UnmatchedHandover(Base):
    """A hand-over scan with no live label behind it: a reconciliation exception for the manifest. Written
    when the floor scanned hand-overs against its copy of our labels and told us afterwards; since the scan
    comes here (POST /handovers) such a scan is refused before the parcel leaves, so only older days have them."""
    __tablename__ = "unmatched_handovers"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    order_no: Mapped[str] = mapped_column(sa.String(64))
    tracking_no: Mapped[str] = mapped_column(sa.String(60))
    carrier: Mapped[str] = mapped_column(sa.String(20), nullable=True)
    shipper: Mapped[str] = mapped_column(sa.String(64))
    handed_over_at: Mapped[object] = mapped_column(UtcDateTime, index=True)
    reason: Mapped[str] = mapped_column(sa.String(300))


class RemittanceStatement(Base):
    """A courier's remittance statement (回款明细) as imported: one per content, whatever the file's format."""
    __tablename__ = "remittance_statements"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    carrier: Mapped[str] = mapped_column(sa.String(20), index=True)
    # sha256 of the carrier and the lines as read (remittance.py): the same statement as CSV or XLSX, or
    # saved again by a spreadsheet, is the same statement.
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    file_format: Mapped[str] = mapped_column(sa.String(10))
    line_count: Mapped[int] = mapped_column(sa.Integer)
    total: Mapped[object] = mapped_column(Money)
    imported_by: Mapped[str] = mapped_column(sa.String(64))
    imported_at: Mapped[object] = mapped_column(UtcDateTime)


class RemittanceLine(Base):
    """One line of a statement: the courier says it remitted `amount` for `tracking_no` on `remitted_on`.
    How it matches a parcel is worked out when read (reconciliation.py), so a late delivery scan counts."""
    __tablename__ = "remittance_lines"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("remittance_statements.id"), index=True)
    row_no: Mapped[int] = mapped_column(sa.Integer)
    tracking_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    amount: Mapped[object] = mapped_column(Money)
    remitted_on: Mapped[object] = mapped_column(sa.Date, index=True)


class MergedParcel(Base):
    """合单 (issue #23): an order packed in another order's parcel (parcel_packed's `merged_orders`). It has no
    label of its own: the parcel's waybill is its, and the parcel's hand-over ships it (merged_parcels.py)."""
    __tablename__ = "merged_parcels"

    order_no: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    parcel_order_no: Mapped[str] = mapped_column(sa.String(64), index=True)
    merged_at: Mapped[object] = mapped_column(UtcDateTime)
